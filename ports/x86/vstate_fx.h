/* SPDX-License-Identifier: MIT */
/*
 * The FXSAVE image of the vcpu-state test, shared by the x86 and x86_64
 * ports (the 32-bit and 64-bit images agree on everything used here; the
 * 32-bit one has XMM0-7 only).  Filled: FCW, FSW, the abridged tag word,
 * MXCSR, ST0-7 (all 80 bits), XMM0-n.  Not compared: FOP/FIP/FDP (where
 * the last x87 instruction was) and MXCSR_MASK (the CPU's constant).
 */
#ifndef PORT_X86_VSTATE_FX_H
#define PORT_X86_VSTATE_FX_H

#include <port/vstate.h>

#define VFX_FCW 0
#define VFX_FSW 2
#define VFX_FTW 4
#define VFX_MXCSR 24
#define VFX_ST0 32 /* 16 bytes a register, 10 used */
#define VFX_XMM0 160
#define VFX_ST_BYTES 10

/* Values that differ from the reset state and load without a fault. */
#define VFX_FCW_PATTERN 0x0c7fu   /* all masked, single precision, round to zero */
#define VFX_FSW_PATTERN 0x4700u   /* C3 C2 C1 C0, no exception pending */
#define VFX_MXCSR_PATTERN 0x5f85u /* round up, all masked, IE and ZE flags */
#define VFX_FTW_PATTERN 0xffu     /* every ST register in use */

static inline void vfx_put(uint8_t *fx, unsigned off, uint32_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        fx[off + i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t vfx_get(const uint8_t *fx, unsigned off, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint32_t)fx[off + i] << (8 * i);
    return v;
}

/* Byte b of the pattern from word `first` on (8 bytes a word). */
static inline uint8_t vfx_byte(uint64_t seed, unsigned first, unsigned b)
{
    return (uint8_t)(vstate_word(seed, first + b / 8) >> (8 * (b % 8)));
}

/* The image to fxrstor: words first.. of seed's pattern. */
static inline void vfx_fill(uint8_t *fx, uint64_t seed, unsigned first, unsigned nr_xmm)
{
    for (unsigned i = 0; i < 512; i++)
        fx[i] = 0;
    vfx_put(fx, VFX_FCW, VFX_FCW_PATTERN, 2);
    vfx_put(fx, VFX_FSW, VFX_FSW_PATTERN, 2);
    fx[VFX_FTW] = VFX_FTW_PATTERN;
    vfx_put(fx, VFX_MXCSR, VFX_MXCSR_PATTERN, 4);
    for (unsigned r = 0; r < 8; r++)
        for (unsigned b = 0; b < VFX_ST_BYTES; b++)
            fx[VFX_ST0 + 16 * r + b] = vfx_byte(seed, first + 2 * r, b);
    for (unsigned r = 0; r < nr_xmm; r++)
        for (unsigned b = 0; b < 16; b++)
            fx[VFX_XMM0 + 16 * r + b] = vfx_byte(seed, first + 16 + 2 * r, b);
}

/* Whether register bytes [off, off + n) agree. */
static inline bool vfx_same(const uint8_t *a, const uint8_t *b, unsigned off, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (a[off + i] != b[off + i])
            return false;
    return true;
}

/*
 * Compare the FPU registers of got with want: how many differ; the first
 * is named in why (if *named is false, which it then sets).
 */
static inline unsigned vfx_compare(const uint8_t *want, const uint8_t *got, unsigned nr_xmm,
                                   char *why, size_t size, bool *named)
{
    static const struct {
        const char *name;
        unsigned off, bytes;
    } ctl[] = {{"FCW", VFX_FCW, 2},
               {"FSW", VFX_FSW, 2},
               {"FTW", VFX_FTW, 1},
               {"MXCSR", VFX_MXCSR, 4}};
    unsigned bad = 0;
    for (unsigned i = 0; i < ARRAY_SIZE(ctl); i++) {
        if (vfx_same(want, got, ctl[i].off, ctl[i].bytes))
            continue;
        if (!bad++ && !*named) {
            *named = true;
            ksnprintf(why, size, "%s %x, want %x", ctl[i].name,
                      vfx_get(got, ctl[i].off, ctl[i].bytes),
                      vfx_get(want, ctl[i].off, ctl[i].bytes));
        }
    }
    for (unsigned r = 0; r < 8 + nr_xmm; r++) {
        unsigned off = r < 8 ? VFX_ST0 + 16 * r : VFX_XMM0 + 16 * (r - 8);
        unsigned n = r < 8 ? VFX_ST_BYTES : 16;
        if (vfx_same(want, got, off, n))
            continue;
        if (!bad++ && !*named) {
            *named = true;
            ksnprintf(why, size, "%s%u differs (low word %x, want %x)",
                      r < 8 ? "ST" : "XMM", r < 8 ? r : r - 8, vfx_get(got, off, 4),
                      vfx_get(want, off, 4));
        }
    }
    return bad;
}

/* dom0's scribble of the image: every register to another loadable value. */
static inline unsigned vfx_scribble(uint8_t *fx, unsigned nr_xmm)
{
    vfx_put(fx, VFX_FCW, vfx_get(fx, VFX_FCW, 2) ^ 0x0f00, 2); /* other RC and PC */
    vfx_put(fx, VFX_FSW, vfx_get(fx, VFX_FSW, 2) ^ 0x4600, 2); /* other condition codes */
    fx[VFX_FTW] ^= 0xf0;                                       /* ST4-7 empty */
    vfx_put(fx, VFX_MXCSR, vfx_get(fx, VFX_MXCSR, 4) ^ 0x6005, 4); /* other RC, flags */
    for (unsigned r = 0; r < 8; r++)
        for (unsigned b = 0; b < VFX_ST_BYTES; b++)
            fx[VFX_ST0 + 16 * r + b] ^= 0xa5;
    for (unsigned r = 0; r < nr_xmm; r++)
        for (unsigned b = 0; b < 16; b++)
            fx[VFX_XMM0 + 16 * r + b] ^= 0x5a;
    return 4 + 8 + nr_xmm;
}

#endif
