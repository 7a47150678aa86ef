/* SPDX-License-Identifier: MIT */
/*
 * ppc half of the vcpu-state test (port/vstate.h): the pattern in r0-r31,
 * CR, LR, CTR, XER, USPRG0 and SPEFSCR (vstate.S); CR bit 31 (cr7.so) is
 * the release register, r1 holds &ppc_vstate_out (the store base after the
 * spin).  The guest also checks that SPRG3-7, which it can read but not
 * write, read 0 (the hypervisor clears them: no loader value leaks).
 */
#include <port/arch_regs.h>
#include <port/vstate.h>
#include <stddef.h>

#define NR_GPRS 32
#define W_CR 32
#define W_LR 33
#define W_CTR 34
#define W_XER 35
#define W_USPRG0 36
#define W_SPEFSCR 37
#define NR_WORDS 38
#define RELEASE_BIT 1u             /* CR bit 31: cr7.so */
#define XER_BITS 0xe000007fu       /* SO OV CA and the string byte count */
#define SPEFSCR_STATUS 0xff3eff03u /* status bits and FRMC; no exception enables */

struct vstate_regs {
    uint32_t w[NR_WORDS]; /* r0-r31, CR, LR, CTR, XER, USPRG0, SPEFSCR */
    uint32_t sprg[5];     /* SPRG3-7 as read (out only) */
    uint32_t pad;
};
_Static_assert(offsetof(struct vstate_regs, w[W_CR]) == 128, "vstate.S offsets");
_Static_assert(offsetof(struct vstate_regs, sprg) == 152, "vstate.S offsets");

struct vstate_regs ppc_vstate_in, ppc_vstate_out;
void ppc_vstate_spin(void);
extern char ppc_vstate_spin_loop[];

static uint32_t pattern(uint64_t seed, unsigned i)
{
    uint32_t w = (uint32_t)vstate_word(seed, i);
    switch (i) {
    case 1:
        return (uint32_t)(uintptr_t)&ppc_vstate_out;
    case W_CR:
        return w & ~RELEASE_BIT;
    case W_XER:
        return w & XER_BITS;
    case W_SPEFSCR:
        return w & SPEFSCR_STATUS;
    default:
        return w;
    }
}

static const char *const word_name[] = {"cr", "lr", "ctr", "xer", "usprg0", "spefscr"};

const char *arch_vstate_missing(void)
{
    return NULL;
}

unsigned arch_vstate_guest(uint64_t seed, char *why, size_t size)
{
    for (unsigned i = 0; i < NR_WORDS; i++)
        ppc_vstate_in.w[i] = pattern(seed, i);
    ppc_vstate_spin();
    unsigned bad = 0;
    for (unsigned i = 0; i < NR_WORDS; i++) {
        uint32_t want = pattern(seed, i) | (i == W_CR ? RELEASE_BIT : 0);
        if (ppc_vstate_out.w[i] == want || bad++)
            continue;
        if (i < NR_GPRS)
            ksnprintf(why, size, "r%u %x, want %x", i, ppc_vstate_out.w[i], want);
        else
            ksnprintf(why, size, "%s %x, want %x", word_name[i - NR_GPRS],
                      ppc_vstate_out.w[i], want);
    }
    for (unsigned i = 0; i < 5; i++)
        if (ppc_vstate_out.sprg[i] && !bad++)
            ksnprintf(why, size, "SPRG%u reads %x, want 0", i + 3, ppc_vstate_out.sprg[i]);
    if (!bad)
        ksnprintf(why, size, "r0-r31, CR, LR, CTR, XER, USPRG0, SPEFSCR; SPRG3-7 read 0");
    return bad;
}

/* Record slot of pattern word i. */
static unsigned slot_of(unsigned i)
{
    switch (i) {
    case W_CR:
        return HESTIA_PPC_REG_CR;
    case W_LR:
        return HESTIA_PPC_REG_LR;
    case W_CTR:
        return HESTIA_PPC_REG_CTR;
    case W_XER:
        return HESTIA_PPC_REG_XER;
    default:
        return HESTIA_PPC_REG_GPR(i);
    }
}

bool arch_vstate_in_spin(const struct hestia_vcpu_state *st, uint64_t seed)
{
    if (st->hdr.arch != HESTIA_VCPU_ARCH_PPC)
        return false;
    const struct hestia_ppc_vcpu_state *b = (const void *)&st->body;
    for (unsigned i = 0; i < W_USPRG0; i++)
        if (b->regs[slot_of(i)] != pattern(seed, i))
            return false;
    return b->usprg0 == pattern(seed, W_USPRG0) && b->spefscr == pattern(seed, W_SPEFSCR) &&
           b->regs[HESTIA_PPC_REG_PC] == (uintptr_t)ppc_vstate_spin_loop &&
           b->regs[HESTIA_PPC_REG_MODE] == HESTIA_PPC_MODE_KERNEL;
}

unsigned arch_vstate_scribble(struct hestia_vcpu_state *st)
{
    struct hestia_ppc_vcpu_state *b = (void *)&st->body;
    for (unsigned i = 0; i < W_USPRG0; i++)
        b->regs[slot_of(i)] ^= 0x55555555u; /* 32-bit registers: the upper half stays 0 */
    b->regs[HESTIA_PPC_REG_PC] += 4;
    /* The domU's event mask itself (kernel mode: EE is !evtchn_upcall_mask), so reading
     * it back checks that the load set the mask and the save read it. */
    b->regs[HESTIA_PPC_REG_MSR] ^= HESTIA_PPC_MSR_EE;
    b->regs[HESTIA_PPC_REG_DEAR] ^= 0x5a5a5a58u;
    b->regs[HESTIA_PPC_REG_ESR] ^= 0x00800000u;
    b->usprg0 ^= 0xa5a5a5a5u;
    b->spefscr ^= 0x00020001u; /* OV, FRMC: inside the status mask */
    /*
     * And dom0's own USPRG0 / SPEFSCR, which its C code never uses and the
     * hypervisor keeps in the CPU between vCPU switches: if a switch forgot
     * to load the domU's, the domU would find these instead of its pattern.
     */
    __asm__ volatile("mtspr 256, %0; mtspr 512, %1" : : "r"(0xdead0000u), "r"(0x00000002u));
    return W_USPRG0 + 6;
}

void arch_vstate_release(struct hestia_vcpu_state *st)
{
    ((struct hestia_ppc_vcpu_state *)(void *)&st->body)->regs[HESTIA_PPC_REG_CR] |=
        RELEASE_BIT;
}

const char *arch_vstate_corrupt(struct hestia_vcpu_state *st, unsigned i)
{
    struct hestia_ppc_vcpu_state *b = (void *)&st->body;
    switch (i) {
    case 0:
        b->regs[HESTIA_PPC_REG_MSR] |= HESTIA_PPC_MSR_PR; /* problem state is the mode's */
        return "MSR[PR] in kernel mode";
    case 1:
        b->regs[HESTIA_PPC_REG_MSR] |=
            0x30; /* IS, DS: the hypervisor's translation space */
        return "MSR[IS|DS]";
    case 2:
        b->regs[HESTIA_PPC_REG_PC] |= 2;
        return "pc not 4-byte aligned";
    case 3:
        b->regs[HESTIA_PPC_REG_MODE] = 7;
        return "unknown mode";
    case 4:
        b->regs[HESTIA_PPC_REG_GPR(5)] |= 1ull << 32;
        return "upper half of r5";
    case 5:
        b->spefscr |= 1ull << 40;
        return "upper half of SPEFSCR";
    case 6:
        b->reserved[0] = 1;
        return "a reserved word";
    default:
        return NULL;
    }
}

uint32_t arch_vcpu_state_arch(void)
{
    return HESTIA_VCPU_ARCH_PPC;
}
