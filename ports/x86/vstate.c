/* SPDX-License-Identifier: MIT */
/*
 * x86 half of the vcpu-state test (port/vstate.h): the pattern in the 8
 * GPRs (ebp is the release register, 0 while spinning), FS and GS null,
 * DF, and the FXSAVE image (x87, MXCSR, XMM0-7).
 */
#include <port/arch_regs.h>
#include <port/vstate.h>
#include <stddef.h>

#include "vstate_fx.h"

#define NR_GPRS 8
#define RELEASE HESTIA_X86_REG_EBP
#define FX_FIRST_WORD NR_GPRS
#define EFLAGS_DF 0x400u

struct vstate_regs {
    uint32_t gpr[NR_GPRS]; /* trap-record order: eax ebx ecx edx esi edi ebp esp */
    uint32_t eflags, fs, gs, pad;
    uint8_t fx[512] __attribute__((aligned(16)));
};
_Static_assert(offsetof(struct vstate_regs, eflags) == 32, "vstate.S offsets");
_Static_assert(offsetof(struct vstate_regs, fs) == 36, "vstate.S offsets");
_Static_assert(offsetof(struct vstate_regs, fx) == 48, "vstate.S offsets");

struct vstate_regs x86_vstate_in, x86_vstate_out;
void x86_vstate_spin(void);

static uint32_t gpr_pattern(uint64_t seed, unsigned i)
{
    return i == RELEASE ? 0 : (uint32_t)vstate_word(seed, i);
}

const char *arch_vstate_missing(void)
{
    return NULL;
}

static const char *const gpr_name[NR_GPRS] = {"eax", "ebx", "ecx", "edx",
                                              "esi", "edi", "ebp", "esp"};

unsigned arch_vstate_guest(uint64_t seed, char *why, size_t size)
{
    for (unsigned i = 0; i < NR_GPRS; i++)
        x86_vstate_in.gpr[i] = gpr_pattern(seed, i);
    vfx_fill(x86_vstate_in.fx, seed, FX_FIRST_WORD, 8);
    x86_vstate_spin();
    const struct vstate_regs *o = &x86_vstate_out;
    unsigned bad = 0;
    bool named = false;
    for (unsigned i = 0; i < NR_GPRS; i++) {
        uint32_t want = i == RELEASE ? 1 : gpr_pattern(seed, i);
        if (o->gpr[i] != want && !bad++) {
            named = true;
            ksnprintf(why, size, "%s %x, want %x", gpr_name[i], o->gpr[i], want);
        }
    }
    if ((!(o->eflags & EFLAGS_DF) || o->fs != 0 || o->gs != 0) && !bad++) {
        named = true;
        ksnprintf(why, size, "eflags %x (want DF) fs %x gs %x (want 0)", o->eflags, o->fs,
                  o->gs);
    }
    bad += vfx_compare(x86_vstate_in.fx, o->fx, 8, why, size, &named);
    if (!bad)
        ksnprintf(why, size, "8 GPRs, DF, FS GS, ST0-7, FCW FSW FTW, MXCSR, XMM0-7");
    return bad;
}

bool arch_vstate_in_spin(const struct hestia_vcpu_state *st, uint64_t seed)
{
    if (st->hdr.arch != HESTIA_VCPU_ARCH_X86)
        return false;
    const struct hestia_x86_vcpu_state *b = (const void *)&st->body;
    for (unsigned i = 0; i < NR_GPRS; i++)
        if (b->regs[i] != gpr_pattern(seed, i))
            return false;
    return b->regs[HESTIA_X86_REG_FS] == 0 && b->regs[HESTIA_X86_REG_GS] == 0 &&
           vfx_get(b->fxsave, VFX_MXCSR, 4) == VFX_MXCSR_PATTERN;
}

unsigned arch_vstate_scribble(struct hestia_vcpu_state *st)
{
    struct hestia_x86_vcpu_state *b = (void *)&st->body;
    for (unsigned i = 0; i < NR_GPRS; i++)
        b->regs[i] ^= 0x55555555u;
    b->regs[HESTIA_X86_REG_EIP] += 16;
    b->regs[HESTIA_X86_REG_EFLAGS] ^= 0x4c5; /* CF PF ZF SF DF */
    /* Every data selector to another one a ring-1 guest may hold. */
    b->regs[HESTIA_X86_REG_DS] = HESTIA_X86_KERNEL_SS;
    b->regs[HESTIA_X86_REG_ES] = 0;
    b->regs[HESTIA_X86_REG_FS] = HESTIA_X86_USER_DS;
    b->regs[HESTIA_X86_REG_GS] = HESTIA_X86_USER_DS;
    return NR_GPRS + 2 + 4 + vfx_scribble(b->fxsave, 8);
}

void arch_vstate_release(struct hestia_vcpu_state *st)
{
    ((struct hestia_x86_vcpu_state *)(void *)&st->body)->regs[RELEASE] = 1;
}

uint32_t arch_vcpu_state_arch(void)
{
    return HESTIA_VCPU_ARCH_X86;
}
