/* SPDX-License-Identifier: MIT */
/*
 * The whole vCPU state (hal_vcpu_save_state / hal_vcpu_load_state): the
 * body struct hestia_ia64_vcpu_state of include/public/hestia/arch/ia64.h.
 *
 * Unlike the trap record, the record carries the register stack as the RSE
 * holds it: ar.bspstore, ar.rnat and the registers not yet written to the
 * guest's backing store (the dirty partition, the interrupted frame last),
 * so saving never writes guest memory and cannot fail on a bad bspstore.
 * f32-f127 may still be in the CPU (vcpu.c, ia64_fph_claim): saving
 * reads them from there, loading makes the CPU forget its copy.
 */
#include <hal/hal.h>
#include <hestia/arch/ia64.h>
#include <hestia/errno.h>

#include <ia64/arch.h>

#define GUEST_PSR (PSR_IC | PSR_I | PSR_DT | PSR_IT | PSR_RT | PSR_BN)
#define REC_PSR_BITS                                                                       \
    ((3ull << PSR_CPL_SHIFT) | (3ull << PSR_RI_SHIFT) | HESTIA_IA64_PSR_USER_MASK)
#define RSC_BITS 0x3fff001full /* mode, pl, be, loadrs */
#define FPSR_RESERVED (0x3full << 58)
#define SPILL_HI_BITS 0x3ffffull   /* exponent (17 bits) and sign of a spilled FR */
#define CFM_FIELDS 0x3fffffffffull /* sof sol sor rrb.gr rrb.fr rrb.pr */

static unsigned slot_of(uint64_t a)
{
    return (unsigned)(a >> 3) & 63;
}

static bool nat_bit(const uint64_t *nats, unsigned i)
{
    return nats[i / 64] >> (i % 64) & 1;
}

/*
 * The registers ivt.S flushed into hv->rbs, oldest first, without the
 * NaT collections (each one's NaT bit taken from its collection, or from
 * rbs_rnat for the last, partial group).  Returns how many, or -1 if more
 * than HESTIA_IA64_MAX_STACKED (not possible with 96 stacked registers).
 */
static int stacked_from_rbs(const struct hal_vcpu *hv, uint64_t *vals, uint64_t *nats)
{
    uint64_t base = hv->rbs_base, end = base + hv->rbs_bytes;
    unsigned n = 0;
    for (uint64_t a = base; a < end; a += 8) {
        if (slot_of(a) == 63)
            continue;
        if (n == HESTIA_IA64_MAX_STACKED)
            return -1;
        uint64_t coll =
            (a | 0x1f8) < end ? *(const uint64_t *)(uintptr_t)(a | 0x1f8) : hv->rbs_rnat;
        vals[n] = *(const uint64_t *)(uintptr_t)a;
        nats[n / 64] |= (coll >> slot_of(a) & 1) << (n % 64);
        n++;
    }
    return (int)n;
}

/* The reverse: lay n registers out in hv->rbs as flushrs would have. */
static void stacked_to_rbs(struct hal_vcpu *hv, const uint64_t *vals, const uint64_t *nats,
                           unsigned n)
{
    uint64_t h = hv->rbs_base, coll = 0;
    for (unsigned i = 0; i < n; i++) {
        if (slot_of(h) == 63) {
            *(uint64_t *)(uintptr_t)h = coll;
            coll = 0;
            h += 8;
        }
        *(uint64_t *)(uintptr_t)h = vals[i];
        coll |= (uint64_t)nat_bit(nats, i) << slot_of(h);
        h += 8;
    }
    hv->rbs_bytes = h - hv->rbs_base;
    hv->rbs_rnat = coll;
}

/*
 * ar.rsc as the guest will run with it: hal_vcpu_run raises rsc.pl to the
 * context's cpl (a vCPU not yet entered, or just given a trap-record
 * context, holds pl 0 until then), as a guest's own write of ar.rsc would.
 */
static uint64_t rsc_effective(uint64_t rsc, uint64_t psr)
{
    uint64_t cpl = psr >> PSR_CPL_SHIFT & 3;
    if ((rsc >> 2 & 3) < cpl)
        rsc = (rsc & ~0xcull) | cpl << 2;
    return rsc & RSC_BITS;
}

int hal_vcpu_save_state(const struct hal_vcpu *hv, struct hestia_vcpu_state *st)
{
    uint64_t vals[HESTIA_IA64_MAX_STACKED], nats[2] = {0, 0};
    int n = stacked_from_rbs(hv, vals, nats);
    if (n < 0)
        return -HESTIA_EINVAL;
    ia64_fph_sync(hv);
    ia64_kept_sync(hv);
    hal_vcpu_state_begin(st, HESTIA_VCPU_ARCH_IA64, HESTIA_IA64_VCPU_STATE_SIZE);
    struct hestia_ia64_vcpu_state *b = (struct hestia_ia64_vcpu_state *)&st->body;
    uint64_t *r = b->regs;
    r[HESTIA_IA64_REG_IP] = hv->iip;
    for (unsigned i = 1; i < 32; i++)
        r[HESTIA_IA64_REG_GR(i)] = hv->gr[i];
    for (unsigned i = 0; i < 8; i++)
        r[HESTIA_IA64_REG_BR(i)] = hv->br[i];
    r[HESTIA_IA64_REG_PR] = hv->pr | 1; /* p0 reads 1 (a vCPU not yet run holds 0) */
    r[HESTIA_IA64_REG_PSR] = hv->ipsr & REC_PSR_BITS;
    r[HESTIA_IA64_REG_CFM] = hv->ifs;
    r[HESTIA_IA64_REG_PFS] = hv->pfs;
    r[HESTIA_IA64_REG_BSP] = hv->bspstore; /* this record: ar.bspstore (see ia64.h) */
    r[HESTIA_IA64_REG_RNAT] = hv->rnat;
    r[HESTIA_IA64_REG_UNAT] = hv->unat;
    r[HESTIA_IA64_REG_LC] = hv->lc;
    b->gr_nat = hv->nat_unat & 0xfffffffeull; /* bit n: rn, as st8.spill collected them */
    b->ec = hv->ec;
    b->ccv = hv->ccv;
    b->fpsr = hv->fpsr;
    b->rsc = rsc_effective(hv->rsc, hv->ipsr);
    b->nr_stacked = (uint64_t)n;
    b->stacked_nat[0] = nats[0];
    b->stacked_nat[1] = nats[1];
    for (int i = 0; i < n; i++)
        b->stacked[i] = vals[i];
    for (unsigned i = 2; i < 128; i++) {
        b->fr[i][0] = hv->fr[i][0];
        b->fr[i][1] = hv->fr[i][1];
    }
    return 0;
}

static bool cfm_ok(uint64_t cfm, uint64_t nr_stacked)
{
    if (!(cfm >> 63))
        return cfm == 0;
    if (cfm & ~(CFM_FIELDS | 1ull << 63))
        return false;
    unsigned sof = cfm & 127, sol = cfm >> 7 & 127, sor = cfm >> 14 & 15;
    unsigned rrb_gr = cfm >> 18 & 127, rrb_fr = cfm >> 25 & 127, rrb_pr = cfm >> 32 & 63;
    return sof <= 96 && sof <= nr_stacked && sol <= sof && sor * 8 <= sof &&
           (rrb_gr == 0 || rrb_gr < sor * 8) && rrb_fr < 96 && rrb_pr < 48;
}

static bool fpsr_ok(uint64_t fpsr)
{
    if (fpsr & FPSR_RESERVED)
        return false;
    for (unsigned sf = 0; sf < 4; sf++)
        if ((fpsr >> (6 + 13 * sf + 2) & 3) == 1) /* sfN.pc = 01 is reserved */
            return false;
    return true;
}

/* Everything the CPU would fault on or that would give privilege; 0 or -EINVAL. */
static int check_body(const struct hestia_ia64_vcpu_state *b)
{
    const uint64_t *r = b->regs;
    uint64_t psr = r[HESTIA_IA64_REG_PSR];
    unsigned cpl = (unsigned)(psr >> PSR_CPL_SHIFT) & 3;
    unsigned ri = (unsigned)(psr >> PSR_RI_SHIFT) & 3;
    unsigned rsc_pl = (unsigned)(b->rsc >> 2) & 3;
    if ((psr & ~REC_PSR_BITS) || ri == 3 ||
        (cpl != HESTIA_IA64_CPL_KERNEL && cpl != HESTIA_IA64_CPL_USER))
        return -HESTIA_EINVAL; /* PL0 / PL1 are the hypervisor's */
    if ((r[HESTIA_IA64_REG_IP] & 15) || (r[HESTIA_IA64_REG_PFS] & ~IA64_PFS_MASK) ||
        (r[HESTIA_IA64_REG_BSP] & 7) || b->nr_stacked > HESTIA_IA64_MAX_STACKED ||
        !cfm_ok(r[HESTIA_IA64_REG_CFM], b->nr_stacked))
        return -HESTIA_EINVAL;
    if ((b->gr_nat & ~0xfffffffeull) || (b->ec & ~0x3full) || !fpsr_ok(b->fpsr) ||
        (b->rsc & ~RSC_BITS) || rsc_pl < cpl)
        return -HESTIA_EINVAL;
    for (unsigned i = (unsigned)b->nr_stacked; i < HESTIA_IA64_MAX_STACKED; i++)
        if (b->stacked[i] || nat_bit(b->stacked_nat, i))
            return -HESTIA_EINVAL;
    for (unsigned i = 0; i < 128; i++)
        if ((i < 2 && (b->fr[i][0] || b->fr[i][1])) || (b->fr[i][1] & ~SPILL_HI_BITS))
            return -HESTIA_EINVAL;
    if (!hal_vcpu_state_zero(b->reserved, sizeof(b->reserved)))
        return -HESTIA_EINVAL;
    return 0;
}

int hal_vcpu_load_state(struct hal_vcpu *hv, const struct hestia_vcpu_state *st)
{
    if (hal_vcpu_state_check(st, HESTIA_VCPU_ARCH_IA64, HESTIA_IA64_VCPU_STATE_SIZE))
        return -HESTIA_EINVAL;
    const struct hestia_ia64_vcpu_state *b =
        (const struct hestia_ia64_vcpu_state *)&st->body;
    if (check_body(b))
        return -HESTIA_EINVAL; /* nothing changed */
    const uint64_t *r = b->regs;
    uint64_t psr = r[HESTIA_IA64_REG_PSR];
    hv->iip = r[HESTIA_IA64_REG_IP];
    for (unsigned i = 1; i < 32; i++)
        hv->gr[i] = r[HESTIA_IA64_REG_GR(i)];
    hv->nat_unat = b->gr_nat;
    for (unsigned i = 0; i < 8; i++)
        hv->br[i] = r[HESTIA_IA64_REG_BR(i)];
    hv->pr = r[HESTIA_IA64_REG_PR] | 1; /* p0 is always 1 */
    hv->ipsr = GUEST_PSR | psr;         /* psr: cpl 2 or 3, ri, user mask (checked) */
    hv->ifs = r[HESTIA_IA64_REG_CFM];
    hv->pfs = r[HESTIA_IA64_REG_PFS];
    hv->bspstore = r[HESTIA_IA64_REG_BSP];
    hv->rnat = r[HESTIA_IA64_REG_RNAT];
    hv->unat = r[HESTIA_IA64_REG_UNAT];
    hv->lc = r[HESTIA_IA64_REG_LC];
    hv->ec = b->ec;
    hv->ccv = b->ccv;
    hv->fpsr = b->fpsr;
    hv->rsc = b->rsc;
    stacked_to_rbs(hv, b->stacked, b->stacked_nat, (unsigned)b->nr_stacked);
    for (unsigned i = 2; i < 128; i++) {
        hv->fr[i][0] = b->fr[i][0];
        hv->fr[i][1] = b->fr[i][1];
    }
    ia64_fph_drop(hv);  /* f32-f127 come from hv->fr at hv's first touch (psr.dfh) */
    ia64_kept_drop(hv); /* the kept registers at its next entry */
    return (psr >> PSR_CPL_SHIFT & 3) == HESTIA_IA64_CPL_USER ? 1 : 0;
}
