/* SPDX-License-Identifier: MIT */
/* System state: translation (region registers, TRs and TCs), interruptions
 * through the IVT, the interval timer and external interrupt controller,
 * and the privileged/system instructions. */
#include <string.h>

#include "ia64sim.h"

#define VA_MASK ((1ull << 61) - 1)
#define PA_MASK ((1ull << 50) - 1)

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

static uint32_t rid_of(struct cpu *c, uint64_t va)
{
	return (uint32_t)(c->rr[va >> 61] >> 8) & 0xffffff;
}

static int tlb_match(const struct tlbe *e, uint32_t rid, uint64_t va)
{
	return e->valid && e->rid == rid && ((va & VA_MASK) >> e->ps) == (e->va >> e->ps);
}

static struct tlbe *tlb_find(struct cpu *c, uint64_t va, int instr)
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
static int rights_ok(const struct tlbe *e, unsigned pl, int acc)
{
	enum { R = 1, W = 2, X = 4 };
	static const uint8_t first[8] = { R, R | X, R | W, R | W | X, R, R | X, R | W | X, R | X };
	static const uint8_t second[8] = { R, R | X, R | W, R | W | X, R | W, R | W | X, R | W, R | X };
	unsigned need = acc == XC_R ? R : acc == XC_W ? W : X;

	if (pl > e->pl)
		return e->ar == 7 && need == X;
	return ((pl == e->pl ? first : second)[e->ar] & need) != 0;
}

static uint64_t thash(struct cpu *c, uint64_t va)
{
	uint64_t pta = c->cr[CR_PTA], size = 1ull << ((pta >> 2) & 63);
	unsigned ps = (c->rr[va >> 61] >> 2) & 63;
	uint64_t base = pta & ~0x7fffull & ~(size - 1) & VA_MASK;

	return (va & ~VA_MASK) | base | (((va & VA_MASK) >> ps << 3) & (size - 1));
}

static void tlb_fault_state(struct cpu *c, uint64_t va)
{
	c->cr[CR_ITIR] = (c->rr[va >> 61] & 0xfc) | (uint64_t)rid_of(c, va) << 8;
	c->cr[CR_IHA] = thash(c, va);
}

int rse_ref;

static uint64_t acc_isr(int acc)
{
	return (acc == XC_X ? ISR_X : acc == XC_W ? ISR_W : ISR_R) | (rse_ref ? ISR_RS | ISR_IR : 0);
}

/* The privilege level an access is checked at: RSC.pl for the RSE. */
static unsigned acc_pl(struct cpu *c)
{
	return rse_ref ? (unsigned)(c->ar[AR_RSC] >> 2) & 3 : cpl(c);
}

/* Short-format VHPT walker: reads the 8-byte PTE at thash(va) through the
 * data TLB (a miss there is a VHPT translation fault) and, if it is present,
 * inserts it into the TC with the region's page size.  Returns 0 when an
 * entry was inserted, 2 when the walk found nothing, FAULT after a fault. */
static int vhpt_walk(struct cpu *c, uint64_t va, int instr, int acc)
{
	uint64_t iha = thash(c, va), pte;
	struct tlbe *ve = tlb_find(c, iha, 0), *t, n;
	unsigned *next;
	uint64_t pa;

	if (!ve || !ve->p) {
		tlb_fault_state(c, va);
		raise_fault(c, IV_VHPT, acc_isr(acc) | (uint64_t)cur_slot << ISR_EI_SHIFT, va, 1, 0);
		return FAULT;
	}
	pa = ve->pa | (iha & ((1ull << ve->ps) - 1));
	if (pa + 8 > c->ram_size)
		return 2;
	memcpy(&pte, c->ram + pa, 8);
	if (!(pte & 1))
		return 2;
	memset(&n, 0, sizeof(n));
	n.ps = (c->rr[va >> 61] >> 2) & 63;
	if (n.ps < 12)
		n.ps = 12;
	n.rid = rid_of(c, va);
	n.key = n.rid;
	n.va = (va & VA_MASK) & ~((1ull << n.ps) - 1);
	n.p = 1;
	n.ma = (pte >> 2) & 7;
	n.a = (pte >> 5) & 1;
	n.d = (pte >> 6) & 1;
	n.pl = (pte >> 7) & 3;
	n.ar = (pte >> 9) & 7;
	n.pa = pte & PA_MASK & ~((1ull << n.ps) - 1);
	n.ed = (pte >> 52) & 1;
	n.valid = 1;
	t = instr ? c->itc : c->dtc;
	next = instr ? &c->itc_next : &c->dtc_next;
	t[*next] = n;
	*next = (*next + 1) % NTLB_TC;
	return 0;
}

int xlate(struct cpu *c, uint64_t va, int acc, uint8_t **host, int fault)
{
	int instr = acc == XC_X;
	uint64_t pa;
	struct tlbe *e;

	if (!(c->psr & (instr ? PSR_IT : PSR_DT))) {
		pa = va & ~(1ull << 63);
		if (pa >= c->ram_size)
			goto nomem;
		*host = c->ram + pa;
		return 0;
	}
	e = tlb_find(c, va, instr);
	if (!e && fault && (c->psr & PSR_IC) && (c->rr[va >> 61] & 1) && (c->cr[CR_PTA] & 1) &&
	    !(c->cr[CR_PTA] & 0x100)) {
		int r = vhpt_walk(c, va, instr, acc);

		if (r == FAULT)
			return FAULT;
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
		raise_fault(c, vec, acc_isr(acc) | (uint64_t)cur_slot << ISR_EI_SHIFT, va, 1, 0);
		return FAULT;
	}
	if (!e->p || !rights_ok(e, acc_pl(c), acc) || !e->a || (acc == XC_W && !e->d)) {
		unsigned vec = !e->p ? IV_PAGE_NP : !rights_ok(e, acc_pl(c), acc) ? (instr ? IV_IAR : IV_DAR)
			     : !e->a ? (instr ? IV_IACCESS : IV_DACCESS) : IV_DIRTY;

		if (!fault)
			return FAULT;
		c->cr[CR_ITIR] = (uint64_t)e->ps << 2 | (uint64_t)e->key << 8;
		c->cr[CR_IHA] = thash(c, va);
		raise_fault(c, vec, acc_isr(acc) | (uint64_t)cur_slot << ISR_EI_SHIFT, va, 1, 0);
		return FAULT;
	}
	pa = e->pa | (va & ((1ull << e->ps) - 1));
	if (pa >= c->ram_size)
		goto nomem;
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
	cpu_stop(c, instr ? "instruction fetch from non-existent physical memory"
			  : "data access to non-existent physical memory");
	return FAULT;
}

static const char *vec_name(unsigned v)
{
	switch (v) {
	case IV_VHPT: return "VHPT translation";
	case IV_ITLB: return "instruction TLB";
	case IV_DTLB: return "data TLB";
	case IV_ALT_ITLB: return "alternate instruction TLB";
	case IV_ALT_DTLB: return "alternate data TLB";
	case IV_NESTED_DTLB: return "data nested TLB";
	case IV_DIRTY: return "dirty bit";
	case IV_IACCESS: return "instruction access bit";
	case IV_DACCESS: return "data access bit";
	case IV_BREAK: return "break instruction";
	case IV_EXTINT: return "external interrupt";
	case IV_PAGE_NP: return "page not present";
	case IV_IAR: return "instruction access rights";
	case IV_DAR: return "data access rights";
	case IV_GENEX: return "general exception";
	case IV_NATC: return "NaT consumption";
	default: return "interruption";
	}
}

/* Delivers an interruption through the IVT at cr.iva. */
void interrupt(struct cpu *c, unsigned vec, uint64_t isr, uint64_t ifa, int has_ifa)
{
	if (!c->iva_set) {
		char msg[160];

		snprintf(msg, sizeof(msg), "unhandled %s interruption (vector 0x%04x, isr 0x%llx, ifa 0x%llx): cr.iva was never set",
			 vec_name(vec), vec, (unsigned long long)isr, (unsigned long long)ifa);
		cpu_stop(c, msg);
	}
	if (c->psr & PSR_IC) {
		c->cr[CR_IPSR] = (c->psr & ~(3ull << PSR_RI_SHIFT)) | (uint64_t)cur_slot << PSR_RI_SHIFT;
		c->cr[CR_IIP] = cur_ip;
		c->cr[CR_IIPA] = cur_ip;
		c->cr[CR_IFS] = 0;
		c->cr[CR_ISR] = isr;
		if (has_ifa)
			c->cr[CR_IFA] = ifa;
	}
	c->psr &= ~(PSR_IC | PSR_I | PSR_CPL | PSR_SS | PSR_TB | PSR_LP | PSR_DB | PSR_ID |
		    PSR_IA | PSR_DA | PSR_DD | PSR_ED | (3ull << PSR_RI_SHIFT) | PSR_BE | PSR_PP);
	c->psr |= (c->cr[CR_DCR] & 2 ? PSR_BE : 0) | (c->cr[CR_DCR] & 1 ? PSR_PP : 0);
	bank_switch(c, 0);
	c->ip = (c->cr[CR_IVA] & ~0x7fffull) + vec;
	c->ri = 0;
	xc_flush(c);
}

void raise_fault(struct cpu *c, unsigned vec, uint64_t isr, uint64_t ifa, int has_ifa, uint64_t iim)
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
	case AR_BSP: *v = rse_bsp(c); return 0;
	case AR_ITC:
		*v = c->icount + c->itc_off;
		return 0;
	default:
		*v = c->ar[n & 127];
		return 0;
	}
}

int write_ar(struct cpu *c, unsigned n, uint64_t v)
{
	if (n < 8 && cpl(c) != 0)
		return genex(c, GE_PRIVREG);
	switch (n) {
	case AR_BSP:
		return genex(c, GE_ILLOP);
	case AR_BSPSTORE:
		if (c->ar[AR_RSC] & 3)
			return genex(c, GE_ILLOP);
		rse_set_bspstore(c, v);
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
		c->itc_off = v - c->icount;
		return 0;
	case AR_EC:
		c->ar[AR_EC] = v & 63;
		return 0;
	case AR_PFS:
		c->ar[AR_PFS] = v & 0xc03fffffffffffffull;
		return 0;
	default:
		c->ar[n & 127] = v;
		return 0;
	}
}

/* ---- TLB instructions ------------------------------------------------------ */

static void tlb_purge(struct tlbe *t, int n, uint32_t rid, uint64_t va, unsigned ps)
{
	uint64_t lo = (va & VA_MASK) & ~((1ull << ps) - 1), hi = lo + (1ull << ps);

	for (int i = 0; i < n; i++) {
		uint64_t elo = t[i].va, ehi = elo + (1ull << t[i].ps);

		if (t[i].valid && t[i].rid == rid && elo < hi && lo < ehi)
			t[i].valid = 0;
	}
}

static void tlb_insert(struct cpu *c, struct tlbe *e, uint64_t pte)
{
	uint64_t ifa = c->cr[CR_IFA], itir = c->cr[CR_ITIR];

	memset(e, 0, sizeof(*e));
	e->ps = (itir >> 2) & 63;
	if (e->ps < 12)
		e->ps = 12;
	e->key = (itir >> 8) & 0xffffff;
	e->rid = rid_of(c, ifa);
	e->va = (ifa & VA_MASK) & ~((1ull << e->ps) - 1);
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

static uint64_t cpuid(unsigned n)
{
	switch (n) {
	case 0: return 0x6d69733436616961ull; /* "iaia64sim" vendor, part 1 */
	case 1: return 0;
	case 3: return 0x1f00000004ull;       /* family 0x1f, 5 cpuid registers */
	default: return 0;
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
		if (c->ar[AR_RSC] & 3)
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
		case CR_IRR0: case CR_IRR0 + 1: case CR_IRR0 + 2: case CR_IRR0 + 3:
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
			c->intr_pending_check = 1;
			return 0;
		case CR_TPR:
		case CR_ITV:
			c->cr[in->r3] = v;
			c->intr_pending_check = 1;
			return 0;
		case CR_IVR:
		case CR_IRR0: case CR_IRR0 + 1: case CR_IRR0 + 2: case CR_IRR0 + 3:
			return genex(c, GE_ILLOP);
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
		case 0: c->rr[g3->v >> 61] = g2->v; xc_flush(c); break;
		case 1: c->dbr[idx & 15] = g2->v; break;
		case 2: c->ibr[idx & 15] = g2->v; break;
		case 3: c->pkr[idx & 15] = g2->v; xc_flush(c); break;
		case 4: c->pmc[idx & 15] = g2->v; break;
		case 5: c->pmd[idx & 15] = g2->v; break;
		default: break;
		}
		return 0;
	}
	case OP_MOV_FROM_IND: {
		unsigned idx = (unsigned)g3->v;

		if (g3->nat)
			goto natc;
		switch (in->c1) {
		case 0: v = c->rr[g3->v >> 61]; break;
		case 1: v = c->dbr[idx & 15]; break;
		case 2: v = c->ibr[idx & 15]; break;
		case 3: v = c->pkr[idx & 15]; break;
		case 4: v = c->pmc[idx & 15]; break;
		case 5: v = c->pmd[idx & 15]; break;
		case 7: v = cpuid(idx); break;
		default: v = 0;
		}
		c->gr[in->r1]->v = v;
		c->gr[in->r1]->nat = 0;
		return 0;
	}
	case OP_ITC: {
		struct tlbe *t = in->c1 ? c->itc : c->dtc;
		unsigned *next = in->c1 ? &c->itc_next : &c->dtc_next;
		struct tlbe e;

		if (c->psr & PSR_IC)
			return genex(c, GE_ILLOP);
		if (g2->nat)
			goto natc;
		tlb_insert(c, &e, g2->v);
		tlb_purge(t, NTLB_TC, e.rid, e.va, e.ps);
		t[*next] = e;
		*next = (*next + 1) % NTLB_TC;
		xc_flush(c);
		return 0;
	}
	case OP_ITR: {
		struct tlbe *t = in->c1 ? c->itr : c->dtr;

		if (c->psr & PSR_IC)
			return genex(c, GE_ILLOP);
		if (g2->nat || g3->nat)
			goto natc;
		if (g3->v >= NTLB_TR)
			return genex(c, GE_RESREG);
		tlb_insert(c, &t[g3->v], g2->v);
		tlb_purge(in->c1 ? c->itc : c->dtc, NTLB_TC, t[g3->v].rid, t[g3->v].va, t[g3->v].ps);
		xc_flush(c);
		return 0;
	}
	case OP_PTC_L:
	case OP_PTR: {
		unsigned ps = (g2->v >> 2) & 63;
		uint32_t rid = rid_of(c, g3->v);

		if (in->op == OP_PTR) {
			tlb_purge(in->c1 ? c->itr : c->dtr, NTLB_TR, rid, g3->v, ps);
			tlb_purge(in->c1 ? c->itc : c->dtc, NTLB_TC, rid, g3->v, ps);
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
			raise_fault(c, (c->rr[g3->v >> 61] & 1) && (c->cr[CR_PTA] & 1) ? IV_DTLB : IV_ALT_DTLB,
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
			v = ((uint64_t)rid_of(c, g3->v) << 39) ^ ((g3->v & VA_MASK) >> ((c->rr[g3->v >> 61] >> 2) & 63));
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
		unsigned pl = (unsigned)((in->flags & FL_IMM) || in->op == OP_PROBE_FAULT ? (uint64_t)in->imm : g2->v) & 3;
		int ok = 1;

		if (g3->nat)
			goto natc;
		if (pl < cpl(c))
			pl = cpl(c);
		if (c->psr & PSR_DT) {
			struct tlbe *e = tlb_find(c, g3->v, 0);

			if (!e) {
				tlb_fault_state(c, g3->v);
				raise_fault(c, (c->rr[g3->v >> 61] & 1) && (c->cr[CR_PTA] & 1) ? IV_DTLB : IV_ALT_DTLB,
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
			raise_fault(c, IV_DAR, ISR_NA | (uint64_t)cur_slot << ISR_EI_SHIFT, g3->v, 1, 0);
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
