/* SPDX-License-Identifier: MIT */
/*
 * IA-64 half of the vcpu-state test (port/vstate.h), with vstate.S: the
 * pattern in r1-r31 and r32-r127 (NaT bits on some of each), f2-f127,
 * p1-p63, b0-b7, ar.unat/lc/ec/ccv/fpsr/pfs/rsc and psr.um, under a
 * 96-register frame with rotated FR and PR bases.  p15 is the release
 * register; r2 holds &ia64_vstate_out (the store base after the spin).
 * The record keeps f32-f127 and the stacked registers physically, p16-p63
 * as the guest reads them: dom0 maps with CFM.rrb.fr.
 */
#include <port/arch_regs.h>
#include <port/vstate.h>
#include <stddef.h>

#define RELEASE_PR (1ull << 15)
#define GR_NATS ((1ull << 20) | (1ull << 31))
#define STK_NATS0 ((1ull << 5) | (1ull << 40)) /* r37, r72 */
#define STK_NATS1 (1ull << 7)                  /* r103 */
#define UM_PATTERN 0x24ull                     /* psr.up, psr.mfh */
#define UM_BITS HESTIA_IA64_PSR_USER_MASK
#define RSC_PATTERN 0xbull /* pl 2, eager */
#define FPSR_DEFAULT 0x0009804c0270033full
#define PFS_BITS 0xc3f0003fffffffffull
#define SPILL_HI 0x3ffffull

struct vstate_regs {
    uint64_t r3, unat, pr, lc, ec, ccv, fpsr, pfs, rsc, gr_nat, stk_nat[2];
    uint64_t br[8];
    uint64_t um;
    uint64_t pad0[43];
    uint64_t gr[32]; /* 512: the NaT bit of gr[i] is ar.unat bit i */
    uint64_t pad1[32];
    uint64_t stk[96];    /* 1024 */
    uint64_t fr[128][2]; /* 1792 */
} __attribute__((aligned(512)));
_Static_assert(offsetof(struct vstate_regs, br) == 96, "vstate.S offsets");
_Static_assert(offsetof(struct vstate_regs, um) == 160, "vstate.S offsets");
_Static_assert(offsetof(struct vstate_regs, gr) == 512, "vstate.S offsets");
_Static_assert(offsetof(struct vstate_regs, stk) == 1024, "vstate.S offsets");
_Static_assert(offsetof(struct vstate_regs, fr) == 1792, "vstate.S offsets");

struct vstate_regs ia64_vstate_in, ia64_vstate_out;
void ia64_vstate_spin(void);
void ia64_vstate_clobber(uint64_t v);
extern char ia64_vstate_spin_loop[];

/* The pattern, as the guest sets (and, after the release, reads) it. */
static void pattern(uint64_t seed, struct vstate_regs *p)
{
    for (unsigned i = 1; i < 32; i++)
        p->gr[i] = vstate_word(seed, i);
    p->gr[2] = (uintptr_t)&ia64_vstate_out;
    p->gr_nat = GR_NATS;
    for (unsigned j = 0; j < 96; j++)
        p->stk[j] = vstate_word(seed, 32 + j);
    p->stk_nat[0] = STK_NATS0;
    p->stk_nat[1] = STK_NATS1;
    p->pr = (vstate_word(seed, 136) | 1) & ~RELEASE_PR;
    p->unat = vstate_word(seed, 137);
    p->lc = vstate_word(seed, 138);
    p->ec = vstate_word(seed, 139) & 63;
    p->ccv = vstate_word(seed, 140);
    p->fpsr = FPSR_DEFAULT | (vstate_word(seed, 141) % 3 + 1) << 36; /* sf2.rc != 0 */
    p->pfs = vstate_word(seed, 142) & PFS_BITS;
    p->rsc = RSC_PATTERN;
    p->um = UM_PATTERN;
    for (unsigned k = 0; k < 8; k++)
        p->br[k] = vstate_word(seed, 144 + k);
    for (unsigned i = 2; i < 128; i++) {
        p->fr[i][0] = vstate_word(seed, 200 + i);
        p->fr[i][1] = vstate_word(seed, 400 + i) & SPILL_HI;
    }
}

const char *arch_vstate_missing(void)
{
    return NULL;
}

static unsigned diff(unsigned bad, const char *what, unsigned n, uint64_t got,
                     uint64_t want, char *why, size_t size)
{
    if (got != want && !bad)
        ksnprintf(why, size, "%s%u %llx, want %llx", what, n, (unsigned long long)got,
                  (unsigned long long)want);
    return bad + (got != want);
}

unsigned arch_vstate_guest(uint64_t seed, char *why, size_t size)
{
    static struct vstate_regs want;
    pattern(seed, &ia64_vstate_in);
    pattern(seed, &want);
    want.pr |= RELEASE_PR;
    ia64_vstate_spin();
    const struct vstate_regs *o = &ia64_vstate_out;
    unsigned bad = 0;
    bad = diff(bad, "r", 1, o->gr[1], want.gr[1], why, size);
    bad = diff(bad, "r", 3, o->r3, want.gr[3], why, size);
    for (unsigned i = 4; i < 32; i++)
        bad = diff(bad, "r", i, o->gr[i], want.gr[i], why, size);
    uint64_t nat_mask = 0xfffffff2ull; /* r1, r4-r31 (r2, r3 are stored without NaT) */
    bad = diff(bad, "NaT bits of r", 0, o->gr_nat & nat_mask, want.gr_nat, why, size);
    for (unsigned j = 0; j < 96; j++)
        bad = diff(bad, "r", 32 + j, o->stk[j], want.stk[j], why, size);
    bad = diff(bad, "NaT bits of r", 32, o->stk_nat[0], want.stk_nat[0], why, size);
    bad = diff(bad, "NaT bits of r", 96, o->stk_nat[1] & 0xffffffffull, want.stk_nat[1],
               why, size);
    bad = diff(bad, "pr", 0, o->pr, want.pr, why, size);
    bad = diff(bad, "ar.unat", 0, o->unat, want.unat, why, size);
    bad = diff(bad, "ar.lc", 0, o->lc, want.lc, why, size);
    bad = diff(bad, "ar.ec", 0, o->ec, want.ec, why, size);
    bad = diff(bad, "ar.ccv", 0, o->ccv, want.ccv, why, size);
    bad = diff(bad, "ar.fpsr", 0, o->fpsr, want.fpsr, why, size);
    bad = diff(bad, "ar.pfs", 0, o->pfs, want.pfs, why, size);
    bad = diff(bad, "ar.rsc", 0, o->rsc, want.rsc, why, size);
    bad = diff(bad, "psr.um", 0, o->um & UM_BITS, want.um, why, size);
    for (unsigned k = 0; k < 8; k++)
        bad = diff(bad, "b", k, o->br[k], want.br[k], why, size);
    for (unsigned i = 2; i < 128; i++) {
        bad = diff(bad, "f", i, o->fr[i][0], want.fr[i][0], why, size);
        bad = diff(bad, "f", i, o->fr[i][1], want.fr[i][1], why, size); /* exponent, sign */
    }
    if (!bad)
        ksnprintf(why, size,
                  "r1-r127 and NaT bits, f2-f127, p1-p63, b0-b7, ar.unat/lc/ec/ccv/fpsr/"
                  "pfs/rsc, psr.um (96-register frame, rotated FR/PR bases)");
    return bad;
}

/* Physical register of logical fN under CFM.rrb.fr. */
static unsigned fr_phys(unsigned n, uint64_t cfm)
{
    unsigned rrb = (unsigned)(cfm >> 25 & 127);
    return n < 32 ? n : 32 + (n - 32 + rrb) % 96;
}

static bool nat_of(const uint64_t *nats, unsigned i)
{
    return nats[i / 64] >> (i % 64) & 1;
}

bool arch_vstate_in_spin(const struct hestia_vcpu_state *st, uint64_t seed)
{
    static struct vstate_regs p;
    if (st->hdr.arch != HESTIA_VCPU_ARCH_IA64)
        return false;
    const struct hestia_ia64_vcpu_state *b = (const void *)&st->body;
    const uint64_t *r = b->regs;
    pattern(seed, &p);
    uint64_t cfm = r[HESTIA_IA64_REG_CFM];
    if (r[HESTIA_IA64_REG_IP] != (uintptr_t)ia64_vstate_spin_loop || !(cfm >> 63) ||
        (cfm & 127) != 96 || b->nr_stacked < 96)
        return false;
    for (unsigned i = 1; i < 32; i++)
        if (r[HESTIA_IA64_REG_GR(i)] != p.gr[i])
            return false;
    unsigned base = (unsigned)b->nr_stacked - 96;
    for (unsigned j = 0; j < 96; j++)
        if (b->stacked[base + j] != p.stk[j] ||
            nat_of(b->stacked_nat, base + j) != nat_of(p.stk_nat, j))
            return false;
    for (unsigned k = 0; k < 8; k++)
        if (r[HESTIA_IA64_REG_BR(k)] != p.br[k])
            return false;
    for (unsigned i = 2; i < 128; i++)
        if (b->fr[fr_phys(i, cfm)][0] != p.fr[i][0] ||
            b->fr[fr_phys(i, cfm)][1] != p.fr[i][1])
            return false;
    return b->gr_nat == p.gr_nat && r[HESTIA_IA64_REG_PR] == p.pr &&
           r[HESTIA_IA64_REG_UNAT] == p.unat && r[HESTIA_IA64_REG_LC] == p.lc &&
           r[HESTIA_IA64_REG_PFS] == p.pfs && b->ec == p.ec && b->ccv == p.ccv &&
           b->fpsr == p.fpsr && b->rsc == p.rsc &&
           (r[HESTIA_IA64_REG_PSR] & UM_BITS) == p.um;
}

unsigned arch_vstate_scribble(struct hestia_vcpu_state *st)
{
    struct hestia_ia64_vcpu_state *b = (void *)&st->body;
    uint64_t *r = b->regs;
    const uint64_t x = 0x5555555555555555ull;
    unsigned n = 0;
    for (unsigned i = 1; i < 32; i++, n++)
        r[HESTIA_IA64_REG_GR(i)] ^= x;
    for (unsigned k = 0; k < 8; k++, n++)
        r[HESTIA_IA64_REG_BR(k)] ^= x;
    r[HESTIA_IA64_REG_IP] += 16;
    r[HESTIA_IA64_REG_PR] ^= x & ~1ull; /* p0 is always 1 */
    r[HESTIA_IA64_REG_PSR] ^= 0x4;      /* psr.up */
    uint64_t cfm = r[HESTIA_IA64_REG_CFM], rrb_pr = (cfm >> 32 & 63) % 48;
    r[HESTIA_IA64_REG_CFM] = (cfm & ~(63ull << 32)) | ((rrb_pr + 1) % 48) << 32;
    r[HESTIA_IA64_REG_PFS] ^= 0x1;
    r[HESTIA_IA64_REG_BSP] += 8; /* ar.bspstore */
    r[HESTIA_IA64_REG_RNAT] ^= 0x8;
    r[HESTIA_IA64_REG_UNAT] ^= x;
    r[HESTIA_IA64_REG_LC] ^= x;
    n += 9;
    b->gr_nat ^= 1ull << 7;
    b->ec ^= 0x15;
    b->ccv ^= x;
    b->fpsr ^= 1ull << 10; /* sf0.rc */
    b->rsc ^= 0x1;         /* mode */
    n += 5;
    for (unsigned i = 0; i < b->nr_stacked; i++, n++)
        b->stacked[i] ^= x;
    b->stacked_nat[0] ^= 1;
    for (unsigned i = 2; i < 128; i++, n++) {
        b->fr[i][0] ^= x;
        b->fr[i][1] ^= 0x15555;
    }
    /* And dom0's own copies of the registers the hypervisor switches lazily. */
    ia64_vstate_clobber(0xdead0000deadull);
    return n;
}

void arch_vstate_release(struct hestia_vcpu_state *st)
{
    ((struct hestia_ia64_vcpu_state *)(void *)&st->body)->regs[HESTIA_IA64_REG_PR] |=
        RELEASE_PR;
}

const char *arch_vstate_corrupt(struct hestia_vcpu_state *st, unsigned i)
{
    struct hestia_ia64_vcpu_state *b = (void *)&st->body;
    uint64_t *r = b->regs;
    switch (i) {
    case 0:
        r[HESTIA_IA64_REG_PSR] &= ~(3ull << HESTIA_IA64_PSR_CPL_SHIFT); /* cpl 0 */
        return "psr.cpl 0";
    case 1:
        r[HESTIA_IA64_REG_PSR] |= 1ull << 13; /* psr.ic: a system bit */
        return "psr.ic";
    case 2:
        r[HESTIA_IA64_REG_PSR] |= 3ull << HESTIA_IA64_PSR_RI_SHIFT;
        return "psr.ri 3";
    case 3:
        b->rsc &= ~0xcull; /* rsc.pl 0: the RSE would spill with the hypervisor's rights */
        return "ar.rsc.pl 0";
    case 4:
        b->fpsr |= 1ull << 63;
        return "ar.fpsr reserved bit";
    case 5:
        r[HESTIA_IA64_REG_PFS] |= 1ull << 40;
        return "ar.pfs reserved bit";
    case 6:
        r[HESTIA_IA64_REG_CFM] |= 127ull << 7; /* sol > sof */
        return "CFM sol above sof";
    case 7:
        r[HESTIA_IA64_REG_IP] |= 4;
        return "ip not a bundle address";
    case 8:
        b->gr_nat |= 1;
        return "NaT bit for r0";
    case 9:
        b->fr[1][0] = 1;
        return "f1 not 1.0";
    case 10:
        b->nr_stacked = HESTIA_IA64_MAX_STACKED + 1;
        return "97 stacked registers";
    case 11:
        b->fr[40][1] |= 1ull << 20; /* beyond the 82-bit register format */
        return "f40 beyond the spill format";
    default:
        return NULL;
    }
}

uint32_t arch_vcpu_state_arch(void)
{
    return HESTIA_VCPU_ARCH_IA64;
}
