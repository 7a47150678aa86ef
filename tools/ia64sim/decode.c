/* SPDX-License-Identifier: MIT */
/* Decoder for the M, I and A unit instruction slots.  Each routine fills a
 * struct insn for the executor and, when t is not NULL, the objdump-style
 * text of the instruction (without the qualifying predicate). */
#include <stdarg.h>
#include <string.h>

#include "ia64sim.h"

#define F(x, lo, n) ((unsigned)(((x) >> (lo)) & ((1ull << (n)) - 1)))

static int64_t sext(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

void tprint(char *t, const char *fmt, ...)
{
    va_list ap;

    if (!t)
        return;
    va_start(ap, fmt);
    vsnprintf(t, 128, fmt, ap);
    va_end(ap);
}

static void unimpl(struct insn *in, char *t, const char *unit, uint64_t x)
{
    in->op = OP_UNIMPL;
    tprint(t, "<unimplemented %s-unit 0x%011llx>", unit, (unsigned long long)x);
}

static const char *ld_kind[] = {"",     ".s",    ".a",     ".sa",   ".bias",
                                ".acq", ".fill", ".c.clr", ".c.nc", ".c.clr.acq"};

/* Integer-load x6 -> kind, or -1 when the combination is reserved. */
static int ld_kind_of(unsigned x6)
{
    static const signed char k[11] = {LK_NORMAL, LK_S, LK_A,    LK_SA,  LK_BIAS,   LK_ACQ,
                                      LK_FILL,   -1,   LK_CCLR, LK_CNC, LK_CCLRACQ};
    unsigned g = x6 >> 2;

    if (g > 10 || k[g] < 0)
        return -1;
    if (g == 6 && x6 != 0x1b)
        return -1;
    return k[g];
}

/* Locality hint completer.  Besides .nt1/.nta, binutils 2.40 prints the
 * newer three-bit hints as .d1-.d7: the third bit is the top bit of the
 * register field the form leaves unused (ext).  kind: 0 load, 1 store,
 * 2 lfetch. */
static const char *hint_name(unsigned h, int kind, unsigned ext)
{
    static const char *ld[] = {"", ".nt1", ".d2", ".nta"};
    static const char *st[] = {"", ".d1", ".d2", ".nta"};
    static const char *lf[] = {"", ".nt1", ".nt2", ".nta"};
    static const char *d[] = {".d4", ".d5", ".d6", ".d7"};

    if (ext)
        return d[h & 3];
    return (kind == 0 ? ld : kind == 1 ? st : lf)[h & 3];
}

static void decode_ld(uint64_t x, struct insn *in, char *t, unsigned opc)
{
    unsigned m = F(x, 36, 1), xb = F(x, 27, 1), x6 = F(x, 30, 6), hint = F(x, 28, 2);
    unsigned r1 = F(x, 6, 7), r2 = F(x, 13, 7), r3 = F(x, 20, 7);
    char inc[32] = "";
    int noinc = opc == 4 || opc == 6 ? !m : 0;

    in->r1 = r1;
    in->r2 = r2;
    in->r3 = r3;
    if (opc == 5) {
        in->flags = INC_IMM;
        if (x6 >= 0x30)
            in->imm = sext((uint64_t)F(x, 36, 1) << 8 | F(x, 27, 1) << 7 | F(x, 6, 7), 9);
        else
            in->imm = sext((uint64_t)F(x, 36, 1) << 8 | F(x, 27, 1) << 7 | F(x, 13, 7), 9);
        snprintf(inc, sizeof(inc), ",%lld", (long long)in->imm);
    } else if (m && !xb) {
        in->flags = INC_REG;
        snprintf(inc, sizeof(inc), ",r%u", r2);
    } else if (m) {
        goto bad;
    }
    /* the newer hints (.d1/.d2) exist only in the forms without update */
    if (!noinc && ((x6 >= 0x30 && (hint == 1 || hint == 2)) || (x6 < 0x30 && hint == 2)))
        goto bad;
    if (opc == 4 && xb) {
        /* semaphores and getf */
        if (hint == 2)
            goto bad;
        unsigned sz = 1u << (x6 & 3);

        in->sz = sz;
        if (x6 <= 0x07) {
            in->op = OP_CMPXCHG;
            tprint(t, "cmpxchg%u.%s%s r%u=[r%u],r%u,ar.ccv", sz, x6 & 4 ? "rel" : "acq",
                   hint_name(hint, 0, 0), r1, r3, r2);
            return;
        }
        if (x6 <= 0x0b) {
            in->op = OP_XCHG;
            tprint(t, "xchg%u%s r%u=[r%u],r%u", sz, hint_name(hint, 0, 0), r1, r3, r2);
            return;
        }
        if (x6 == 0x12 || x6 == 0x13 || x6 == 0x16 || x6 == 0x17) {
            static const int incv[4] = {16, 8, 4, 1};
            int v = incv[F(x, 13, 2)];

            if (F(x, 15, 1))
                v = -v;
            in->op = OP_FETCHADD;
            in->sz = x6 & 1 ? 8 : 4;
            in->imm = v;
            tprint(t, "fetchadd%u.%s%s r%u=[r%u],%d", in->sz, x6 & 4 ? "rel" : "acq",
                   hint_name(hint, 0, 0), r1, r3, v);
            return;
        }
        if (x6 >= 0x1c && x6 <= 0x1f) {
            static const char *gn[] = {"sig", "exp", "s", "d"};

            in->op = OP_GETF;
            in->c1 = x6 - 0x1c;
            tprint(t, "getf.%s r%u=f%u", gn[x6 - 0x1c], r1, r2);
            return;
        }
        goto bad;
    }
    if (x6 >= 0x30) {
        /* stores */
        if (x6 > 0x37 && x6 != 0x3b)
            goto bad;
        if (in->flags == INC_REG)
            goto bad;
        in->op = OP_ST;
        in->sz = x6 == 0x3b ? 8 : 1u << (x6 & 3);
        if (x6 == 0x3b)
            in->flags |= FL_SPILL;
        tprint(t, "st%u%s%s [r%u]=r%u%s", in->sz,
               x6 == 0x3b ? ".spill" : (x6 & 4 ? ".rel" : ""),
               hint_name(hint, 1, noinc ? F(x, 12, 1) : 0), r3, r2, inc);
        return;
    }
    {
        int k = ld_kind_of(x6);

        if (k < 0)
            goto bad;
        in->op = OP_LD;
        in->sz = 1u << (x6 & 3);
        in->c2 = k;
        if (k == LK_FILL)
            in->flags |= FL_SPILL;
        tprint(t, "ld%u%s%s r%u=[r%u]%s", in->sz, ld_kind[k],
               hint_name(hint, 0, noinc ? F(x, 19, 1) : 0), r1, r3, inc);
        return;
    }
bad:
    unimpl(in, t, "M", x);
}

static const char *fty[] = {"e", "8", "s", "d"};
static const unsigned fsz[] = {10, 8, 4, 8};

static void decode_fldst(uint64_t x, struct insn *in, char *t, unsigned opc)
{
    unsigned m = F(x, 36, 1), xb = F(x, 27, 1), x6 = F(x, 30, 6), hint = F(x, 28, 2);
    unsigned r1 = F(x, 6, 7), r2 = F(x, 13, 7), r3 = F(x, 20, 7);
    char inc[32] = "";
    int noinc = opc == 4 || opc == 6 ? !m : 0;

    in->r1 = r1;
    in->r2 = r2;
    in->r3 = r3;
    if (opc == 7) {
        in->flags = INC_IMM;
        if (x6 >= 0x30)
            in->imm = sext((uint64_t)F(x, 36, 1) << 8 | F(x, 27, 1) << 7 | F(x, 6, 7), 9);
        else
            in->imm = sext((uint64_t)F(x, 36, 1) << 8 | F(x, 27, 1) << 7 | F(x, 13, 7), 9);
        snprintf(inc, sizeof(inc), ",%lld", (long long)in->imm);
        xb = 0;
    } else if (m && !xb) {
        in->flags = INC_REG;
        snprintf(inc, sizeof(inc), ",r%u", r2);
    }
    if (!noinc && !(x6 >= 0x2c && x6 <= 0x2f) &&
        ((x6 >= 0x30 && (hint == 1 || hint == 2)) || (x6 < 0x30 && hint == 2)))
        goto bad; /* .d1/.d2 hints only without update */
    if (xb) {
        if (!m && x6 >= 0x1c && x6 <= 0x1f) {
            static const char *sn[] = {"sig", "exp", "s", "d"};

            in->op = OP_SETF;
            in->c1 = x6 - 0x1c;
            tprint(t, "setf.%s f%u=r%u", sn[x6 - 0x1c], r1, r2);
            return;
        }
        /* load pair: f1, f2 = [r3] (, post-increment by the pair size) */
        if (hint == 2)
            goto bad;
        {
            int k = ld_kind_of(x6);

            if (k < 0 || (x6 & 3) == 0 || k == LK_FILL || k == LK_BIAS || k == LK_ACQ ||
                k == LK_CCLRACQ)
                goto bad;
            in->op = OP_LDFP;
            in->c1 = x6 & 3;
            in->c2 = k;
            in->sz = fsz[x6 & 3];
            if (m) {
                in->flags = INC_IMM;
                in->imm = (x6 & 3) == 2 ? 8 : 16;
                snprintf(inc, sizeof(inc), ",%lld", (long long)in->imm);
            }
            tprint(t, "ldfp%s%s%s f%u,f%u=[r%u]%s", fty[x6 & 3], ld_kind[k],
                   hint_name(hint, 0, 0), r1, r2, r3, inc);
            return;
        }
    }
    if (x6 >= 0x2c && x6 <= 0x2f) {
        static const char *lf[] = {"", ".excl", ".fault", ".fault.excl"};

        if (opc == 6 && !m && F(x, 13, 7))
            goto bad; /* lfetch.count (Itanium 9500) is not modelled */

        in->op = OP_LFETCH;
        in->c1 = x6 & 2; /* .fault */
        tprint(t, "lfetch%s%s [r%u]%s", lf[x6 - 0x2c], hint_name(hint, 2, F(x, 12, 1)), r3,
               inc);
        return;
    }
    if (x6 >= 0x30) {
        if (x6 > 0x33 && x6 != 0x3b)
            goto bad;
        if (in->flags == INC_REG)
            goto bad;
        in->op = OP_STF;
        in->c1 = x6 == 0x3b ? 4 : x6 & 3;
        if (x6 == 0x3b)
            in->flags |= FL_SPILL;
        if (x6 == 0x3b)
            tprint(t, "stf.spill%s [r%u]=f%u%s",
                   hint_name(hint, 1, noinc ? F(x, 12, 1) : 0), r3, r2, inc);
        else
            tprint(t, "stf%s%s [r%u]=f%u%s", fty[x6 & 3],
                   hint_name(hint, 1, noinc ? F(x, 12, 1) : 0), r3, r2, inc);
        return;
    }
    {
        int k = ld_kind_of(x6);

        if (k < 0 || k == LK_BIAS || k == LK_ACQ || k == LK_CCLRACQ)
            goto bad;
        in->op = OP_LDF;
        in->c1 = k == LK_FILL ? 4 : x6 & 3;
        in->c2 = k;
        if (k == LK_FILL) {
            in->flags |= FL_SPILL;
            tprint(t, "ldf.fill%s f%u=[r%u]%s", hint_name(hint, 0, noinc ? F(x, 19, 1) : 0),
                   r1, r3, inc);
        } else {
            tprint(t, "ldf%s%s%s f%u=[r%u]%s", fty[x6 & 3], ld_kind[k],
                   hint_name(hint, 0, noinc ? F(x, 19, 1) : 0), r1, r3, inc);
        }
        return;
    }
bad:
    unimpl(in, t, "M", x);
}

static void decode_msys0(uint64_t x, uint64_t ip, struct insn *in, char *t)
{
    unsigned x3 = F(x, 33, 3), x4 = F(x, 27, 4), x2 = F(x, 31, 2);
    unsigned r1 = F(x, 6, 7);
    char b[16];

    if (x3 >= 4) {
        int64_t d = sext((uint64_t)F(x, 36, 1) << 20 | F(x, 13, 20), 21) * 16;

        in->op = OP_CHK_A;
        in->r1 = r1;
        in->c1 = x3 & 1;        /* clr */
        in->c2 = (x3 >> 1) & 1; /* fp */
        in->imm = (int64_t)(ip + d);
        tprint(t, "chk.a.%s %s%u,%llx", x3 & 1 ? "clr" : "nc", x3 & 2 ? "f" : "r", r1,
               (unsigned long long)in->imm);
        return;
    }
    if (x3 != 0)
        goto bad;
    if (x4 >= 4 && x4 <= 7) {
        static const char *n[] = {"sum", "rum", "ssm", "rsm"};
        static const unsigned o[] = {OP_SUM, OP_RUM, OP_SSM, OP_RSM};

        in->op = o[x4 - 4];
        in->imm = (int64_t)((uint64_t)F(x, 36, 1) << 23 | (uint64_t)F(x, 31, 2) << 21 |
                            F(x, 6, 21));
        tprint(t, "%s 0x%llx", n[x4 - 4], (unsigned long long)in->imm);
        return;
    }
    switch (x2 << 4 | x4) {
    case 0x00:
    case 0x01:
        in->op = x4 ? OP_NOP : OP_BREAK;
        in->imm = (int64_t)((uint64_t)F(x, 36, 1) << 20 | F(x, 6, 20));
        if (x4 && F(x, 26, 1)) {
            if (in->imm > 63)
                goto bad; /* hint immediates are 6 bits */
            tprint(t, "hint.m 0x%llx", (unsigned long long)in->imm);
            return;
        }
        tprint(t, "%s.m 0x%llx", x4 ? "nop" : "break", (unsigned long long)in->imm);
        return;
    case 0x0a:
        in->op = OP_LOADRS;
        in->qp = 0;
        tprint(t, "loadrs");
        return;
    case 0x0c:
        in->op = OP_FLUSHRS;
        in->qp = 0;
        tprint(t, "flushrs");
        return;
    case 0x10:
        in->op = OP_INVALA;
        tprint(t, "invala");
        return;
    case 0x12:
    case 0x13:
        in->op = OP_INVALA;
        tprint(t, "invala.e %s%u", x4 == 2 ? "r" : "f", r1);
        return;
    case 0x20:
        in->op = OP_NOP;
        tprint(t, "fwb");
        return;
    case 0x22:
    case 0x23:
        in->op = OP_NOP;
        tprint(t, x4 == 2 ? "mf" : "mf.a");
        return;
    case 0x28:
        in->op = OP_MOV_TO_ARI;
        in->r3 = F(x, 20, 7);
        in->imm = sext((uint64_t)F(x, 36, 1) << 7 | F(x, 13, 7), 8);
        tprint(t, "mov.m %s=%lld", ar_name(in->r3, b), (long long)in->imm);
        return;
    case 0x30:
        in->op = OP_NOP;
        tprint(t, "srlz.d");
        return;
    case 0x31:
        in->op = OP_SRLZ_I;
        tprint(t, "srlz.i");
        return;
    case 0x33:
        in->op = OP_SRLZ_I;
        tprint(t, "sync.i");
        return;
    }
bad:
    unimpl(in, t, "M", x);
}

static void decode_msys1(uint64_t x, uint64_t ip, struct insn *in, char *t)
{
    unsigned x3 = F(x, 33, 3), x6 = F(x, 27, 6);
    unsigned r1 = F(x, 6, 7), r2 = F(x, 13, 7), r3 = F(x, 20, 7);
    static const char *ind[] = {"rr", "dbr", "ibr", "pkr", "pmc", "pmd", "msr", "cpuid"};
    char b[16];

    in->r1 = r1;
    in->r2 = r2;
    in->r3 = r3;
    if (x3 == 1 || x3 == 3) {
        int64_t d =
            sext((uint64_t)F(x, 36, 1) << 20 | F(x, 20, 13) << 7 | F(x, 6, 7), 21) * 16;

        in->op = OP_CHK_S;
        in->c2 = x3 == 3;
        in->imm = (int64_t)(ip + d);
        tprint(t, x3 == 3 ? "chk.s f%u,%llx" : "chk.s.m r%u,%llx", r2,
               (unsigned long long)in->imm);
        return;
    }
    if (x3 == 6) {
        unsigned sof = F(x, 13, 7), sol = F(x, 20, 7), sor = F(x, 27, 4);

        in->op = OP_ALLOC;
        in->qp = 0;
        in->c1 = sof;
        in->c2 = sol;
        in->sz = sor;
        if (sol > sof || sof > 96 || sor * 8 > sof)
            in->op = OP_ILLEGAL;
        tprint(t, "alloc r%u=ar.pfs,%u,%u,%u", r1, sof, sol, sor * 8);
        return;
    }
    if (x3 != 0)
        goto bad;
    if (x6 <= 0x06) {
        in->op = OP_MOV_TO_IND;
        in->c1 = x6;
        tprint(t, "mov %s[r%u]=r%u", ind[x6], r3, r2);
        return;
    }
    if (x6 >= 0x10 && x6 <= 0x17) {
        in->op = OP_MOV_FROM_IND;
        in->c1 = x6 - 0x10;
        tprint(t, "mov r%u=%s[r%u]", r1, ind[x6 - 0x10], r3);
        return;
    }
    switch (x6) {
    case 0x09:
    case 0x0a:
    case 0x0b:
        in->op = OP_PTC_L;
        in->c2 = x6 != 9; /* ptc.g, ptc.ga: every CPU's TLB (smp.c) */
        tprint(t, "%s r%u,r%u", x6 == 9 ? "ptc.l" : x6 == 0xa ? "ptc.g" : "ptc.ga", r3, r2);
        return;
    case 0x0c:
    case 0x0d:
        in->op = OP_PTR;
        in->c1 = x6 == 0x0d;
        tprint(t, "ptr.%c r%u,r%u", x6 == 0x0d ? 'i' : 'd', r3, r2);
        return;
    case 0x0e:
    case 0x0f:
        in->op = OP_ITR;
        in->c1 = x6 == 0x0f;
        tprint(t, "itr.%c %s[r%u]=r%u", x6 == 0x0f ? 'i' : 'd', x6 == 0x0f ? "itr" : "dtr",
               r3, r2);
        return;
    case 0x18:
    case 0x19:
        in->op = OP_PROBE;
        in->c1 = x6 & 1;
        in->flags = FL_IMM;
        in->imm = F(x, 13, 2);
        tprint(t, "probe.%c r%u=r%u,%u", x6 & 1 ? 'w' : 'r', r1, r3, F(x, 13, 2));
        return;
    case 0x38:
    case 0x39:
        in->op = OP_PROBE;
        in->c1 = x6 & 1;
        tprint(t, "probe.%c r%u=r%u,r%u", x6 & 1 ? 'w' : 'r', r1, r3, r2);
        return;
    case 0x31:
    case 0x32:
    case 0x33:
        in->op = OP_PROBE_FAULT;
        in->c1 = x6 & 3;
        in->imm = F(x, 13, 2);
        tprint(t, "probe.%s.fault r%u,%u",
               x6 == 0x31   ? "rw"
               : x6 == 0x32 ? "r"
                            : "w",
               r3, F(x, 13, 2));
        return;
    case 0x1a:
        in->op = OP_THASH;
        tprint(t, "thash r%u=r%u", r1, r3);
        return;
    case 0x1b:
        in->op = OP_TTAG;
        tprint(t, "ttag r%u=r%u", r1, r3);
        return;
    case 0x1e:
        in->op = OP_TPA;
        tprint(t, "tpa r%u=r%u", r1, r3);
        return;
    case 0x1f:
        in->op = OP_TAK;
        tprint(t, "tak r%u=r%u", r1, r3);
        return;
    case 0x21:
        in->op = OP_MOV_FROM_PSRUM;
        tprint(t, "mov r%u=psr.um", r1);
        return;
    case 0x22:
        in->op = OP_MOV_FROM_AR;
        tprint(t, "mov.m r%u=%s", r1, ar_name(r3, b));
        return;
    case 0x24:
        in->op = OP_MOV_FROM_CR;
        tprint(t, "mov r%u=%s", r1, cr_name(r3, b));
        return;
    case 0x25:
        in->op = OP_MOV_FROM_PSR;
        tprint(t, "mov r%u=psr", r1);
        return;
    case 0x29:
        in->op = OP_MOV_TO_PSRUM;
        tprint(t, "mov psr.um=r%u", r2);
        return;
    case 0x2a:
        in->op = OP_MOV_TO_AR;
        tprint(t, "mov.m %s=r%u", ar_name(r3, b), r2);
        return;
    case 0x2c:
        in->op = OP_MOV_TO_CR;
        tprint(t, "mov %s=r%u", cr_name(r3, b), r2);
        return;
    case 0x2d:
        in->op = OP_MOV_TO_PSRL;
        tprint(t, "mov psr.l=r%u", r2);
        return;
    case 0x2e:
    case 0x2f:
        in->op = OP_ITC;
        in->c1 = x6 == 0x2f;
        tprint(t, "itc.%c r%u", x6 == 0x2f ? 'i' : 'd', r2);
        return;
    case 0x30:
        in->op = OP_FC;
        tprint(t, "fc r%u", r3);
        return;
    case 0x34:
        in->op = OP_PTC_E;
        tprint(t, "ptc.e r%u", r3);
        return;
    }
bad:
    unimpl(in, t, "M", x);
}

void decode_m(uint64_t x, uint64_t ip, struct insn *in, char *t)
{
    unsigned op = F(x, 37, 4);

    switch (op) {
    case 0:
        decode_msys0(x, ip, in, t);
        return;
    case 1:
        decode_msys1(x, ip, in, t);
        return;
    case 4:
    case 5:
        decode_ld(x, in, t, op);
        return;
    case 6:
    case 7:
        decode_fldst(x, in, t, op);
        return;
    case 8:
    case 9:
    case 0xc:
    case 0xd:
    case 0xe:
        decode_a(x, ip, in, t);
        return;
    }
    unimpl(in, t, "M", x);
}

static void decode_i0(uint64_t x, uint64_t ip, struct insn *in, char *t)
{
    unsigned x3 = F(x, 33, 3), x6 = F(x, 27, 6);
    unsigned r1 = F(x, 6, 7), r2 = F(x, 13, 7), r3 = F(x, 20, 7);
    char b[16];

    in->r1 = r1;
    in->r2 = r2;
    in->r3 = r3;
    switch (x3) {
    case 1: {
        int64_t d =
            sext((uint64_t)F(x, 36, 1) << 20 | F(x, 20, 13) << 7 | F(x, 6, 7), 21) * 16;

        in->op = OP_CHK_S;
        in->imm = (int64_t)(ip + d);
        tprint(t, "chk.s.i r%u,%llx", r2, (unsigned long long)in->imm);
        return;
    }
    case 2:
        in->op = OP_MOV_TO_PR_ROT;
        in->imm = sext((uint64_t)F(x, 36, 1) << 27 | F(x, 6, 27), 28) << 16;
        tprint(t, "mov pr.rot=0x%llx", (unsigned long long)in->imm);
        return;
    case 3: {
        uint64_t m17 = (uint64_t)F(x, 36, 1) << 16 | F(x, 24, 8) << 8 | F(x, 6, 7) << 1;

        in->op = OP_MOV_TO_PR;
        in->imm = sext(m17, 17);
        tprint(t, "mov pr=r%u,0x%llx", r2, (unsigned long long)in->imm);
        return;
    }
    case 7: {
        unsigned wh = F(x, 20, 2), xr = F(x, 22, 1), ih = F(x, 23, 1);
        static const char *whn[] = {".sptk", "", ".dptk", ".wh3"};
        uint64_t tag = ip + (uint64_t)(sext(F(x, 24, 9), 9) * 16);

        if (wh == 3)
            goto bad;
        in->op = OP_MOV_TO_BR;
        in->r1 = F(x, 6, 3);
        if (!xr && !ih && wh == 1) {
            tprint(t, "mov b%u=r%u", in->r1, r2);
            return;
        }
        tprint(t, "mov%s%s%s b%u=r%u,%llx", xr ? ".ret" : "", whn[wh], ih ? ".imp" : "",
               in->r1, r2, (unsigned long long)tag);
        return;
    }
    case 0:
        break;
    default:
        goto bad;
    }
    switch (x6) {
    case 0x00:
    case 0x01:
        in->op = x6 ? OP_NOP : OP_BREAK;
        in->imm = (int64_t)((uint64_t)F(x, 36, 1) << 20 | F(x, 6, 20));
        if (x6 && F(x, 26, 1))
            tprint(t, "hint.i 0x%llx", (unsigned long long)in->imm);
        else
            tprint(t, "%s.i 0x%llx", x6 ? "nop" : "break", (unsigned long long)in->imm);
        return;
    case 0x0a:
        in->op = OP_MOV_TO_ARI;
        in->imm = sext((uint64_t)F(x, 36, 1) << 7 | F(x, 13, 7), 8);
        tprint(t, "mov.i %s=%lld", ar_name(r3, b), (long long)in->imm);
        return;
    case 0x10:
    case 0x11:
    case 0x12:
        in->op = OP_ZXT;
        in->sz = 1u << (x6 - 0x10);
        tprint(t, "zxt%u r%u=r%u", in->sz, r1, r3);
        return;
    case 0x14:
    case 0x15:
    case 0x16:
        in->op = OP_SXT;
        in->sz = 1u << (x6 - 0x14);
        tprint(t, "sxt%u r%u=r%u", in->sz, r1, r3);
        return;
    case 0x18:
        in->op = OP_CZX1L;
        tprint(t, "czx1.l r%u=r%u", r1, r3);
        return;
    case 0x19:
        in->op = OP_CZX2L;
        tprint(t, "czx2.l r%u=r%u", r1, r3);
        return;
    case 0x1c:
        in->op = OP_CZX1R;
        tprint(t, "czx1.r r%u=r%u", r1, r3);
        return;
    case 0x1d:
        in->op = OP_CZX2R;
        tprint(t, "czx2.r r%u=r%u", r1, r3);
        return;
    case 0x2a:
        in->op = OP_MOV_TO_AR;
        tprint(t, "mov.i %s=r%u", ar_name(r3, b), r2);
        return;
    case 0x30:
        in->op = OP_MOV_FROM_IP;
        tprint(t, "mov r%u=ip", r1);
        return;
    case 0x31:
        in->op = OP_MOV_FROM_BR;
        in->r2 = F(x, 13, 3);
        tprint(t, "mov r%u=b%u", r1, in->r2);
        return;
    case 0x32:
        in->op = OP_MOV_FROM_AR;
        tprint(t, "mov.i r%u=%s", r1, ar_name(r3, b));
        return;
    case 0x33:
        in->op = OP_MOV_FROM_PR;
        tprint(t, "mov r%u=pr", r1);
        return;
    }
bad:
    unimpl(in, t, "I", x);
}

static void decode_i5(uint64_t x, struct insn *in, char *t)
{
    unsigned x2 = F(x, 34, 2), xb = F(x, 33, 1);
    unsigned r1 = F(x, 6, 7), r2 = F(x, 13, 7), r3 = F(x, 20, 7);

    in->r1 = r1;
    in->r2 = r2;
    in->r3 = r3;
    if (x2 == 0) {
        unsigned ta = F(x, 33, 1), tb = F(x, 36, 1), ya = F(x, 13, 1), c = F(x, 12, 1);
        unsigned pos = F(x, 14, 6), p1 = F(x, 6, 6), p2 = F(x, 27, 6), ct, nz = 0;
        static const char *ctn[] = {"", ".unc", ".and", ".or", ".or.andcm"};

        if (ya && F(x, 19, 1))
            goto bad; /* tf */
        if (!ta && !tb)
            ct = c ? CT_UNC : CT_NONE;
        else {
            ct = !ta ? CT_AND : !tb ? CT_OR : CT_ORANDCM;
            nz = c;
        }
        in->op = ya ? OP_TNAT : OP_TBIT;
        in->p1 = p1;
        in->p2 = p2;
        in->c1 = nz;
        in->c2 = ct;
        in->sz = pos;
        if (ct == CT_UNC)
            in->flags = FL_UNC;
        if (ya)
            tprint(t, "tnat.%s%s p%u,p%u=r%u", nz ? "nz" : "z", ctn[ct], p1, p2, r3);
        else
            tprint(t, "tbit.%s%s p%u,p%u=r%u,%u", nz ? "nz" : "z", ctn[ct], p1, p2, r3,
                   pos);
        return;
    }
    if (x2 == 3 && !xb) {
        in->op = OP_SHRP;
        in->c1 = F(x, 27, 6);
        tprint(t, "shrp r%u=r%u,r%u,%u", r1, r2, r3, in->c1);
        return;
    }
    if (x2 == 1 && !xb) {
        unsigned pos = F(x, 14, 6), len = F(x, 27, 6) + 1, s = F(x, 13, 1);

        in->op = s ? OP_EXTR : OP_EXTRU;
        in->c1 = pos;
        in->c2 = len;
        if (pos + len == 64)
            tprint(t, "%s r%u=r%u,%u", s ? "shr" : "shr.u", r1, r3, pos);
        else
            tprint(t, "%s r%u=r%u,%u,%u", s ? "extr" : "extr.u", r1, r3, pos, len);
        return;
    }
    if (x2 == 1 && xb) {
        unsigned pos = 63 - F(x, 20, 6), len = F(x, 27, 6) + 1;

        in->c1 = pos;
        in->c2 = len;
        if (F(x, 26, 1)) {
            in->op = OP_DEPZI;
            in->imm = sext((uint64_t)F(x, 36, 1) << 7 | F(x, 13, 7), 8);
            tprint(t, "dep.z r%u=%lld,%u,%u", r1, (long long)in->imm, pos, len);
            return;
        }
        in->op = OP_DEPZ;
        if (len == 64 - pos)
            tprint(t, "shl r%u=r%u,%u", r1, r2, pos);
        else
            tprint(t, "dep.z r%u=r%u,%u,%u", r1, r2, pos, len);
        return;
    }
    if (x2 == 3 && xb) {
        unsigned pos = 63 - F(x, 14, 6), len = F(x, 27, 6) + 1;

        in->op = OP_DEPI;
        in->c1 = pos;
        in->c2 = len;
        in->imm = F(x, 36, 1) ? -1 : 0;
        tprint(t, "dep r%u=%lld,r%u,%u,%u", r1, (long long)in->imm, r3, pos, len);
        return;
    }
bad:
    unimpl(in, t, "I", x);
}

static void decode_i7(uint64_t x, struct insn *in, char *t)
{
    unsigned za = F(x, 36, 1), zb = F(x, 33, 1), ve = F(x, 32, 1);
    unsigned x2a = F(x, 34, 2), x2b = F(x, 28, 2), x2c = F(x, 30, 2);
    unsigned r1 = F(x, 6, 7), r2 = F(x, 13, 7), r3 = F(x, 20, 7);
    unsigned k = za << 7 | zb << 6 | x2a << 4 | x2b << 2 | x2c;

    in->r1 = r1;
    in->r2 = r2;
    in->r3 = r3;
    if (ve)
        goto bad;
    if (k != 0xc0 && k != 0xc8 && k != 0xc1 && decode_mm_i(x, in, t))
        return;
    switch (k) {
    case 0xc0:
        in->op = OP_SHRU;
        tprint(t, "shr.u r%u=r%u,r%u", r1, r3, r2);
        return;
    case 0xc8:
        in->op = OP_SHR;
        tprint(t, "shr r%u=r%u,r%u", r1, r3, r2);
        return;
    case 0xc1:
        in->op = OP_SHL;
        tprint(t, "shl r%u=r%u,r%u", r1, r2, r3);
        return;
    case 0x57:
        in->op = OP_CLZ;
        tprint(t, "clz r%u=r%u", r1, r3);
        return;
    case 0x56:
        in->op = OP_POPCNT;
        tprint(t, "popcnt r%u=r%u", r1, r3);
        return;
    case 0x87:
        in->op = OP_MPY4;
        tprint(t, "mpy4 r%u=r%u,r%u", r1, r2, r3);
        return;
    case 0x3a: {
        static const char *mb[16] = {"@brcst", 0, 0,      0,       0,      0,
                                     0,        0, "@mix", "@shuf", "@alt", "@rev"};
        unsigned m = F(x, 20, 4);

        if (!mb[m])
            goto bad;
        in->op = OP_MUX1;
        in->c1 = m;
        tprint(t, "mux1 r%u=r%u,%s", r1, r2, mb[m]);
        return;
    }
    case 0x7a:
        in->op = OP_MUX2;
        in->c1 = F(x, 20, 8);
        tprint(t, "mux2 r%u=r%u,0x%x", r1, r2, in->c1);
        return;
    }
bad:
    unimpl(in, t, "I", x);
}

void decode_i(uint64_t x, uint64_t ip, struct insn *in, char *t)
{
    unsigned op = F(x, 37, 4);

    switch (op) {
    case 0:
        decode_i0(x, ip, in, t);
        return;
    case 4: {
        unsigned pos = 63 - F(x, 31, 6), len = F(x, 27, 4) + 1;

        in->op = OP_DEP;
        in->r1 = F(x, 6, 7);
        in->r2 = F(x, 13, 7);
        in->r3 = F(x, 20, 7);
        in->c1 = pos;
        in->c2 = len;
        tprint(t, "dep r%u=r%u,r%u,%u,%u", in->r1, in->r2, in->r3, pos, len);
        return;
    }
    case 5:
        decode_i5(x, in, t);
        return;
    case 7:
        decode_i7(x, in, t);
        return;
    case 8:
    case 9:
    case 0xc:
    case 0xd:
    case 0xe:
        decode_a(x, ip, in, t);
        return;
    }
    unimpl(in, t, "I", x);
}
