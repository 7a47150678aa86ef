/* SPDX-License-Identifier: MIT */
/* Register stack engine: 96 physical stacked registers, mandatory spill and
 * fill to the backing store (with NaT collections), flushrs/loadrs/cover.
 * The RSE is lazy: it only moves registers when it must. */
#include <string.h>

#include "ia64sim.h"

static unsigned slot_of(uint64_t a)
{
    return (unsigned)(a >> 3) & 63;
}

/* Backing-store address n registers after (n < 0: before) a. */
static uint64_t skip_regs(uint64_t a, int64_t n)
{
    int64_t delta = (int64_t)slot_of(a) + n;

    if (n < 0)
        delta -= 62;
    return a + (uint64_t)((n + delta / 63) * 8);
}

/* Number of registers stored in [a, b). */
static uint64_t num_regs(uint64_t a, uint64_t b)
{
    uint64_t slots = (b - a) >> 3;

    return slots - (slot_of(a) + slots) / 64;
}

uint64_t rse_bsp(struct cpu *c)
{
    return skip_regs(c->ar[AR_BSPSTORE], c->ndirty);
}

uint64_t cfm_get(struct cpu *c)
{
    return (uint64_t)c->sof | (uint64_t)c->sol << 7 | (uint64_t)c->sor << 14 |
           (uint64_t)c->rrb_gr << 18 | (uint64_t)c->rrb_fr << 25 |
           (uint64_t)c->rrb_pr << 32;
}

static void cfm_set(struct cpu *c, uint64_t f)
{
    c->sof = f & 127;
    c->sol = f >> 7 & 127;
    c->sor = f >> 14 & 15;
    c->rrb_gr = f >> 18 & 127;
    c->rrb_fr = f >> 25 & 127;
    c->rrb_pr = f >> 32 & 63;
    if (c->sof > 96)
        c->sof = 96;
    if (c->sol > c->sof)
        c->sol = c->sof;
    if (c->sor * 8 > c->sof)
        c->sor = c->sof / 8;
    if (c->sor == 0 || c->rrb_gr >= c->sor * 8)
        c->rrb_gr = 0;
    c->rrb_fr %= 96;
    c->rrb_pr %= 48;
}

/* Keep the live window [bof - ndirty - 96, bof + 96] inside stk[]. */
static void recenter(struct cpu *c, unsigned below)
{
    unsigned lo = c->bof - c->ndirty, n = c->ndirty + c->sof;
    unsigned nbof = STK_SIZE / 2;

    if (c->bof + 2 * 96 < STK_SIZE && lo >= below + 96)
        return;
    memmove(&c->stk[nbof - c->ndirty], &c->stk[lo], n * sizeof(c->stk[0]));
    c->bof = nbof;
    frame_rebuild(c);
}

/* A mandatory RSE reference: translated with PSR.rt, rights checked with
 * RSC.pl; a miss or a rights violation raises the data TLB / page not
 * present / access rights fault with ISR.rs set, and ISR.ir too when kind
 * is RSE_FRAME_LOAD (FAULT). */
static int rse_mem(struct cpu *c, uint64_t a, uint64_t *v, int wr, int kind)
{
    uint8_t *host;

    if (c->psr & PSR_RT) {
        int r;

        rse_ref = kind;
        r = xlate(c, a, wr ? XC_W : XC_R, &host, 1);
        rse_ref = 0;
        if (r)
            return FAULT;
    } else {
        a &= ~(1ull << 63);
        if (a + 8 > c->ram_size) {
            cpu_stop(c, "RSE spill/fill outside RAM");
            return FAULT;
        }
        host = c->ram + a;
    }
    if (wr)
        memcpy(host, v, 8);
    else
        memcpy(v, host, 8);
    return 0;
}

/* Each step leaves a consistent state, so a faulting spill or fill can be
 * restarted: the NaT collection first (bspstore moves past it), then the
 * register. */
static int spill_one(struct cpu *c)
{
    uint64_t a = c->ar[AR_BSPSTORE];
    struct greg *g = &c->stk[c->bof - c->ndirty];

    if (slot_of(a) == 63) {
        if (rse_mem(c, a, &c->ar[AR_RNAT], 1, RSE_SPILL_FILL))
            return FAULT;
        c->ar[AR_RNAT] = 0;
        a += 8;
        c->ar[AR_BSPSTORE] = a;
    }
    if (rse_mem(c, a, &g->v, 1, RSE_SPILL_FILL))
        return FAULT;
    if (g->nat)
        c->ar[AR_RNAT] |= 1ull << slot_of(a);
    else
        c->ar[AR_RNAT] &= ~(1ull << slot_of(a));
    c->ar[AR_BSPSTORE] = a + 8;
    c->ndirty--;
    return 0;
}

/* kind: RSE_FRAME_LOAD while br.ret or rfi bring back an incomplete frame,
 * RSE_SPILL_FILL for loadrs. */
static int fill_one(struct cpu *c, int kind)
{
    uint64_t a = c->ar[AR_BSPSTORE] - 8, v;
    struct greg *g;

    if (slot_of(a) == 63) {
        if (rse_mem(c, a, &c->ar[AR_RNAT], 0, kind))
            return FAULT;
        c->ar[AR_BSPSTORE] = a;
        a -= 8;
    }
    if (rse_mem(c, a, &v, 0, kind))
        return FAULT;
    c->ndirty++;
    g = &c->stk[c->bof - c->ndirty];
    g->v = v;
    g->nat = c->ar[AR_RNAT] >> slot_of(a) & 1;
    c->ar[AR_BSPSTORE] = a;
    return 0;
}

/* Spills until a frame of sof registers fits next to the dirty ones. */
static int ensure_room(struct cpu *c, unsigned sof)
{
    while (c->ndirty + sof > NPHYS_STACKED)
        if (spill_one(c))
            return FAULT;
    return 0;
}

void rse_call(struct cpu *c)
{
    c->bof += c->sol;
    c->ndirty += c->sol;
    c->sof -= c->sol;
    c->sol = 0;
    c->sor = 0;
    c->rrb_gr = c->rrb_fr = c->rrb_pr = 0;
    recenter(c, 0);
    frame_rebuild(c);
}

/* Brings back the caller's frame described by pfs.pfm. */
int rse_return(struct cpu *c, uint64_t pfs)
{
    unsigned sol = pfs >> 7 & 127;
    unsigned sof = pfs & 127;

    if (sol > 96)
        sol = 96;
    if (sof > 96)
        sof = 96;
    recenter(c, sol);
    /* all memory traffic before the frame changes: restartable */
    while (c->ndirty < sol)
        if (fill_one(c, RSE_FRAME_LOAD))
            return FAULT;
    while (c->ndirty - sol + sof > NPHYS_STACKED)
        if (spill_one(c))
            return FAULT;
    c->ndirty -= sol;
    c->bof -= sol;
    cfm_set(c, pfs);
    frame_rebuild(c);
    return 0;
}

int rse_alloc(struct cpu *c, unsigned sof, unsigned sol, unsigned sor)
{
    /* spills first: a faulting one leaves the old frame to restart with */
    if (ensure_room(c, sof))
        return FAULT;
    c->sof = sof;
    c->sol = sol;
    c->sor = sor;
    if (c->sor == 0 || c->rrb_gr >= c->sor * 8)
        c->rrb_gr = 0;
    recenter(c, 0);
    frame_rebuild(c);
    return 0;
}

int rse_flushrs(struct cpu *c)
{
    while (c->ndirty)
        if (spill_one(c))
            return FAULT;
    return 0;
}

int rse_loadrs(struct cpu *c)
{
    uint64_t bsp = rse_bsp(c), lr = c->ar[AR_RSC] >> 16 & 0x3fff;
    uint64_t target = bsp - lr;
    uint64_t want = num_regs(target, bsp);

    if (want > NPHYS_STACKED - c->sof)
        want = NPHYS_STACKED - c->sof;
    if (want <= c->ndirty) {
        c->ndirty = (unsigned)want;
        c->ar[AR_BSPSTORE] = target;
        return 0;
    }
    recenter(c, (unsigned)want);
    while (c->ndirty < want)
        if (fill_one(c, RSE_SPILL_FILL))
            return FAULT;
    return 0;
}

int rse_cover(struct cpu *c)
{
    if (!(c->psr & PSR_IC))
        c->cr[CR_IFS] = cfm_get(c) | 1ull << 63;
    c->bof += c->sof;
    c->ndirty += c->sof;
    c->sof = c->sol = c->sor = 0;
    c->rrb_gr = c->rrb_fr = c->rrb_pr = 0;
    recenter(c, 0);
    frame_rebuild(c);
    return 0;
}

/* rfi with IFS.v: the whole interrupted frame comes back from the dirty
 * partition (or the backing store). */
int rse_restore_frame(struct cpu *c, uint64_t ifs)
{
    unsigned sof = ifs & 127;

    if (sof > 96)
        sof = 96;
    recenter(c, sof);
    while (c->ndirty < sof)
        if (fill_one(c, RSE_FRAME_LOAD))
            return FAULT;
    c->ndirty -= sof;
    c->bof -= sof;
    cfm_set(c, ifs);
    frame_rebuild(c);
    return 0;
}

void rse_set_bspstore(struct cpu *c, uint64_t v)
{
    c->ar[AR_BSPSTORE] = v & ~7ull;
}

uint64_t rse_frame_end(struct cpu *c)
{
    return skip_regs(c->ar[AR_BSPSTORE], c->ndirty + c->sof);
}

int rse_debug_word(struct cpu *c, uint64_t a, uint64_t *get, const uint64_t *set)
{
    uint64_t lo = c->ar[AR_BSPSTORE], v = 0;
    struct greg *base = &c->stk[c->bof - c->ndirty];

    if (a < lo || a >= rse_frame_end(c))
        return 0;
    if (slot_of(a) == 63) { /* the NaT collection of the 63 slots below a */
        if (set)
            return 1;
        v = c->ar[AR_RNAT];
        for (uint64_t r = a - 8 * 63; r < a; r += 8)
            if (r >= lo) {
                uint64_t bit = 1ull << slot_of(r);

                v = base[num_regs(lo, r)].nat ? v | bit : v & ~bit;
            }
        *get = v;
        return 1;
    }
    if (set)
        base[num_regs(lo, a)].v = *set;
    else
        *get = base[num_regs(lo, a)].v;
    return 1;
}
