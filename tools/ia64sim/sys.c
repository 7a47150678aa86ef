/* SPDX-License-Identifier: MIT */
/* System state: interruptions through the IVT, the interval timer and
 * external interrupt controller, application register rules, and the
 * privileged/system instructions (translation itself is in tlb.c).
 * "SDM" is the Intel Itanium Architecture Software Developer's Manual. */
#include <string.h>

#include "ia64sim.h"

#define VA_MASK ((1ull << 61) - 1)

static unsigned cpl(struct cpu *c)
{
    return (unsigned)(c->psr >> PSR_CPL_SHIFT) & 3;
}

static const char *vec_name(unsigned v)
{
    switch (v) {
    case IV_VHPT:
        return "VHPT translation";
    case IV_ITLB:
        return "instruction TLB";
    case IV_DTLB:
        return "data TLB";
    case IV_ALT_ITLB:
        return "alternate instruction TLB";
    case IV_ALT_DTLB:
        return "alternate data TLB";
    case IV_NESTED_DTLB:
        return "data nested TLB";
    case IV_DIRTY:
        return "dirty bit";
    case IV_IACCESS:
        return "instruction access bit";
    case IV_DACCESS:
        return "data access bit";
    case IV_BREAK:
        return "break instruction";
    case IV_EXTINT:
        return "external interrupt";
    case IV_PAGE_NP:
        return "page not present";
    case IV_IAR:
        return "instruction access rights";
    case IV_DAR:
        return "data access rights";
    case IV_GENEX:
        return "general exception";
    case IV_NATC:
        return "NaT consumption";
    default:
        return "interruption";
    }
}

/* Delivers an interruption through the IVT at cr.iva. */
void interrupt(struct cpu *c, unsigned vec, uint64_t isr, uint64_t ifa, int has_ifa)
{
    if (!c->iva_set) {
        char msg[160];

        snprintf(msg, sizeof(msg),
                 "unhandled %s interruption (vector 0x%04x, isr 0x%llx, ifa 0x%llx): "
                 "cr.iva was never set",
                 vec_name(vec), vec, (unsigned long long)isr, (unsigned long long)ifa);
        cpu_stop(c, msg);
    }
    if (c->psr & PSR_IC) {
        c->cr[CR_IPSR] = (c->psr & ~(3ull << PSR_RI_SHIFT)) | (uint64_t)cur_slot
                                                                  << PSR_RI_SHIFT;
        c->cr[CR_IIP] = cur_ip;
        c->cr[CR_IIPA] = cur_ip;
        c->cr[CR_IFS] = 0;
        c->cr[CR_ISR] = isr;
        if (has_ifa)
            c->cr[CR_IFA] = ifa;
    }
    c->psr &=
        ~(PSR_IC | PSR_I | PSR_CPL | PSR_SS | PSR_TB | PSR_LP | PSR_DB | PSR_ID | PSR_IA |
          PSR_DA | PSR_DD | PSR_ED | (3ull << PSR_RI_SHIFT) | PSR_BE | PSR_PP);
    c->psr |= (c->cr[CR_DCR] & 2 ? PSR_BE : 0) | (c->cr[CR_DCR] & 1 ? PSR_PP : 0);
    bank_switch(c, 0);
    c->ip = (c->cr[CR_IVA] & ~0x7fffull) + vec;
    c->ri = 0;
    xc_flush(c);
}

void raise_fault(struct cpu *c, unsigned vec, uint64_t isr, uint64_t ifa, int has_ifa,
                 uint64_t iim)
{
    if (vec == IV_BREAK && (c->psr & PSR_IC))
        c->cr[CR_IIM] = iim;
    interrupt(c, vec, isr, ifa, has_ifa);
}

static int genex(struct cpu *c, uint64_t code)
{
    raise_fault(c, IV_GENEX, code | (uint64_t)cur_slot << ISR_EI_SHIFT, 0, 0, 0);
    return FAULT;
}

/* ---- interrupt controller and interval timer ----------------------------- */

static int highest_irr(struct cpu *c)
{
    for (int w = 3; w >= 0; w--)
        if (c->irr[w])
            return w * 64 + 63 - __builtin_clzll(c->irr[w]);
    return -1;
}

static int deliverable(struct cpu *c)
{
    int v = highest_irr(c);
    uint64_t tpr = c->cr[CR_TPR];

    if (v < 16)
        return -1;
    if ((tpr >> 16 & 1) || (unsigned)(v >> 4) <= (tpr >> 4 & 15))
        return -1;
    if (c->ninsvc && (v >> 4) <= (c->insvc[c->ninsvc - 1] >> 4))
        return -1;
    return v;
}

int ext_intr_pending(struct cpu *c)
{
    if (deliverable(c) >= 0)
        return 1;
    c->intr_pending_check = 0;
    return 0;
}

int cpu_wakeable(struct cpu *c)
{
    timer_check(c);
    return deliverable(c) >= 0;
}

void timer_check(struct cpu *c)
{
    uint64_t itc = c->icount + c->itc_off;

    if (c->itm_armed && itc >= c->cr[CR_ITM]) {
        c->itm_armed = 0;
        if (!(c->cr[CR_ITV] >> 16 & 1)) {
            unsigned v = c->cr[CR_ITV] & 0xff;

            c->irr[v >> 6] |= 1ull << (v & 63);
            c->intr_pending_check = 1;
        }
    }
}

/* ---- application registers ------------------------------------------------ */

int read_ar(struct cpu *c, unsigned n, uint64_t *v)
{
    switch (n) {
    case AR_BSP:
        *v = rse_bsp(c);
        return 0;
    case AR_ITC:
        *v = c->icount + c->itc_off;
        return 0;
    default:
        *v = c->ar[n & 127];
        return 0;
    }
}

/* ar.bspstore and ar.rnat can be read or written only while the RSE is in
 * enforced lazy mode (ar.rsc.mode 0): otherwise Illegal Operation (SDM
 * vol. 3, mov - Move Application Register; vol. 2 §6.5.1). */
static int rse_ar_locked(struct cpu *c, unsigned n)
{
    return (n == AR_RNAT || n == AR_BSPSTORE) && (c->ar[AR_RSC] & 3);
}

int write_ar(struct cpu *c, unsigned n, uint64_t v)
{
    if (n == AR_BSP || rse_ar_locked(c, n))
        return genex(c, GE_ILLOP);
    if (n < 8 && cpl(c) != 0)
        return genex(c, GE_PRIVREG);
    switch (n) {
    case AR_BSPSTORE:
        rse_set_bspstore(c, v);
        return 0;
    case AR_RNAT:
        c->ar[AR_RNAT] = v & ~(1ull << 63); /* bit 63 is ignored */
        return 0;
    case AR_RSC:
        /* RSC.pl can not be made more privileged than cpl */
        v &= 0x3fff001full;
        if (((v >> 2) & 3) < cpl(c))
            v = (v & ~0xcull) | (uint64_t)cpl(c) << 2;
        c->ar[AR_RSC] = v;
        return 0;
    case AR_ITC:
        if (cpl(c) != 0)
            return genex(c, GE_PRIVREG);
        if (v > c->icount + c->itc_off && machine.ncpus > 1) {
            /* several CPUs: an idle wait parks this CPU until its ITC gets
             * there with the others' or an interrupt is pending (smp.c) */
            c->idle_until = v;
            c->slice_end = c->icount;
            return 0;
        }
        if (v > c->icount + c->itc_off) /* forward: maybe an idle wait (--idle) */
            v = c->icount + c->itc_off + devices_idle(c, v - (c->icount + c->itc_off));
        c->itc_off = v - c->icount;
        return 0;
    case AR_EC:
        c->ar[AR_EC] = v & 63;
        return 0;
    case AR_PFS: /* pfm 37:0, pec 57:52, ppl 63:62 (SDM vol. 1 3.1.8.11); the rest reserved
                  */
        c->ar[AR_PFS] = v & 0xc3f0003fffffffffull;
        return 0;
    default:
        c->ar[n & 127] = v;
        return 0;
    }
}

static int reserved_cr(unsigned n)
{
    return (n >= 3 && n <= 7) || (n >= 10 && n <= 15) || n == 18 || (n >= 26 && n <= 63) ||
           (n >= 75 && n <= 79) || n >= 82;
}

/* The Illegal Operation faults of privileged instructions that their
 * pseudo-code (SDM vol. 3) checks before PSR.cpl: moves to or from a
 * reserved CR, moves to a read-only one (cr.ivr, cr.irr0-3), moves to or
 * from an interruption control register (cr.ipsr .. cr.iha) while PSR.ic is
 * 1 (vol. 2 §3.3.5: they are written by the interruption itself), and
 * itc / itr while PSR.ic is 1. */
static int illegal_op(struct cpu *c, const struct insn *in)
{
    int ic = (c->psr & PSR_IC) != 0;
    unsigned n = in->r3;

    switch (in->op) {
    case OP_ITC:
    case OP_ITR:
        return ic;
    case OP_MOV_TO_CR:
        if (n == CR_IVR || (n >= CR_IRR0 && n <= CR_IRR0 + 3))
            return 1;
        /* fall through */
    case OP_MOV_FROM_CR:
        return reserved_cr(n) || (ic && n >= CR_IPSR && n <= CR_IHA);
    default:
        return 0;
    }
}

static uint64_t cpuid(unsigned n)
{
    switch (n) {
    case 0:
        return 0x6d69733436616961ull; /* "iaia64sim" vendor, part 1 */
    case 1:
        return 0;
    case 3:
        return 0x1f00000004ull; /* family 0x1f, 5 cpuid registers */
    default:
        return 0;
    }
}

int exec_sys(struct cpu *c, const struct insn *in, uint64_t ip, unsigned slot)
{
    struct greg *g2 = c->gr[in->r2], *g3 = c->gr[in->r3];
    uint64_t v;

    (void)slot;
    switch (in->op) {
    case OP_MOV_TO_AR:
        if (g2->nat)
            goto natc;
        return write_ar(c, in->r3, g2->v);
    case OP_MOV_TO_ARI:
        return write_ar(c, in->r3, (uint64_t)in->imm);
    case OP_MOV_FROM_AR:
        if (rse_ar_locked(c, in->r3))
            return genex(c, GE_ILLOP);
        if (in->r3 == AR_ITC && (c->psr & PSR_SI) && cpl(c) != 0)
            return genex(c, GE_PRIVREG);
        read_ar(c, in->r3, &v);
        c->gr[in->r1]->v = v;
        c->gr[in->r1]->nat = 0;
        return 0;
    case OP_ALLOC:
        v = c->ar[AR_PFS];
        if (rse_alloc(c, in->c1, in->c2, in->sz))
            return FAULT;
        c->gr[in->r1]->v = v;
        c->gr[in->r1]->nat = 0;
        return 0;
    case OP_FLUSHRS:
        return rse_flushrs(c);
    case OP_LOADRS:
        /* SDM vol. 3 loadrs: enforced lazy mode, and no frame when
         * something is to be loaded */
        if ((c->ar[AR_RSC] & 3) || (c->sof && (c->ar[AR_RSC] >> 16 & 0x3fff)))
            return genex(c, GE_ILLOP);
        return rse_loadrs(c);
    case OP_COVER:
        return rse_cover(c);
    case OP_INVALA:
    case OP_FC:
    case OP_SRLZ_I:
        return 0;
    case OP_SUM:
        c->psr |= (uint64_t)in->imm & 0x3e;
        return 0;
    case OP_RUM:
        c->psr &= ~((uint64_t)in->imm & 0x3e);
        return 0;
    case OP_MOV_FROM_PSRUM:
        c->gr[in->r1]->v = c->psr & 0x3f;
        c->gr[in->r1]->nat = 0;
        return 0;
    case OP_MOV_TO_PSRUM:
        if (g2->nat)
            goto natc;
        c->psr = (c->psr & ~0x3eull) | (g2->v & 0x3e);
        return 0;
    case OP_EPC: {
        struct tlbe *e;

        if ((c->psr & PSR_IT) && (e = tlb_find(c, ip, 1)) && e->ar == 7 && e->pl < cpl(c)) {
            c->psr = (c->psr & ~PSR_CPL) | (uint64_t)e->pl << PSR_CPL_SHIFT;
            xc_flush(c);
        }
        return 0;
    }
    case OP_PROBE:
    case OP_PROBE_FAULT:
    case OP_THASH:
    case OP_TTAG:
    case OP_TAK:
        break;
    default:
        /* Illegal Operation conditions come before the privilege check */
        if (illegal_op(c, in))
            return genex(c, GE_ILLOP);
        if (cpl(c) != 0)
            return genex(c, GE_PRIVOP);
    }

    switch (in->op) {
    case OP_SSM:
    case OP_RSM:
    case OP_MOV_TO_PSRL: {
        uint64_t old = c->psr;

        if (in->op == OP_SSM)
            c->psr |= (uint64_t)in->imm & 0xffffff;
        else if (in->op == OP_RSM)
            c->psr &= ~((uint64_t)in->imm & 0xffffff);
        else {
            if (g2->nat)
                goto natc;
            c->psr = (c->psr & ~0xffffffffull) | (g2->v & 0xffffffffull);
        }
        if ((old ^ c->psr) & (PSR_DT | PSR_IT | PSR_RT))
            xc_flush(c);
        c->intr_pending_check = 1;
        return 0;
    }
    case OP_MOV_FROM_PSR:
        c->gr[in->r1]->v = c->psr & ~(3ull << PSR_RI_SHIFT) & ((1ull << 46) - 1);
        c->gr[in->r1]->nat = 0;
        return 0;
    case OP_MOV_FROM_CR:
        switch (in->r3) {
        case CR_IVR: {
            int vv = deliverable(c);

            if (vv < 0)
                v = 15;
            else {
                v = (uint64_t)vv;
                c->irr[vv >> 6] &= ~(1ull << (vv & 63));
                if (c->ninsvc < 32)
                    c->insvc[c->ninsvc++] = vv;
            }
            break;
        }
        case CR_IRR0:
        case CR_IRR0 + 1:
        case CR_IRR0 + 2:
        case CR_IRR0 + 3:
            v = c->irr[in->r3 - CR_IRR0];
            break;
        default:
            v = c->cr[in->r3];
        }
        c->gr[in->r1]->v = v;
        c->gr[in->r1]->nat = 0;
        return 0;
    case OP_MOV_TO_CR:
        if (g2->nat)
            goto natc;
        v = g2->v;
        switch (in->r3) {
        case CR_IVA:
            c->cr[CR_IVA] = v & ~0x7fffull;
            c->iva_set = 1;
            return 0;
        case CR_ITM:
            c->cr[CR_ITM] = v;
            c->itm_armed = 1;
            timer_check(c);
            return 0;
        case CR_EOI:
            if (c->ninsvc)
                c->ninsvc--;
            if (c->devices) /* a level-triggered line still high is pending again */
                devices_irq_sync(c);
            c->intr_pending_check = 1;
            return 0;
        case CR_TPR:
        case CR_ITV:
            c->cr[in->r3] = v;
            c->intr_pending_check = 1;
            return 0;
        default:
            c->cr[in->r3] = v;
            return 0;
        }
    case OP_RFI: {
        uint64_t ipsr = c->cr[CR_IPSR], ifs = c->cr[CR_IFS];

        if ((ifs >> 63) && rse_restore_frame(c, ifs))
            return FAULT;
        c->ip = c->cr[CR_IIP] & ~15ull;
        c->ri = (ipsr >> PSR_RI_SHIFT) & 3;
        c->psr = ipsr & ~(3ull << PSR_RI_SHIFT);
        if (ipsr & PSR_ED) { /* the run loop clears it after one instruction */
            c->hook = 1;
            c->ed_armed = 1;
        }
        bank_switch(c, (ipsr & PSR_BN) != 0);
        xc_flush(c);
        c->intr_pending_check = 1;
        return 2;
    }
    case OP_BSW0:
    case OP_BSW1:
        bank_switch(c, in->op == OP_BSW1);
        return 0;
    case OP_MOV_TO_IND: {
        unsigned idx = (unsigned)g3->v;

        if (g2->nat || g3->nat)
            goto natc;
        switch (in->c1) {
        case 0:
            c->rr[g3->v >> 61] = g2->v;
            xc_flush(c);
            break;
        case 1:
            c->dbr[idx & 15] = g2->v;
            break;
        case 2:
            c->ibr[idx & 15] = g2->v;
            break;
        case 3:
            c->pkr[idx & 15] = g2->v;
            xc_flush(c);
            break;
        case 4:
            c->pmc[idx & 15] = g2->v;
            break;
        case 5:
            c->pmd[idx & 15] = g2->v;
            break;
        default:
            break;
        }
        return 0;
    }
    case OP_MOV_FROM_IND: {
        unsigned idx = (unsigned)g3->v;

        if (g3->nat)
            goto natc;
        switch (in->c1) {
        case 0:
            v = c->rr[g3->v >> 61];
            break;
        case 1:
            v = c->dbr[idx & 15];
            break;
        case 2:
            v = c->ibr[idx & 15];
            break;
        case 3:
            v = c->pkr[idx & 15];
            break;
        case 4:
            v = c->pmc[idx & 15];
            break;
        case 5:
            v = c->pmd[idx & 15];
            break;
        case 7:
            v = cpuid(idx);
            break;
        default:
            v = 0;
        }
        c->gr[in->r1]->v = v;
        c->gr[in->r1]->nat = 0;
        return 0;
    }
    case OP_ITC:
        if (g2->nat)
            goto natc;
        tlb_insert_tc(c, in->c1, g2->v);
        return 0;
    case OP_ITR:
        if (g2->nat || g3->nat)
            goto natc;
        if (g3->v >= NTLB_TR)
            return genex(c, GE_RESREG);
        tlb_insert_tr(c, in->c1, (unsigned)g3->v, g2->v);
        return 0;
    case OP_PTC_L:
    case OP_PTR: {
        unsigned ps = (g2->v >> 2) & 63;
        uint32_t rid = rid_of(c, g3->v);

        if (in->op == OP_PTR) {
            tlb_purge(in->c1 ? c->itr : c->dtr, NTLB_TR, rid, g3->v, ps);
            tlb_purge(in->c1 ? c->itc : c->dtc, NTLB_TC, rid, g3->v, ps);
        } else if (in->c2) {
            tlb_purge_all_cpus(g3->v, ps, rid);
        } else {
            tlb_purge(c->itc, NTLB_TC, rid, g3->v, ps);
            tlb_purge(c->dtc, NTLB_TC, rid, g3->v, ps);
        }
        xc_flush(c);
        return 0;
    }
    case OP_PTC_E:
        memset(c->itc, 0, sizeof(c->itc));
        memset(c->dtc, 0, sizeof(c->dtc));
        xc_flush(c);
        return 0;
    case OP_TPA: {
        struct tlbe *e;

        if (g3->nat)
            goto natc;
        e = tlb_find(c, g3->v, 0);
        if (!e) {
            tlb_fault_state(c, g3->v);
            raise_fault(
                c, (c->rr[g3->v >> 61] & 1) && (c->cr[CR_PTA] & 1) ? IV_DTLB : IV_ALT_DTLB,
                ISR_NA | (uint64_t)cur_slot << ISR_EI_SHIFT, g3->v, 1, 0);
            return FAULT;
        }
        c->gr[in->r1]->v = e->pa | (g3->v & ((1ull << e->ps) - 1));
        c->gr[in->r1]->nat = 0;
        return 0;
    }
    case OP_THASH:
    case OP_TTAG:
        if (in->op == OP_THASH)
            v = thash(c, g3->v);
        else
            v = ((uint64_t)rid_of(c, g3->v) << 39) ^
                ((g3->v & VA_MASK) >> ((c->rr[g3->v >> 61] >> 2) & 63));
        c->gr[in->r1]->v = v & ~(1ull << 63);
        c->gr[in->r1]->nat = g3->nat;
        return 0;
    case OP_TAK: {
        struct tlbe *e = tlb_find(c, g3->v, 0);

        c->gr[in->r1]->v = e ? e->key : 1;
        c->gr[in->r1]->nat = 0;
        return 0;
    }
    case OP_PROBE:
    case OP_PROBE_FAULT: {
        unsigned pl =
            (unsigned)((in->flags & FL_IMM) || in->op == OP_PROBE_FAULT ? (uint64_t)in->imm
                                                                        : g2->v) &
            3;
        int ok = 1;

        if (g3->nat)
            goto natc;
        if (pl < cpl(c))
            pl = cpl(c);
        if (c->psr & PSR_DT) {
            struct tlbe *e = tlb_find(c, g3->v, 0);

            if (!e) {
                tlb_fault_state(c, g3->v);
                raise_fault(c,
                            (c->rr[g3->v >> 61] & 1) && (c->cr[CR_PTA] & 1) ? IV_DTLB
                                                                            : IV_ALT_DTLB,
                            ISR_NA | (uint64_t)cur_slot << ISR_EI_SHIFT, g3->v, 1, 0);
                return FAULT;
            }
            if (in->op == OP_PROBE)
                ok = e->p && rights_ok(e, pl, in->c1 ? XC_W : XC_R);
            else
                ok = e->p && (in->c1 == 3 || rights_ok(e, pl, XC_R)) &&
                     (in->c1 == 2 || rights_ok(e, pl, XC_W));
        }
        if (in->op == OP_PROBE) {
            c->gr[in->r1]->v = (uint64_t)ok;
            c->gr[in->r1]->nat = 0;
        } else if (!ok) {
            raise_fault(c, IV_DAR, ISR_NA | (uint64_t)cur_slot << ISR_EI_SHIFT, g3->v, 1,
                        0);
            return FAULT;
        }
        return 0;
    }
    }
    cpu_stop(c, "unimplemented system instruction");
    return FAULT;
natc:
    raise_fault(c, IV_NATC, (uint64_t)cur_slot << ISR_EI_SHIFT, 0, 0, 0);
    return FAULT;
}
