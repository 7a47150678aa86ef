/* SPDX-License-Identifier: MIT */
/* Address translation: region registers, translation registers and caches,
 * the short-format VHPT walker, the fault a failed translation raises, the
 * deferral rules of speculative loads, and TLB inserts and purges.
 * Section numbers are those of the Intel Itanium Architecture Software
 * Developer's Manual, rev. 2.3 ("SDM"). */
#include <stdio.h>
#include <string.h>

#include "ia64sim.h"

#define VA_MASK ((1ull << 61) - 1)
#define PA_MASK ((1ull << 50) - 1)

/* DCR speculative deferral bits (SDM vol. 2 §3.3.4.1). */
#define DCR_DM (1ull << 8)  /* TLB misses (alternate, VHPT, data TLB) */
#define DCR_DP (1ull << 9)  /* page not present */
#define DCR_DR (1ull << 12) /* access rights */
#define DCR_DA (1ull << 13) /* access bit */

int rse_ref;
int spec_ref;
int xlate_mmio;
uint64_t xlate_mmio_pa;

/* Invalidates the fast translation cache in O(1): entries carry the
 * generation (bits 52-63 of the tag) they were filled in. */
void xc_flush(struct cpu *c)
{
    c->xc_gen += 1ull << 52;
    if (c->xc_gen == 0) {
        memset(c->xc, 0, sizeof(c->xc));
        c->xc_gen = 1ull << 52;
    }
}

static unsigned cpl(struct cpu *c)
{
    return (unsigned)(c->psr >> PSR_CPL_SHIFT) & 3;
}

uint32_t rid_of(struct cpu *c, uint64_t va)
{
    return (uint32_t)(c->rr[va >> 61] >> 8) & 0xffffff;
}

static int tlb_match(const struct tlbe *e, uint32_t rid, uint64_t va)
{
    return e->valid && e->rid == rid && ((va & VA_MASK) >> e->ps) == (e->va >> e->ps);
}

struct tlbe *tlb_find(struct cpu *c, uint64_t va, int instr)
{
    struct tlbe *tr = instr ? c->itr : c->dtr, *tc = instr ? c->itc : c->dtc;
    uint32_t rid = rid_of(c, va);

    for (int i = 0; i < NTLB_TR; i++)
        if (tlb_match(&tr[i], rid, va))
            return &tr[i];
    for (int i = 0; i < NTLB_TC; i++)
        if (tlb_match(&tc[i], rid, va))
            return &tc[i];
    return NULL;
}

/* Page access rights.  TLB.ar 0-3 give R, RX, RW, RWX at cpl <= pl; 4-6 give
 * the first set at cpl == pl and the second at more privileged levels
 * (R/RW, RX/RWX, RWX/RW); 7 is execute-only (with epc promotion) above pl
 * and RX at or below it.  Nothing is allowed at cpl > pl except ar 7's X. */
int rights_ok(const struct tlbe *e, unsigned pl, int acc)
{
    enum { R = 1, W = 2, X = 4 };
    static const uint8_t first[8] = {R, R | X, R | W,     R | W | X,
                                     R, R | X, R | W | X, R | X};
    static const uint8_t second[8] = {R,     R | X,     R | W, R | W | X,
                                      R | W, R | W | X, R | W, R | X};
    unsigned need = acc == XC_R ? R : acc == XC_W ? W : X;

    if (pl > e->pl)
        return e->ar == 7 && need == X;
    return ((pl == e->pl ? first : second)[e->ar] & need) != 0;
}

uint64_t thash(struct cpu *c, uint64_t va)
{
    uint64_t pta = c->cr[CR_PTA], size = 1ull << ((pta >> 2) & 63);
    unsigned ps = (c->rr[va >> 61] >> 2) & 63;
    uint64_t base = pta & ~0x7fffull & ~(size - 1) & VA_MASK;

    return (va & ~VA_MASK) | base | (((va & VA_MASK) >> ps << 3) & (size - 1));
}

void tlb_fault_state(struct cpu *c, uint64_t va)
{
    c->cr[CR_ITIR] = (c->rr[va >> 61] & 0xfc) | (uint64_t)rid_of(c, va) << 8;
    c->cr[CR_IHA] = thash(c, va);
}

/* ISR bits of a translation fault.  ISR.rs marks any mandatory RSE
 * reference; ISR.ir only the mandatory loads that bring back an incomplete
 * frame during br.ret or rfi (SDM vol. 2 §3.3.5.2, ISR.ir), not spills
 * (flushrs, alloc, br.call) or loadrs.  ISR.sp marks a speculative load. */
static uint64_t acc_isr(int acc)
{
    uint64_t isr = acc == XC_X ? ISR_X : acc == XC_W ? ISR_W : ISR_R;

    if (rse_ref)
        isr |= ISR_RS | (rse_ref == RSE_FRAME_LOAD ? ISR_IR : 0);
    if (spec_ref)
        isr |= ISR_SP;
    return isr | (uint64_t)cur_slot << ISR_EI_SHIFT;
}

/* The privilege level an access is checked at: RSC.pl for the RSE. */
static unsigned acc_pl(struct cpu *c)
{
    return rse_ref ? (unsigned)(c->ar[AR_RSC] >> 2) & 3 : cpl(c);
}

/* Whether a speculative load defers an exception whose DCR bit is dcr_bit
 * (SDM vol. 2 §5.5.5): always when PSR.ic is 0 (the always-defer model);
 * with PSR.ic 1 only in the recovery model (PSR.it and the ed bit of the
 * code page's ITLB entry both 1) and when the DCR bit asks for it.
 * dcr_bit 0: the Unaligned Data Reference condition, deferred by the
 * recovery model alone. */
static int spec_defers(struct cpu *c, uint64_t dcr_bit)
{
    struct tlbe *code;

    if (!(c->psr & PSR_IC))
        return 1;
    if (!(c->psr & PSR_IT) || !(code = tlb_find(c, cur_ip, 1)) || !code->ed)
        return 0;
    return dcr_bit == 0 || (c->cr[CR_DCR] & dcr_bit) != 0;
}

static void machine_check(struct cpu *c, const char *what, int instr, int i)
{
    char msg[160];

    snprintf(msg, sizeof(msg),
             "machine check: %s overlaps %s[%d] (SDM vol. 2 Table 4-1: purge the "
             "translation register with ptr first)",
             what, instr ? "itr" : "dtr", i);
    cpu_stop(c, msg);
}

/* A TC or TR insert that overlaps a translation register (same region id,
 * overlapping range; the slot being rewritten included) is a machine check
 * (SDM vol. 2 §4.1.1.4, Table 4-1).  There is no PAL/SAL machine-check
 * handler to deliver it to: like Ski, the simulator stops. */
static void tr_overlap_check(struct cpu *c, const struct tlbe *n, int instr,
                             const char *what)
{
    struct tlbe *tr = instr ? c->itr : c->dtr;
    uint64_t lo = n->va, hi = lo + (1ull << n->ps);

    for (int i = 0; i < NTLB_TR; i++) {
        uint64_t elo = tr[i].va, ehi = elo + (1ull << tr[i].ps);

        if (tr[i].valid && tr[i].rid == n->rid && elo < hi && lo < ehi)
            machine_check(c, what, instr, i);
    }
}

/* A TLB entry from a PTE in the short format (SDM vol. 2 §4.1.1.5). */
static void pte_decode(struct tlbe *e, uint64_t pte)
{
    e->p = pte & 1;
    e->ma = (pte >> 2) & 7;
    e->a = (pte >> 5) & 1;
    e->d = (pte >> 6) & 1;
    e->pl = (pte >> 7) & 3;
    e->ar = (pte >> 9) & 7;
    e->pa = pte & PA_MASK & ~((1ull << e->ps) - 1);
    e->ed = (pte >> 52) & 1;
    e->valid = 1;
}

/* Short-format VHPT walker: reads the 8-byte PTE at thash(va) through the
 * data TLB and inserts it into the TC with the region's page size, present
 * or not: a not-present entry then raises Page Not Present (vector 0x5000)
 * like any other (SDM vol. 2 §4.1.8: faults after the insert, in priority
 * order, begin with Page Not Present; Ski does the same).  A VHPT address the TLB
 * does not map is a VHPT translation fault.  Returns 0 when an entry was
 * inserted, 2 when the walk gave up (the PTE is outside RAM), DEFER for a
 * speculative load that defers the miss, FAULT after a fault. */
static int vhpt_walk(struct cpu *c, uint64_t va, int instr, int acc)
{
    uint64_t iha = thash(c, va), pte;
    struct tlbe *ve = tlb_find(c, iha, 0), *t, n;
    unsigned *next;
    uint64_t pa;

    if (!ve || !ve->p) {
        if (spec_ref && spec_defers(c, DCR_DM))
            return DEFER;
        tlb_fault_state(c, va);
        raise_fault(c, IV_VHPT, acc_isr(acc), va, 1, 0);
        return FAULT;
    }
    pa = ve->pa | (iha & ((1ull << ve->ps) - 1));
    if (pa + 8 > c->ram_size)
        return 2;
    memcpy(&pte, c->ram + pa, 8);
    memset(&n, 0, sizeof(n));
    n.ps = (c->rr[va >> 61] >> 2) & 63;
    if (n.ps < 12)
        n.ps = 12;
    n.rid = rid_of(c, va);
    n.key = n.rid;
    n.va = (va & VA_MASK) & ~((1ull << n.ps) - 1);
    pte_decode(&n, pte);
    tr_overlap_check(c, &n, instr, "VHPT walker insert");
    t = instr ? c->itc : c->dtc;
    next = instr ? &c->itc_next : &c->dtc_next;
    t[*next] = n;
    *next = (*next + 1) % NTLB_TC;
    return 0;
}

/* Raises vec for a failed access, or for a speculative load (spec_ref)
 * returns DEFER when the architecture defers it (dcr_bit as above). */
static int xl_fault(struct cpu *c, unsigned vec, uint64_t dcr_bit, int acc, uint64_t va)
{
    if (spec_ref && spec_defers(c, dcr_bit))
        return DEFER;
    raise_fault(c, vec, acc_isr(acc), va, 1, 0);
    return FAULT;
}

int xlate(struct cpu *c, uint64_t va, int acc, uint8_t **host, int fault)
{
    int instr = acc == XC_X, defer = 0, r;
    uint64_t pa;
    struct tlbe *e;

    if (!(c->psr & (instr ? PSR_IT : PSR_DT))) {
        pa = va & ~(1ull << 63);
        if (pa >= c->ram_size)
            goto nomem;
        if (spec_ref && (va >> 63)) /* uncacheable: never speculated */
            return DEFER;
        *host = c->ram + pa;
        return 0;
    }
    e = tlb_find(c, va, instr);
    if (!e && fault && (c->psr & PSR_IC) && (c->rr[va >> 61] & 1) && (c->cr[CR_PTA] & 1) &&
        !(c->cr[CR_PTA] & 0x100)) {
        r = vhpt_walk(c, va, instr, acc);
        if (r == FAULT || r == DEFER)
            return r;
        if (r == 0)
            e = tlb_find(c, va, instr);
    }
    if (!e) {
        unsigned vec;
        int walker = (c->rr[va >> 61] & 1) && (c->cr[CR_PTA] & 1);

        if (!fault)
            return FAULT;
        if (instr)
            vec = walker ? IV_ITLB : IV_ALT_ITLB;
        else if (!(c->psr & PSR_IC))
            vec = IV_NESTED_DTLB;
        else
            vec = walker ? IV_DTLB : IV_ALT_DTLB;
        tlb_fault_state(c, va);
        return xl_fault(c, vec, DCR_DM, acc, va);
    }
    if (!e->p || !rights_ok(e, acc_pl(c), acc) || !e->a || (acc == XC_W && !e->d)) {
        if (!fault)
            return FAULT;
        c->cr[CR_ITIR] = (uint64_t)e->ps << 2 | (uint64_t)e->key << 8;
        c->cr[CR_IHA] = thash(c, va);
        /* Page Not Present precludes the rest; a deferred access-rights
         * or access-bit condition does not (SDM vol. 2 Table 5-3). */
        if (!e->p)
            return xl_fault(c, IV_PAGE_NP, DCR_DP, acc, va);
        if (!rights_ok(e, acc_pl(c), acc)) {
            if ((r = xl_fault(c, instr ? IV_IAR : IV_DAR, DCR_DR, acc, va)) == FAULT)
                return FAULT;
            defer = 1;
        }
        if (!e->a) {
            if ((r = xl_fault(c, instr ? IV_IACCESS : IV_DACCESS, DCR_DA, acc, va)) ==
                FAULT)
                return FAULT;
            defer = 1;
        }
        if (acc == XC_W && !e->d) {
            raise_fault(c, IV_DIRTY, acc_isr(acc), va, 1, 0);
            return FAULT;
        }
    }
    if (defer)
        return DEFER;
    pa = e->pa | (va & ((1ull << e->ps) - 1));
    if (pa >= c->ram_size)
        goto nomem;
    /* uncacheable and NaTPage memory: speculative loads always defer */
    if (spec_ref && (e->ma == 4 || e->ma == 5 || e->ma == 7))
        return DEFER;
    *host = c->ram + pa;
    if (e->ps >= 12 && !rse_ref) { /* the cache is for cpl's rights */
        struct xcent *x = &c->xc[acc][(va >> 12) & (XC_SIZE - 1)];

        x->tag = (va >> 12) | c->xc_gen;
        x->pa = pa & ~0xfffull;
        x->host = c->ram + x->pa;
    }
    return 0;
nomem:
    if (!fault)
        return FAULT;
    if (spec_ref)
        return DEFER;
    if (xlate_mmio && !instr) {
        xlate_mmio_pa = pa;
        *host = NULL;
        return 0;
    }
    cpu_stop(c, instr ? "instruction fetch from non-existent physical memory"
                      : "data access to non-existent physical memory");
    return FAULT;
}

int xlate_spec(struct cpu *c, uint64_t va, uint8_t **host)
{
    int r;

    if (c->psr & PSR_ED) /* set by the OS (rfi) to make this load defer */
        return DEFER;
    spec_ref = 1;
    r = xlate(c, va, XC_R, host, 1);
    spec_ref = 0;
    return r;
}

int spec_unaligned_defers(struct cpu *c)
{
    return spec_defers(c, 0);
}

/* ---- inserts and purges ---------------------------------------------------- */

void tlb_purge(struct tlbe *t, int n, uint32_t rid, uint64_t va, unsigned ps)
{
    uint64_t lo = (va & VA_MASK) & ~((1ull << ps) - 1), hi = lo + (1ull << ps);

    for (int i = 0; i < n; i++) {
        uint64_t elo = t[i].va, ehi = elo + (1ull << t[i].ps);

        if (t[i].valid && t[i].rid == rid && elo < hi && lo < ehi)
            t[i].valid = 0;
    }
}

/* The entry itc / itr would insert, from cr.ifa, cr.itir and the PTE. */
static void tlb_entry(struct cpu *c, struct tlbe *e, uint64_t pte)
{
    uint64_t ifa = c->cr[CR_IFA], itir = c->cr[CR_ITIR];

    memset(e, 0, sizeof(*e));
    e->ps = (itir >> 2) & 63;
    if (e->ps < 12)
        e->ps = 12;
    e->key = (itir >> 8) & 0xffffff;
    e->rid = rid_of(c, ifa);
    e->va = (ifa & VA_MASK) & ~((1ull << e->ps) - 1);
    pte_decode(e, pte);
}

void tlb_insert_tc(struct cpu *c, int instr, uint64_t pte)
{
    struct tlbe *t = instr ? c->itc : c->dtc, e;
    unsigned *next = instr ? &c->itc_next : &c->dtc_next;

    tlb_entry(c, &e, pte);
    tr_overlap_check(c, &e, instr, instr ? "itc.i" : "itc.d");
    tlb_purge(t, NTLB_TC, e.rid, e.va, e.ps);
    t[*next] = e;
    *next = (*next + 1) % NTLB_TC;
    xc_flush(c);
}

void tlb_insert_tr(struct cpu *c, int instr, unsigned slot, uint64_t pte)
{
    struct tlbe *t = instr ? c->itr : c->dtr, e;

    tlb_entry(c, &e, pte);
    tr_overlap_check(c, &e, instr, instr ? "itr.i" : "itr.d");
    t[slot] = e;
    tlb_purge(instr ? c->itc : c->dtc, NTLB_TC, e.rid, e.va, e.ps);
    xc_flush(c);
}
