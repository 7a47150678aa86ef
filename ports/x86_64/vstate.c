/* SPDX-License-Identifier: MIT */
/*
 * x86_64 half of the vcpu-state test (port/vstate.h): the pattern in all
 * 16 GPRs (r15 is the release register, 0 while spinning; rsp gets a
 * canonical pattern), DF, and the FXSAVE64 image (x87, MXCSR, XMM0-15).
 */
#include <port/arch_regs.h>
#include <port/vstate.h>
#include <stddef.h>

#include "../x86/vstate_fx.h"

#define NR_GPRS 16
#define RELEASE HESTIA_X86_64_REG_R15
#define FX_FIRST_WORD NR_GPRS /* pattern words of the FPU image */
#define RFLAGS_DF 0x400ull

struct vstate_regs {
    uint64_t gpr[NR_GPRS]; /* trap-record order: rax rbx rcx rdx rsi rdi rbp rsp r8..r15 */
    uint64_t rflags;
    uint64_t pad;
    uint8_t fx[512] __attribute__((aligned(16)));
};
_Static_assert(offsetof(struct vstate_regs, rflags) == 128, "vstate.S offsets");
_Static_assert(offsetof(struct vstate_regs, fx) == 144, "vstate.S offsets");

struct vstate_regs x86_64_vstate_in, x86_64_vstate_out;
void x86_64_vstate_spin(void);

/* Register i's pattern (0 for the release register). */
static uint64_t gpr_pattern(uint64_t seed, unsigned i)
{
    if (i == RELEASE)
        return 0;
    uint64_t w = vstate_word(seed, i);
    return i == HESTIA_X86_64_REG_RSP ? w & 0x00007ffffffffff0ull : w; /* canonical */
}

const char *arch_vstate_missing(void)
{
    return NULL;
}

static const char *const gpr_name[NR_GPRS] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi",
                                              "rbp", "rsp", "r8",  "r9",  "r10", "r11",
                                              "r12", "r13", "r14", "r15"};

unsigned arch_vstate_guest(uint64_t seed, char *why, size_t size)
{
    for (unsigned i = 0; i < NR_GPRS; i++)
        x86_64_vstate_in.gpr[i] = gpr_pattern(seed, i);
    vfx_fill(x86_64_vstate_in.fx, seed, FX_FIRST_WORD, 16);
    x86_64_vstate_spin();
    unsigned bad = 0;
    bool named = false;
    for (unsigned i = 0; i < NR_GPRS; i++) {
        uint64_t want = i == RELEASE ? 1 : gpr_pattern(seed, i);
        if (x86_64_vstate_out.gpr[i] != want && !bad++) {
            named = true;
            ksnprintf(why, size, "%s %llx, want %llx", gpr_name[i],
                      (unsigned long long)x86_64_vstate_out.gpr[i],
                      (unsigned long long)want);
        }
    }
    if (!(x86_64_vstate_out.rflags & RFLAGS_DF) && !bad++) {
        named = true;
        ksnprintf(why, size, "DF clear (rflags %llx)",
                  (unsigned long long)x86_64_vstate_out.rflags);
    }
    bad += vfx_compare(x86_64_vstate_in.fx, x86_64_vstate_out.fx, 16, why, size, &named);
    if (!bad)
        ksnprintf(why, size, "16 GPRs, DF, ST0-7, FCW FSW FTW, MXCSR, XMM0-15");
    return bad;
}

bool arch_vstate_in_spin(const struct hestia_vcpu_state *st, uint64_t seed)
{
    if (st->hdr.arch != HESTIA_VCPU_ARCH_X86_64)
        return false;
    const struct hestia_x86_64_vcpu_state *b = (const void *)&st->body;
    for (unsigned i = 0; i < NR_GPRS; i++)
        if (b->regs[i] != gpr_pattern(seed, i))
            return false;
    return vfx_get(b->fxsave, VFX_MXCSR, 4) == VFX_MXCSR_PATTERN;
}

unsigned arch_vstate_scribble(struct hestia_vcpu_state *st)
{
    struct hestia_x86_64_vcpu_state *b = (void *)&st->body;
    for (unsigned i = 0; i < NR_GPRS; i++)
        b->regs[i] ^=
            i == HESTIA_X86_64_REG_RSP ? 0x0000222222222220ull : 0x5555555555555555ull;
    b->regs[HESTIA_X86_64_REG_RIP] += 16;
    b->regs[HESTIA_X86_64_REG_RFLAGS] ^= 0x4c5; /* CF PF ZF SF DF */
    return NR_GPRS + 2 + vfx_scribble(b->fxsave, 16);
}

void arch_vstate_release(struct hestia_vcpu_state *st)
{
    ((struct hestia_x86_64_vcpu_state *)(void *)&st->body)->regs[RELEASE] = 1;
}

uint32_t arch_vcpu_state_arch(void)
{
    return HESTIA_VCPU_ARCH_X86_64;
}
