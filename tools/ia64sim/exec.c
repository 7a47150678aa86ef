/* SPDX-License-Identifier: MIT */
/* The execution loop: bundle cache, integer/compare/branch instructions,
 * reset state and the register dump. */
#include <stdlib.h>
#include <string.h>

#include "ia64sim.h"

uint64_t cur_ip;
unsigned cur_slot;

#define BC_BITS 16

void bank_switch(struct cpu *c, int bn)
{
    struct greg *b = bn ? c->bank1 : c->bank0;

    for (int i = 0; i < 16; i++)
        c->gr[16 + i] = &b[i];
    if (bn)
        c->psr |= PSR_BN;
    else
        c->psr &= ~PSR_BN;
}

/* Recompute the register pointers of the stacked, rotating GRs, FRs, PRs. */
void frame_rebuild(struct cpu *c)
{
    for (unsigned i = 0; i < 96; i++) {
        unsigned idx = i;

        if (i >= c->sof) {
            c->gr[32 + i] = &c->junk;
            continue;
        }
        if (i < c->sor * 8)
            idx = (i + c->rrb_gr) % (c->sor * 8);
        c->gr[32 + i] = &c->stk[c->bof + idx];
    }
    for (unsigned i = 0; i < 96; i++)
        c->fr[32 + i] = &c->frs[32 + (i + c->rrb_fr) % 96];
    for (unsigned i = 0; i < 48; i++)
        c->pr[16 + i] = &c->prs[16 + (i + c->rrb_pr) % 48];
}

void cpu_reset(struct cpu *c, uint64_t entry)
{
    c->bc_mask = (1u << BC_BITS) - 1;
    if (!c->bc) /* the other CPUs share the first CPU's (main.c) */
        c->bc = calloc(1u << BC_BITS, sizeof(struct bundle));
    if (!c->codepage)
        c->codepage = calloc((c->ram_size >> 12) + 1, 1);
    if (!c->bc || !c->codepage) {
        fprintf(stderr, "ia64sim: out of memory\n");
        exit(EXIT_USAGE);
    }
    for (int i = 0; i < 16; i++)
        c->gr[i] = &c->grs[i];
    for (int i = 0; i < 32; i++)
        c->fr[i] = &c->frs[i];
    for (int i = 0; i < 16; i++)
        c->pr[i] = &c->prs[i];
    c->prs[0] = 1;
    c->frs[1].sig = 1ull << 63;
    c->frs[1].exp = 0xffff;
    c->psr = 0;
    bank_switch(c, 1);
    c->ip = entry;
    c->ri = 0;
    c->sof = c->sol = c->sor = 0;
    c->bof = STK_SIZE / 2;
    c->ndirty = 0;
    /* RSE backing store just above the memory stack area at the top of RAM */
    c->ar[AR_BSPSTORE] = c->ram_size - (1u << 20);
    c->ar[AR_RSC] = 0;
    c->ar[AR_FPSR] = 0x0009804c0270033full;
    c->gr[12]->v = c->ram_size - 16;
    c->cr[CR_DCR] = 0;
    c->cr[CR_ITV] = 1ull << 16;
    c->cr[CR_PMV] = 1ull << 16;
    c->cr[CR_CMCV] = 1ull << 16;
    c->cr[CR_LRR0] = 1ull << 16;
    c->cr[CR_LRR1] = 1ull << 16;
    c->cr[CR_TPR] = 1ull << 16; /* mmi: all external interrupts masked */
    for (int i = 0; i < 8; i++)
        c->rr[i] = (uint64_t)i << 8 | 14 << 2; /* rid = region number, 16K pages */
    frame_rebuild(c);
    xc_flush(c);
}

/* Physical address of the bundle at c->ip, or a fault/stop. */
static struct bundle *fetch(struct cpu *c)
{
    uint64_t pa;
    struct bundle *b;

    if (c->psr & PSR_IT) {
        uint8_t *host;
        struct xcent *e = &c->xc[XC_X][(c->ip >> 12) & (XC_SIZE - 1)];

        if (e->tag == ((c->ip >> 12) | c->xc_gen))
            pa = e->pa + (c->ip & 0xfff);
        else if (xlate(c, c->ip, XC_X, &host, 1))
            return NULL;
        else
            pa = (uint64_t)(host - c->ram);
    } else {
        pa = c->ip & ~(1ull << 63);
    }
    b = &c->bc[(pa >> 4) & c->bc_mask];
    if (b->tag == (pa | 1) && b->vip == c->ip)
        return b;
    if (pa + 16 > c->ram_size) {
        cur_ip = c->ip;
        cur_slot = c->ri;
        cpu_stop(c, "instruction fetch from non-existent physical memory");
    }
    decode_bundle(c->ram + pa, c->ip, b, NULL);
    /* IP-relative targets are resolved against the virtual ip, so the entry
     * also remembers the ip it was decoded for (aliases re-decode). */
    b->tag = pa | 1;
    b->vip = c->ip;
    c->codepage[pa >> 12] = 1;
    return b;
}

static inline uint64_t zx(uint64_t v, unsigned sz)
{
    return sz >= 8 ? v : v & ((1ull << (sz * 8)) - 1);
}

static int cmp_rel(unsigned rel, uint64_t a, uint64_t b, int is4)
{
    if (is4) {
        switch (rel) {
        case REL_EQ:
            return (uint32_t)a == (uint32_t)b;
        case REL_NE:
            return (uint32_t)a != (uint32_t)b;
        case REL_LT:
            return (int32_t)a < (int32_t)b;
        case REL_LE:
            return (int32_t)a <= (int32_t)b;
        case REL_GT:
            return (int32_t)a > (int32_t)b;
        case REL_GE:
            return (int32_t)a >= (int32_t)b;
        default:
            return (uint32_t)a < (uint32_t)b;
        }
    }
    switch (rel) {
    case REL_EQ:
        return a == b;
    case REL_NE:
        return a != b;
    case REL_LT:
        return (int64_t)a < (int64_t)b;
    case REL_LE:
        return (int64_t)a <= (int64_t)b;
    case REL_GT:
        return (int64_t)a > (int64_t)b;
    case REL_GE:
        return (int64_t)a >= (int64_t)b;
    default:
        return a < b;
    }
}

/* Writes a compare result per compare type; nat forces the NaT behaviour. */
static inline void set_preds(struct cpu *c, const struct insn *in, int res, int nat)
{
    uint8_t *p1 = c->pr[in->p1], *p2 = c->pr[in->p2];

    switch (in->c2) {
    case CT_NONE:
    case CT_UNC:
        if (in->p1)
            *p1 = (uint8_t)(nat ? 0 : res);
        if (in->p2)
            *p2 = (uint8_t)(nat ? 0 : !res);
        break;
    case CT_AND:
        if (nat || !res) {
            if (in->p1)
                *p1 = 0;
            if (in->p2)
                *p2 = 0;
        }
        break;
    case CT_OR:
        if (!nat && res) {
            if (in->p1)
                *p1 = 1;
            if (in->p2)
                *p2 = 1;
        }
        break;
    case CT_ORANDCM:
        if (!nat && res) {
            if (in->p1)
                *p1 = 1;
            if (in->p2)
                *p2 = 0;
        }
        break;
    }
}

static void rotate_regs(struct cpu *c)
{
    if (c->sor)
        c->rrb_gr = (c->rrb_gr + c->sor * 8 - 1) % (c->sor * 8);
    c->rrb_fr = (c->rrb_fr + 95) % 96;
    c->rrb_pr = (c->rrb_pr + 47) % 48;
    frame_rebuild(c);
}

/*
 * The Disabled Floating-Point Register fault (SDM vol. 2 5.6, vector
 * 0x5500): with psr.dfl, an instruction that names f2-f31, with psr.dfh
 * one that names f32-f127, faults before it executes; ISR.code bit 0 / 1
 * say which.  The FR operands by form: F-unit r1 (target), r2, r3, f4;
 * ldf / ldfp / setf r1 (and ldfp r2), stf / getf r2.  Returns 1 when it
 * raised the fault.
 */
static int fr_disabled(struct cpu *c, const struct insn *in, unsigned slot)
{
    unsigned regs[4], n = 0;
    if (in->op >= OP_FMA && in->op <= OP_FCHKF) {
        if (in->op == OP_FSETC || in->op == OP_FCLRF || in->op == OP_FCHKF)
            return 0;
        if (in->op != OP_FCMP && in->op != OP_FCLASS)
            regs[n++] = in->r1;
        regs[n++] = in->r2;
        regs[n++] = in->r3;
        if (in->op <= OP_FSELECT)
            regs[n++] = in->f4;
    } else if (in->op == OP_LDF || in->op == OP_SETF) {
        regs[n++] = in->r1;
    } else if (in->op == OP_LDFP) {
        regs[n++] = in->r1;
        regs[n++] = in->r2;
    } else if (in->op == OP_STF || in->op == OP_GETF) {
        regs[n++] = in->r2;
    }
    uint64_t code = 0;
    for (unsigned i = 0; i < n; i++) {
        if (regs[i] >= 2 && regs[i] < 32 && (c->psr & PSR_DFL))
            code |= 1;
        if (regs[i] >= 32 && (c->psr & PSR_DFH))
            code |= 2;
    }
    if (!code)
        return 0;
    raise_fault(c, IV_DISFP, code | (uint64_t)slot << ISR_EI_SHIFT, 0, 0, 0);
    return 1;
}

/*
 * A debugger (breakpoints, steps) and PSR.ed (set by an rfi, it lasts one
 * instruction: SDM vol. 2 §3.3.2) need a look before each instruction.
 * With c->hook set, each pass of the run loop executes one instruction
 * from a copy of the bundle whose later slots are OP_HOOKSTOP, so the fast
 * path pays one test per bundle.  Returns the bundle to run, or NULL when
 * gdb stopped the CPU (it was resumed at c->ip, c->ri).
 */
static struct bundle *one_insn(struct cpu *c, struct bundle *b, unsigned slot,
                               struct bundle *hb)
{
    if (c->ed_armed == 2) { /* the instruction after the rfi ran */
        c->psr &= ~PSR_ED;
        c->ed_armed = 0;
    } else if (c->ed_armed == 1) {
        c->ed_armed = 2;
    }
    if (c->dbg && gdb_before_insn(c, c->ip, slot))
        return NULL;
    c->hook = c->dbg || c->ed_armed;
    if (slot + 1 >= b->nslots)
        return b;
    *hb = *b;
    for (unsigned s = slot + 1; s < b->nslots; s++) {
        memset(&hb->s[s], 0, sizeof(hb->s[s]));
        hb->s[s].op = OP_HOOKSTOP;
    }
    return hb;
}

#define GR(n) (c->gr[n])
#define RV(n) (c->gr[n]->v)
#define SETR(n, val, natv)                                                                 \
    do {                                                                                   \
        struct greg *g_ = c->gr[n];                                                        \
        g_->v = (val);                                                                     \
        g_->nat = (natv);                                                                  \
    } while (0)
#define NAT2 (GR(in->r2)->nat | GR(in->r3)->nat)

int cpu_run(struct cpu *c)
{
    uint64_t next_check = 0;
    const int trace = c->trace;

    for (;;) {
        struct bundle *b, hb;
        uint64_t ip, ibase;
        unsigned slot, nsl;
        int traced = 0;

        if (c->icount >= next_check) {
            if (c->max_insns && c->icount >= c->max_insns) {
                fflush(stdout);
                fprintf(stderr, "ia64sim: instruction limit %llu reached at ip 0x%llx\n",
                        (unsigned long long)c->max_insns, (unsigned long long)c->ip);
                return EXIT_LIMIT;
            }
            if (c->icount >= c->slice_end)
                return RUN_SLICE_END;
            timer_check(c);
            if (c->devices)
                devices_tick(c);
            if (__builtin_expect(stop_signal, 0)) {
                char msg[64];

                cur_ip = c->ip;
                cur_slot = c->ri;
                snprintf(msg, sizeof(msg), "signal %d", (int)stop_signal);
                c->exit_status = 128 + stop_signal;
                cpu_stop(c, msg);
            }
            next_check = c->icount + 32;
            if (c->max_insns && next_check > c->max_insns)
                next_check = c->max_insns;
            if (next_check > c->slice_end)
                next_check = c->slice_end;
        }
        if (c->intr_pending_check && (c->psr & PSR_I) && ext_intr_pending(c)) {
            cur_ip = c->ip;
            cur_slot = c->ri;
            interrupt(c, IV_EXTINT, 0, 0, 0);
            continue;
        }
        ip = c->ip;
        cur_ip = ip;
        cur_slot = c->ri;
        b = fetch(c);
        if (!b) {
            /* the fetch faulted: count it so --max-insns still bounds the run
             * and catch handlers that cannot be fetched themselves */
            c->icount++;
            if (++c->fault_streak > 64) {
                cur_ip = c->ip;
                cpu_stop(c, "interruption loop: the handler itself cannot be fetched");
            }
            continue;
        }
        c->fault_streak = 0;
        slot = c->ri;
        c->ri = 0;
        nsl = b->nslots;
        /* A debugger (breakpoints, steps) and PSR.ed (set by an rfi, it
         * lasts one instruction: SDM vol. 2 §3.3.2) need a look before
         * each instruction: then only one runs per pass of this loop
         * (the bundle comes from the cache again), so the fast path
         * pays nothing per instruction. */
        if (__builtin_expect(c->hook, 0)) {
            b = one_insn(c, b, slot, &hb);
            if (!b)
                continue; /* gdb stopped and resumed: start over at c->ip, c->ri */
        }
        /* count the whole rest of the bundle now; a taken branch or a
         * fault gives back the slots it skipped */
        ibase = c->icount - slot;
        c->icount += nsl - slot;
        for (; slot < nsl; slot++) {
            const struct insn *in = &b->s[slot];

            traced = 0;
            if (__builtin_expect(trace, 0) && ibase + slot >= c->trace_lo &&
                ibase + slot < c->trace_hi && in->op != OP_HOOKSTOP) {
                traced = 1;
                char text[3][128];
                struct bundle tb;
                uint64_t pa = b->tag & ~1ull;

                decode_bundle(c->ram + pa, ip, &tb, text);
                fprintf(stderr, "%llu %016llx.%u %s%s\n",
                        (unsigned long long)(ibase + slot), (unsigned long long)ip, slot,
                        text[slot], *c->pr[in->qp] ? "" : "  (qp false)");
            }
            if (!*c->pr[in->qp]) {
                if (in->flags & FL_UNC) {
                    if (in->p1)
                        *c->pr[in->p1] = 0;
                    if (in->p2)
                        *c->pr[in->p2] = 0;
                }
                continue;
            }
            switch (in->op) {
            case OP_NOP:
                break;
            case OP_ADD:
                SETR(in->r1, RV(in->r2) + RV(in->r3), NAT2);
                break;
            case OP_ADD1:
                SETR(in->r1, RV(in->r2) + RV(in->r3) + 1, NAT2);
                break;
            case OP_SUB:
                SETR(in->r1, RV(in->r2) - RV(in->r3), NAT2);
                break;
            case OP_SUB1:
                SETR(in->r1, RV(in->r2) - RV(in->r3) - 1, NAT2);
                break;
            case OP_ADDP4: {
                uint64_t v = (uint32_t)(RV(in->r2) + RV(in->r3));

                v |= (RV(in->r3) >> 30 & 3) << 61;
                SETR(in->r1, v, NAT2);
                break;
            }
            case OP_AND:
                SETR(in->r1, RV(in->r2) & RV(in->r3), NAT2);
                break;
            case OP_ANDCM:
                SETR(in->r1, RV(in->r2) & ~RV(in->r3), NAT2);
                break;
            case OP_OR:
                SETR(in->r1, RV(in->r2) | RV(in->r3), NAT2);
                break;
            case OP_XOR:
                SETR(in->r1, RV(in->r2) ^ RV(in->r3), NAT2);
                break;
            case OP_SHLADD:
                SETR(in->r1, (RV(in->r2) << in->c1) + RV(in->r3), NAT2);
                break;
            case OP_SHLADDP4: {
                uint64_t v = (uint32_t)((RV(in->r2) << in->c1) + RV(in->r3));

                v |= (RV(in->r3) >> 30 & 3) << 61;
                SETR(in->r1, v, NAT2);
                break;
            }
            case OP_SUBI:
                SETR(in->r1, (uint64_t)in->imm - RV(in->r3), GR(in->r3)->nat);
                break;
            case OP_ANDI:
                SETR(in->r1, (uint64_t)in->imm & RV(in->r3), GR(in->r3)->nat);
                break;
            case OP_ANDCMI:
                SETR(in->r1, (uint64_t)in->imm & ~RV(in->r3), GR(in->r3)->nat);
                break;
            case OP_ORI:
                SETR(in->r1, (uint64_t)in->imm | RV(in->r3), GR(in->r3)->nat);
                break;
            case OP_XORI:
                SETR(in->r1, (uint64_t)in->imm ^ RV(in->r3), GR(in->r3)->nat);
                break;
            case OP_ADDI:
                SETR(in->r1, (uint64_t)in->imm + RV(in->r3), GR(in->r3)->nat);
                break;
            case OP_ADDP4I: {
                uint64_t v = (uint32_t)((uint64_t)in->imm + RV(in->r3));

                v |= (RV(in->r3) >> 30 & 3) << 61;
                SETR(in->r1, v, GR(in->r3)->nat);
                break;
            }
            case OP_CMP: {
                uint64_t a, bv = RV(in->r3);
                int nat = (int)GR(in->r3)->nat;

                if (in->flags & FL_IMM)
                    a = (uint64_t)in->imm;
                else if (in->flags & FL_ZERO)
                    a = 0;
                else {
                    a = RV(in->r2);
                    nat |= (int)GR(in->r2)->nat;
                }
                set_preds(c, in, cmp_rel(in->c1, a, bv, in->flags & FL_CMP4), nat);
                break;
            }
            case OP_TBIT:
                set_preds(c, in,
                          (int)((RV(in->r3) >> in->sz) & 1) == (in->c1 ? 1 : 0) ? 1 : 0,
                          (int)GR(in->r3)->nat);
                break;
            case OP_TNAT:
                set_preds(c, in, (GR(in->r3)->nat != 0) == (in->c1 ? 1 : 0), 0);
                break;
            case OP_DEP: {
                uint64_t m = (in->c2 >= 64 ? ~0ull : ((1ull << in->c2) - 1)) << in->c1;

                SETR(in->r1, (RV(in->r3) & ~m) | ((RV(in->r2) << in->c1) & m), NAT2);
                break;
            }
            case OP_DEPZ: {
                uint64_t m = in->c2 >= 64 ? ~0ull : ((1ull << in->c2) - 1);

                SETR(in->r1, (RV(in->r2) & m) << in->c1, GR(in->r2)->nat);
                break;
            }
            case OP_DEPZI: {
                uint64_t m = in->c2 >= 64 ? ~0ull : ((1ull << in->c2) - 1);

                SETR(in->r1, ((uint64_t)in->imm & m) << in->c1, 0);
                break;
            }
            case OP_DEPI: {
                uint64_t m = (in->c2 >= 64 ? ~0ull : ((1ull << in->c2) - 1)) << in->c1;

                SETR(in->r1, (RV(in->r3) & ~m) | ((uint64_t)in->imm & m), GR(in->r3)->nat);
                break;
            }
            case OP_EXTR:
            case OP_EXTRU: {
                unsigned pos = in->c1, len = in->c2;
                uint64_t v = RV(in->r3) >> pos;

                if (pos + len > 64)
                    len = 64 - pos;
                if (len < 64) {
                    if (in->op == OP_EXTR)
                        v = (uint64_t)((int64_t)(v << (64 - len)) >> (64 - len));
                    else
                        v &= (1ull << len) - 1;
                }
                SETR(in->r1, v, GR(in->r3)->nat);
                break;
            }
            case OP_SHRP: {
                unsigned n = in->c1;
                uint64_t v = n ? (RV(in->r3) >> n) | (RV(in->r2) << (64 - n)) : RV(in->r3);

                SETR(in->r1, v, NAT2);
                break;
            }
            case OP_SHL: {
                uint64_t n = RV(in->r3);

                SETR(in->r1, n > 63 ? 0 : RV(in->r2) << n, NAT2);
                break;
            }
            case OP_SHRU: {
                uint64_t n = RV(in->r2);

                SETR(in->r1, n > 63 ? 0 : RV(in->r3) >> n, NAT2);
                break;
            }
            case OP_SHR: {
                uint64_t n = RV(in->r2);

                SETR(in->r1, (uint64_t)((int64_t)RV(in->r3) >> (n > 63 ? 63 : n)), NAT2);
                break;
            }
            case OP_ZXT:
                SETR(in->r1, zx(RV(in->r3), in->sz), GR(in->r3)->nat);
                break;
            case OP_SXT: {
                unsigned sh = 64 - in->sz * 8;

                SETR(in->r1, (uint64_t)((int64_t)(RV(in->r3) << sh) >> sh),
                     GR(in->r3)->nat);
                break;
            }
            case OP_CZX1L:
            case OP_CZX2L:
            case OP_CZX1R:
            case OP_CZX2R: {
                uint64_t v = RV(in->r3), r;
                unsigned w = (in->op == OP_CZX1L || in->op == OP_CZX1R) ? 1 : 2, n = 8 / w,
                         i;
                uint64_t m = w == 1 ? 0xff : 0xffff;

                r = n;
                if (in->op == OP_CZX1L || in->op == OP_CZX2L) {
                    for (i = 0; i < n; i++)
                        if (((v >> ((n - 1 - i) * w * 8)) & m) == 0) {
                            r = i;
                            break;
                        }
                } else {
                    for (i = 0; i < n; i++)
                        if (((v >> (i * w * 8)) & m) == 0) {
                            r = i;
                            break;
                        }
                }
                SETR(in->r1, r, GR(in->r3)->nat);
                break;
            }
            case OP_MUX1: {
                /* source byte of result bytes 7..0 */
                static const uint8_t mix[8] = {7, 3, 5, 1, 6, 2, 4, 0};
                static const uint8_t shuf[8] = {7, 3, 6, 2, 5, 1, 4, 0};
                static const uint8_t alt[8] = {7, 5, 3, 1, 6, 4, 2, 0};
                uint64_t v = RV(in->r2), r = 0;

                for (int i = 0; i < 8; i++) {
                    unsigned src;

                    switch (in->c1) {
                    case 0:
                        src = 0;
                        break;
                    case 8:
                        src = mix[7 - i];
                        break;
                    case 9:
                        src = shuf[7 - i];
                        break;
                    case 10:
                        src = alt[7 - i];
                        break;
                    default:
                        src = 7 - i;
                        break;
                    }
                    r |= ((v >> (8 * src)) & 0xff) << (8 * i);
                }
                SETR(in->r1, r, GR(in->r2)->nat);
                break;
            }
            case OP_MUX2: {
                uint64_t v = RV(in->r2), r = 0;

                for (int i = 0; i < 4; i++) {
                    unsigned sel = (in->c1 >> (2 * i)) & 3;

                    r |= ((v >> (16 * sel)) & 0xffff) << (16 * i);
                }
                SETR(in->r1, r, GR(in->r2)->nat);
                break;
            }
            case OP_POPCNT:
                SETR(in->r1, (uint64_t)__builtin_popcountll(RV(in->r3)), GR(in->r3)->nat);
                break;
            case OP_MM: {
                unsigned ra, rb;
                int imm;

                mm_operands(in, &ra, &rb, &imm);
                SETR(in->r1, exec_mm(in, RV(ra), imm ? (uint64_t)in->imm : RV(rb)),
                     GR(ra)->nat | (imm ? 0 : GR(rb)->nat));
                break;
            }
            case OP_CLZ:
                SETR(in->r1, RV(in->r3) ? (uint64_t)__builtin_clzll(RV(in->r3)) : 64,
                     GR(in->r3)->nat);
                break;
            case OP_MPY4:
                SETR(in->r1, (uint64_t)(uint32_t)RV(in->r2) * (uint32_t)RV(in->r3), NAT2);
                break;
            case OP_MOV_FROM_IP:
                SETR(in->r1, ip, 0);
                break;
            case OP_MOV_FROM_BR:
                SETR(in->r1, c->br[in->r2], 0);
                break;
            case OP_MOV_TO_BR:
                if (GR(in->r2)->nat)
                    goto natc;
                c->br[in->r1] = RV(in->r2);
                break;
            case OP_MOV_FROM_PR: {
                uint64_t v = 1;

                for (int i = 1; i < 64; i++)
                    v |= (uint64_t)(*c->pr[i] & 1) << i;
                SETR(in->r1, v, 0);
                break;
            }
            case OP_MOV_TO_PR: {
                uint64_t v = RV(in->r2), m = (uint64_t)in->imm;

                if (GR(in->r2)->nat)
                    goto natc;
                for (int i = 1; i < 64; i++)
                    if (m >> i & 1)
                        *c->pr[i] = v >> i & 1;
                break;
            }
            case OP_MOV_TO_PR_ROT:
                for (int i = 16; i < 64; i++)
                    *c->pr[i] = (uint64_t)in->imm >> i & 1;
                break;
            case OP_MOVL:
                SETR(in->r1, (uint64_t)in->imm, 0);
                break;
            case OP_CHK_S:
                if (in->c2 ? c->fr[in->r2]->exp == 0x1fffe && c->fr[in->r2]->sig == 0
                           : GR(in->r2)->nat != 0) {
                    c->ip = (uint64_t)in->imm;
                    goto taken;
                }
                break;
            case OP_CHK_A:
                /* The ALAT is modelled as always empty: recovery always runs. */
                c->ip = (uint64_t)in->imm;
                goto taken;
            case OP_BR:
            case OP_BRL:
                c->ip = (uint64_t)in->imm;
                goto taken;
            case OP_BR_IND:
                c->ip = c->br[in->r2] & ~15ull;
                goto taken;
            case OP_BR_CALL:
            case OP_BR_CALL_IND:
            case OP_BRL_CALL: {
                uint64_t tgt =
                    in->op == OP_BR_CALL_IND ? c->br[in->r2] & ~15ull : (uint64_t)in->imm;

                c->br[in->r1] = ip + 16;
                c->ar[AR_PFS] = cfm_get(c) | (c->ar[AR_EC] & 63) << 52 |
                                ((c->psr >> PSR_CPL_SHIFT) & 3) << 62;
                rse_call(c);
                c->ip = tgt;
                goto taken;
            }
            case OP_BR_RET: {
                uint64_t pfs = c->ar[AR_PFS];
                uint64_t tgt = c->br[in->r2] & ~15ull;

                cur_slot = slot;
                if (rse_return(c, pfs))
                    goto fault;
                c->ar[AR_EC] = pfs >> 52 & 63;
                /* privilege can only be lowered by br.ret */
                if ((pfs >> 62) > ((c->psr >> PSR_CPL_SHIFT) & 3)) {
                    c->psr = (c->psr & ~PSR_CPL) | (pfs >> 62) << PSR_CPL_SHIFT;
                    xc_flush(c);
                }
                c->ip = tgt;
                goto taken;
            }
            case OP_BR_CLOOP:
                if (c->ar[AR_LC] != 0) {
                    c->ar[AR_LC]--;
                    c->ip = (uint64_t)in->imm;
                    goto taken;
                }
                break;
            case OP_BR_CEXIT:
            case OP_BR_CTOP: {
                int cont;

                if (c->ar[AR_LC] != 0) {
                    c->ar[AR_LC]--;
                    *c->pr[63] = 1;
                    cont = 1;
                } else if (c->ar[AR_EC] > 1) {
                    c->ar[AR_EC]--;
                    *c->pr[63] = 0;
                    cont = 1;
                } else {
                    cont = 0;
                    *c->pr[63] = 0;
                }
                /* the epilogue's last iteration (EC 1 -> 0) still rotates */
                if (cont || c->ar[AR_EC] == 1) {
                    if (!cont)
                        c->ar[AR_EC] = 0;
                    rotate_regs(c);
                }
                if (cont == (in->op == OP_BR_CTOP)) {
                    c->ip = (uint64_t)in->imm;
                    goto taken;
                }
                break;
            }
            case OP_BR_WEXIT:
            case OP_BR_WTOP: {
                int cont;

                if (*c->pr[in->p1]) {
                    *c->pr[63] = 0;
                    cont = 1;
                } else if (c->ar[AR_EC] > 1) {
                    c->ar[AR_EC]--;
                    *c->pr[63] = 0;
                    cont = 1;
                } else {
                    cont = 0;
                    *c->pr[63] = 0;
                }
                if (cont || c->ar[AR_EC] == 1) {
                    if (!cont)
                        c->ar[AR_EC] = 0;
                    rotate_regs(c);
                }
                if (cont == (in->op == OP_BR_WTOP)) {
                    c->ip = (uint64_t)in->imm;
                    goto taken;
                }
                break;
            }
            case OP_CLRRRB:
                c->rrb_gr = c->rrb_fr = c->rrb_pr = 0;
                frame_rebuild(c);
                break;
            case OP_CLRRRB_PR:
                c->rrb_pr = 0;
                frame_rebuild(c);
                break;
            case OP_BREAK:
                /* SSC calls are the firmware console: only the most
                 * privileged level may use them; elsewhere they are an
                 * ordinary break the OS gets to see. */
                if (in->imm == 0x80001 && !(c->psr & PSR_CPL)) {
                    int r;

                    c->icount -= nsl - 1 - slot; /* exact count if it exits */
                    r = ssc_call(c);
                    c->icount += nsl - 1 - slot;
                    if (r)
                        goto fault;
                    break;
                }
                cur_slot = slot;
                raise_fault(c, IV_BREAK, (uint64_t)slot << ISR_EI_SHIFT, 0, 0,
                            (uint64_t)in->imm);
                goto fault;
            case OP_HOOKSTOP:
                goto hookstop;
            case OP_UNIMPL:
                cur_slot = slot;
                cpu_stop(c, "unimplemented instruction");
                break;
            case OP_ILLEGAL:
                cur_slot = slot;
                raise_fault(c, IV_GENEX, GE_ILLOP | (uint64_t)slot << ISR_EI_SHIFT, 0, 0,
                            0);
                goto fault;
            default:
                cur_slot = slot;
                if ((c->psr & (PSR_DFL | PSR_DFH)) && fr_disabled(c, in, slot))
                    goto fault;
                if (in->op >= OP_FMA && in->op <= OP_FCHKF) {
                    if (exec_fp(c, in, ip, slot))
                        goto fault;
                } else if (in->op >= OP_LD && in->op <= OP_LFETCH) {
                    if (exec_mem(c, in, ip, slot))
                        goto fault;
                } else {
                    int r = exec_sys(c, in, ip, slot);

                    if (r == FAULT)
                        goto fault;
                    if (r == 2) /* control transfer (rfi, epc, ...) */
                        goto next;
                }
                break;
            }
            if (__builtin_expect(traced, 0) && writes_r1(in->op))
                fprintf(stderr, "      r%u = 0x%llx%s\n", in->r1,
                        (unsigned long long)c->gr[in->r1]->v,
                        c->gr[in->r1]->nat ? " (NaT)" : "");
            continue;
        natc:
            cur_slot = slot;
            raise_fault(c, IV_NATC, (uint64_t)slot << ISR_EI_SHIFT, 0, 0, 0);
            goto fault;
        }
        c->ip = ip + 16;
        c->cycles += b->ngroups;
        continue;
    taken:
        c->cycles++;
        c->icount -= nsl - 1 - slot;
        continue;
    fault:
        /* raise_fault() has set ip (and ri) to the handler */
        c->icount -= nsl - 1 - slot;
        continue;
    next:
        c->icount -= nsl - 1 - slot;
        continue;
    hookstop:
        /* the one instruction of this pass ran; the next starts a pass */
        c->icount = ibase + slot;
        c->ip = ip;
        c->ri = slot;
        continue;
    }
}
