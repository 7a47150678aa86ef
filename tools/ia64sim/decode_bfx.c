/* SPDX-License-Identifier: MIT */
/* Decoder for the B, F and L+X slots, templates and register names. */
#include <string.h>

#include "ia64sim.h"

#define F(x, lo, n) ((unsigned)(((x) >> (lo)) & ((1ull << (n)) - 1)))

static int64_t sext(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static void unimpl(struct insn *in, char *t, const char *unit, uint64_t x)
{
    in->op = OP_UNIMPL;
    tprint(t, "<unimplemented %s-unit 0x%011llx>", unit, (unsigned long long)x);
}

static const char *wh_a[] = {".sptk", ".spnt", ".dptk", ".dpnt"};

void decode_b(uint64_t x, uint64_t ip, struct insn *in, char *t)
{
    unsigned op = F(x, 37, 4), btype = F(x, 6, 3), p = F(x, 12, 1), d = F(x, 35, 1);
    const char *ph = p ? ".many" : ".few", *dh = d ? ".clr" : "";
    unsigned b1 = F(x, 6, 3), b2 = F(x, 13, 3);
    int64_t disp = sext((uint64_t)F(x, 36, 1) << 20 | F(x, 13, 20), 21) * 16;
    static const char *whc[8] = {0, ".sptk", 0, ".spnt", 0, ".dptk", 0, ".dpnt"};

    in->r1 = b1;
    in->r2 = b2;
    switch (op) {
    case 0: {
        unsigned x6 = F(x, 27, 6), wh = F(x, 33, 2);

        switch (x6) {
        case 0x00:
            in->op = OP_BREAK;
            in->imm = (int64_t)((uint64_t)F(x, 36, 1) << 20 | F(x, 6, 20));
            tprint(t, "break.b 0x%llx", (unsigned long long)in->imm);
            return;
        case 0x02:
            in->op = OP_COVER;
            in->qp = 0;
            tprint(t, "cover");
            return;
        case 0x04:
            in->op = OP_CLRRRB;
            in->qp = 0;
            tprint(t, "clrrrb");
            return;
        case 0x05:
            in->op = OP_CLRRRB_PR;
            in->qp = 0;
            tprint(t, "clrrrb.pr");
            return;
        case 0x08:
            in->op = OP_RFI;
            in->qp = 0;
            tprint(t, "rfi");
            return;
        case 0x0c:
            in->op = OP_BSW0;
            in->qp = 0;
            tprint(t, "bsw.0");
            return;
        case 0x0d:
            in->op = OP_BSW1;
            in->qp = 0;
            tprint(t, "bsw.1");
            return;
        case 0x10:
            in->op = OP_EPC;
            in->qp = 0;
            tprint(t, "epc");
            return;
        case 0x20:
            if (btype == 0) {
                in->op = OP_BR_IND;
                if (in->qp == 0 && wh == 0)
                    tprint(t, "br%s%s b%u", ph, dh, b2);
                else
                    tprint(t, "br.cond%s%s%s b%u", wh_a[wh], ph, dh, b2);
                return;
            }
            if (btype == 1) {
                in->op = OP_BR_IA;
                tprint(t, "br.ia%s%s%s b%u", wh_a[wh], ph, dh, b2);
                return;
            }
            break;
        case 0x21:
            if (btype == 4) {
                in->op = OP_BR_RET;
                tprint(t, "br.ret%s%s%s b%u", wh_a[wh], ph, dh, b2);
                return;
            }
            break;
        }
        break;
    }
    case 1: {
        unsigned wh = F(x, 32, 3);

        if (!whc[wh])
            break;
        in->op = OP_BR_CALL_IND;
        tprint(t, "br.call%s%s%s b%u=b%u", whc[wh], ph, dh, b1, b2);
        return;
    }
    case 2: {
        unsigned x6 = F(x, 27, 6);

        if (x6 == 0) {
            in->op = OP_NOP;
            in->imm = (int64_t)((uint64_t)F(x, 36, 1) << 20 | F(x, 6, 20));
            tprint(t, "nop.b 0x%llx", (unsigned long long)in->imm);
            return;
        }
        if ((x6 == 0x10 || x6 == 0x11) && !F(x, 0, 3) && !F(x, 5, 1) && !F(x, 16, 11)) {
            uint64_t tag =
                ip + (uint64_t)(sext((uint64_t)F(x, 33, 2) << 7 | F(x, 6, 7), 9) * 16);
            unsigned whb = F(x, 3, 2);

            in->op = OP_NOP;
            in->qp = 0;
            tprint(t, "brp%s%s%s b%u,%llx", x6 == 0x11 ? ".ret" : "",
                   whb & 2 ? ".dptk" : ".sptk", F(x, 35, 1) ? ".imp" : "", b2,
                   (unsigned long long)tag);
            return;
        }
        break;
    }
    case 4: {
        unsigned wh = F(x, 33, 2);
        uint64_t tgt = ip + (uint64_t)disp;
        static const char *bn[8] = {"cond", 0,       "wexit", "wtop",
                                    0,      "cloop", "cexit", "ctop"};
        static const unsigned bo[8] = {OP_BR, 0,           OP_BR_WEXIT, OP_BR_WTOP,
                                       0,     OP_BR_CLOOP, OP_BR_CEXIT, OP_BR_CTOP};

        if (!bn[btype])
            break;
        in->op = bo[btype];
        in->imm = (int64_t)tgt;
        if (btype >= 5)
            in->qp = 0;
        if (btype == 2 || btype == 3) {
            /* wexit/wtop execute whatever their predicate: it is an operand */
            in->p1 = in->qp;
            in->qp = 0;
        }
        if (btype == 0 && in->qp == 0 && wh == 0)
            tprint(t, "br%s%s %llx", ph, dh, (unsigned long long)tgt);
        else
            tprint(t, "br.%s%s%s%s %llx", bn[btype], wh_a[wh], ph, dh,
                   (unsigned long long)tgt);
        return;
    }
    case 5: {
        unsigned wh = F(x, 33, 2);
        uint64_t tgt = ip + (uint64_t)disp;

        in->op = OP_BR_CALL;
        in->imm = (int64_t)tgt;
        tprint(t, "br.call%s%s%s b%u=%llx", wh_a[wh], ph, dh, b1, (unsigned long long)tgt);
        return;
    }
    case 7: {
        uint64_t tgt = ip + (uint64_t)disp;
        uint64_t tag =
            ip + (uint64_t)(sext((uint64_t)F(x, 33, 2) << 7 | F(x, 6, 7), 9) * 16);
        unsigned whb = F(x, 3, 2);
        static const char *wn[4] = {".sptk", ".loop", ".dptk", ".exit"};

        in->op = OP_NOP;
        in->qp = 0;
        tprint(t, "brp%s%s %llx,%llx", wn[whb], F(x, 35, 1) ? ".imp" : "",
               (unsigned long long)tgt, (unsigned long long)tag);
        return;
    }
    }
    unimpl(in, t, "B", x);
}

static const char *sfn[] = {".s0", ".s1", ".s2", ".s3"};

void decode_f(uint64_t x, uint64_t ip, struct insn *in, char *t)
{
    unsigned op = F(x, 37, 4);
    unsigned f1 = F(x, 6, 7), f2 = F(x, 13, 7), f3 = F(x, 20, 7), f4 = F(x, 27, 7);
    unsigned sf = F(x, 34, 2), xa = F(x, 36, 1);

    in->r1 = f1;
    in->r2 = f2;
    in->r3 = f3;
    in->f4 = f4;
    in->c2 = sf;
    if (op >= 8 && op <= 0xd) {
        /* fma / fms / fnma: op 8,a,c = .s (x=1) or none; 9,b,d = .d (x=0) */
        static const char *base[3] = {"fma", "fms", "fnma"};
        static const unsigned ops[3] = {OP_FMA, OP_FMS, OP_FNMA};
        unsigned k = (op - 8) >> 1, dbl = op & 1;
        const char *pc;

        if (dbl && xa) {
            /* parallel FP: decoded for the disassembler, not executed */
            static const char *pn[3] = {"fpma", "fpms", "fpnma"};

            in->op = OP_UNIMPL;
            if (k != 1 && f2 == 0)
                tprint(t, "%s%s f%u=f%u,f%u", k ? "fpnmpy" : "fpmpy", sfn[sf], f1, f3, f4);
            else
                tprint(t, "%s%s f%u=f%u,f%u,f%u", pn[k], sfn[sf], f1, f3, f4, f2);
            return;
        }
        in->op = ops[k];
        in->c1 = dbl ? 2 : xa ? 1 : 0;
        pc = dbl ? ".d" : xa ? ".s" : "";
        if (k == 0 && f2 == 0 && f4 == 1)
            tprint(t, "fnorm%s%s f%u=f%u", pc, sfn[sf], f1, f3);
        else if (k < 2 && f4 == 1)
            tprint(t, "%s%s%s f%u=f%u,f%u", k ? "fsub" : "fadd", pc, sfn[sf], f1, f3, f2);
        else if (k != 1 && f2 == 0)
            tprint(t, "%s%s%s f%u=f%u,f%u", k ? "fnmpy" : "fmpy", pc, sfn[sf], f1, f3, f4);
        else
            tprint(t, "%s%s%s f%u=f%u,f%u,f%u", base[k], pc, sfn[sf], f1, f3, f4, f2);
        return;
    }
    if (op == 0xe) {
        if (!xa) {
            in->op = OP_FSELECT;
            tprint(t, "fselect f%u=f%u,f%u,f%u", f1, f3, f4, f2);
            return;
        }
        {
            unsigned x2 = F(x, 34, 2);
            static const char *xn[4] = {"l", 0, "hu", "h"};

            if (!xn[x2])
                goto bad;
            in->op = OP_XMA;
            in->c1 = x2;
            if (f2 == 0)
                tprint(t, "xmpy.%s f%u=f%u,f%u", xn[x2], f1, f3, f4);
            else
                tprint(t, "xma.%s f%u=f%u,f%u,f%u", xn[x2], f1, f3, f4, f2);
            return;
        }
    }
    if (op == 4) {
        unsigned ra = F(x, 33, 1), rb = F(x, 36, 1), ta = F(x, 12, 1);
        static const char *rn[4] = {"eq", "lt", "le", "unord"};
        static const unsigned rr[4] = {REL_EQ, REL_LT, REL_LE, REL_UNORD};

        in->op = OP_FCMP;
        in->p1 = F(x, 6, 6);
        in->p2 = F(x, 27, 6);
        in->c1 = rr[ra << 1 | rb];
        in->flags = ta ? FL_UNC : 0;
        tprint(t, "fcmp.%s%s%s p%u,p%u=f%u,f%u", rn[ra << 1 | rb], ta ? ".unc" : "",
               sfn[sf], in->p1, in->p2, f2, f3);
        return;
    }
    if (op == 5) {
        unsigned fc;

        in->op = OP_FCLASS;
        in->p1 = F(x, 6, 6);
        in->p2 = F(x, 27, 6);
        /* fclass9 = fclass7c (bits 20-26) : fc2 (bits 33-34) */
        fc = F(x, 20, 7) << 2 | F(x, 33, 2);
        in->imm = fc;
        in->flags = F(x, 12, 1) ? FL_UNC : 0;
        tprint(t, "fclass.m%s p%u,p%u=f%u,0x%x", F(x, 12, 1) ? ".unc" : "", in->p1, in->p2,
               f2, fc);
        return;
    }
    if (op == 0 || op == 1) {
        unsigned xb = F(x, 33, 1), x6 = F(x, 27, 6);

        if (op == 1)
            goto bad; /* parallel FP */
        if (xb) {
            in->p2 = F(x, 27, 6);
            if (!F(x, 36, 1)) {
                in->op = OP_FRCPA;
                tprint(t, "frcpa%s f%u,p%u=f%u,f%u", sfn[sf], f1, in->p2, f2, f3);
            } else {
                in->op = OP_FRSQRTA;
                tprint(t, "frsqrta%s f%u,p%u=f%u", sfn[sf], f1, in->p2, f3);
            }
            return;
        }
        switch (x6) {
        case 0x00:
        case 0x01:
            in->op = x6 ? OP_NOP : OP_BREAK;
            in->imm = (int64_t)((uint64_t)F(x, 36, 1) << 20 | F(x, 6, 20));
            if (x6 && F(x, 26, 1))
                tprint(t, "hint.f 0x%llx", (unsigned long long)in->imm);
            else
                tprint(t, "%s.f 0x%llx", x6 ? "nop" : "break", (unsigned long long)in->imm);
            return;
        case 0x04:
            in->op = OP_FSETC;
            in->imm = F(x, 13, 7) | F(x, 20, 7) << 7; /* amask7, omask7 */
            tprint(t, "fsetc%s 0x%x,0x%x", sfn[sf], F(x, 13, 7), F(x, 20, 7));
            return;
        case 0x05:
            in->op = OP_FCLRF;
            tprint(t, "fclrf%s", sfn[sf]);
            return;
        case 0x08:
            in->op = OP_FCHKF;
            in->imm =
                (int64_t)(ip +
                          (uint64_t)(sext((uint64_t)F(x, 36, 1) << 20 | F(x, 6, 20), 21) *
                                     16));
            tprint(t, "fchkf%s %llx", sfn[sf], (unsigned long long)in->imm);
            return;
        case 0x10:
            in->op = OP_FMERGE_S;
            if (f2 == 0)
                tprint(t, "fabs f%u=f%u", f1, f3);
            else if (f2 == f3)
                tprint(t, "mov f%u=f%u", f1, f3);
            else
                tprint(t, "fmerge.s f%u=f%u,f%u", f1, f2, f3);
            return;
        case 0x11:
            in->op = OP_FMERGE_NS;
            if (f2 == 0)
                tprint(t, "fnegabs f%u=f%u", f1, f3);
            else if (f2 == f3)
                tprint(t, "fneg f%u=f%u", f1, f3);
            else
                tprint(t, "fmerge.ns f%u=f%u,f%u", f1, f2, f3);
            return;
        case 0x12:
            in->op = OP_FMERGE_SE;
            tprint(t, "fmerge.se f%u=f%u,f%u", f1, f2, f3);
            return;
        case 0x14:
            in->op = OP_FMIN;
            tprint(t, "fmin%s f%u=f%u,f%u", sfn[sf], f1, f2, f3);
            return;
        case 0x15:
            in->op = OP_FMAX;
            tprint(t, "fmax%s f%u=f%u,f%u", sfn[sf], f1, f2, f3);
            return;
        case 0x16:
            in->op = OP_FAMIN;
            tprint(t, "famin%s f%u=f%u,f%u", sfn[sf], f1, f2, f3);
            return;
        case 0x17:
            in->op = OP_FAMAX;
            tprint(t, "famax%s f%u=f%u,f%u", sfn[sf], f1, f2, f3);
            return;
        case 0x18:
        case 0x19:
        case 0x1a:
        case 0x1b:
            in->op = OP_FCVT_FX;
            in->c1 = x6 & 3; /* bit0 unsigned, bit1 trunc */
            tprint(t, "fcvt.fx%s%s%s f%u=f%u", x6 & 1 ? "u" : "", x6 & 2 ? ".trunc" : "",
                   sfn[sf], f1, f2);
            return;
        case 0x1c:
            in->op = OP_FCVT_XF;
            tprint(t, "fcvt.xf f%u=f%u", f1, f2);
            return;
        case 0x2c:
            in->op = OP_FAND;
            tprint(t, "fand f%u=f%u,f%u", f1, f2, f3);
            return;
        case 0x2d:
            in->op = OP_FANDCM;
            tprint(t, "fandcm f%u=f%u,f%u", f1, f2, f3);
            return;
        case 0x2e:
            in->op = OP_FOR;
            tprint(t, "for f%u=f%u,f%u", f1, f2, f3);
            return;
        case 0x2f:
            in->op = OP_FXOR;
            tprint(t, "fxor f%u=f%u,f%u", f1, f2, f3);
            return;
        case 0x39:
            in->op = OP_FMIX_LR;
            tprint(t, "fmix.lr f%u=f%u,f%u", f1, f2, f3);
            return;
        case 0x3a:
            in->op = OP_FMIX_R;
            tprint(t, "fmix.r f%u=f%u,f%u", f1, f2, f3);
            return;
        case 0x3b:
            in->op = OP_FMIX_L;
            tprint(t, "fmix.l f%u=f%u,f%u", f1, f2, f3);
            return;
        case 0x3c:
            in->op = OP_FSXT_R;
            tprint(t, "fsxt.r f%u=f%u,f%u", f1, f2, f3);
            return;
        case 0x3d:
            in->op = OP_FSXT_L;
            tprint(t, "fsxt.l f%u=f%u,f%u", f1, f2, f3);
            return;
        }
    }
bad:
    unimpl(in, t, "F", x);
}

/* The L slot (41 bits) and the X slot together. */
void decode_lx(uint64_t l, uint64_t x, uint64_t ip, struct insn *in, char *t)
{
    unsigned op = F(x, 37, 4);

    in->qp = F(x, 0, 6);
    switch (op) {
    case 0: {
        unsigned x3 = F(x, 33, 3), x6 = F(x, 27, 6);
        uint64_t imm = l << 21 | (uint64_t)F(x, 36, 1) << 20 | F(x, 6, 20);

        if (x3 != 0 || x6 > 1)
            break;
        in->op = x6 ? OP_NOP : OP_BREAK;
        in->imm = (int64_t)imm;
        if (x6 && F(x, 26, 1))
            tprint(t, "hint.x 0x%llx", (unsigned long long)imm);
        else
            tprint(t, "%s.x 0x%llx", x6 ? "nop" : "break", (unsigned long long)imm);
        return;
    }
    case 6: {
        uint64_t imm = (uint64_t)F(x, 36, 1) << 63 | l << 22 | (uint64_t)F(x, 21, 1) << 21 |
                       (uint64_t)F(x, 22, 5) << 16 | (uint64_t)F(x, 27, 9) << 7 |
                       F(x, 13, 7);

        if (F(x, 20, 1))
            break;
        in->op = OP_MOVL;
        in->r1 = F(x, 6, 7);
        in->imm = (int64_t)imm;
        tprint(t, "movl r%u=0x%llx", in->r1, (unsigned long long)imm);
        return;
    }
    case 0xc:
    case 0xd: {
        uint64_t imm60 = (uint64_t)F(x, 36, 1) << 59 | (l >> 2) << 20 | F(x, 13, 20);
        uint64_t tgt = ip + (uint64_t)(sext(imm60, 60) * 16);
        unsigned p = F(x, 12, 1), d = F(x, 35, 1);
        const char *ph = p ? ".many" : ".few", *dh = d ? ".clr" : "";

        in->imm = (int64_t)tgt;
        if (op == 0xc) {
            unsigned wh = F(x, 33, 2), bt = F(x, 6, 3);

            if (bt != 0)
                break;
            in->op = OP_BRL;
            if (in->qp == 0 && wh == 0)
                tprint(t, "brl%s%s %llx", ph, dh, (unsigned long long)tgt);
            else
                tprint(t, "brl.cond%s%s%s %llx", wh_a[wh], ph, dh, (unsigned long long)tgt);
        } else {
            unsigned wh = F(x, 33, 2);

            in->op = OP_BRL_CALL;
            in->r1 = F(x, 6, 3);
            tprint(t, "brl.call%s%s%s b%u=%llx", wh_a[wh], ph, dh, in->r1,
                   (unsigned long long)tgt);
        }
        return;
    }
    }
    unimpl(in, t, "X", x);
}

static const char *tnames[32] = {"MII", "MII", "MII", "MII", "MLX", "MLX", 0,     0,
                                 "MMI", "MMI", "MMI", "MMI", "MFI", "MFI", "MMF", "MMF",
                                 "MIB", "MIB", "MBB", "MBB", 0,     0,     "BBB", "BBB",
                                 "MMB", "MMB", 0,     0,     "MFB", "MFB", 0,     0};

const char *tmpl_name(unsigned t)
{
    return tnames[t & 31] ? tnames[t & 31] : "???";
}

/* Units of the three slots; returns the stop mask, or -1 if reserved. */
int tmpl_units(unsigned t, enum unit u[3])
{
    const char *n = tnames[t & 31];
    int stop = 0;

    if (!n)
        return -1;
    for (int i = 0; i < 3; i++)
        u[i] = n[i] == 'M'   ? U_M
               : n[i] == 'I' ? U_I
               : n[i] == 'F' ? U_F
               : n[i] == 'B' ? U_B
               : n[i] == 'L' ? U_L
                             : U_X;
    if (t & 1)
        stop |= 4;
    if (t == 2 || t == 3)
        stop |= 2; /* MI;;I */
    if (t == 0xa || t == 0xb)
        stop |= 1; /* M;;MI */
    return stop;
}

int writes_r1(unsigned op)
{
    switch (op) {
    case OP_CMP:
    case OP_TBIT:
    case OP_TNAT:
    case OP_MOV_TO_BR:
    case OP_MOV_TO_PR:
    case OP_MOV_TO_PR_ROT:
    case OP_MOV_TO_AR:
    case OP_MOV_TO_ARI:
    case OP_CHK_S:
        return 0;
    }
    if (op >= OP_ADD && op <= OP_MOV_FROM_AR)
        return 1;
    switch (op) {
    case OP_LD:
    case OP_GETF:
    case OP_CMPXCHG:
    case OP_XCHG:
    case OP_FETCHADD:
    case OP_ALLOC:
    case OP_MOV_FROM_CR:
    case OP_MOV_FROM_PSR:
    case OP_MOV_FROM_PSRUM:
    case OP_MOV_FROM_IND:
    case OP_THASH:
    case OP_TTAG:
    case OP_TPA:
    case OP_TAK:
    case OP_MOVL:
        return 1;
    case OP_PROBE:
        return 1;
    }
    return 0;
}

void decode_bundle(const uint8_t *p, uint64_t ip, struct bundle *b, char text[3][128])
{
    uint64_t lo, hi, s[3];
    enum unit u[3];
    int stop;

    memcpy(&lo, p, 8);
    memcpy(&hi, p + 8, 8);
    s[0] = (lo >> 5) & ((1ull << 41) - 1);
    s[1] = ((lo >> 46) | (hi << 18)) & ((1ull << 41) - 1);
    s[2] = hi >> 23;
    memset(b->s, 0, sizeof(b->s));
    b->tmpl = lo & 31;
    stop = tmpl_units(b->tmpl, u);
    if (stop < 0) {
        b->nslots = 1;
        b->stop = 1;
        b->s[0].op = OP_ILLEGAL;
        if (text)
            snprintf(text[0], 128, "<reserved template 0x%x>", b->tmpl);
        return;
    }
    b->stop = (uint8_t)stop;
    b->ngroups = (uint8_t)__builtin_popcount((unsigned)stop);
    b->nslots = u[1] == U_L ? 2 : 3;
    for (int i = 0; i < 3; i++) {
        struct insn *in = &b->s[i];
        char *t = text ? text[i] : NULL;

        if (t)
            t[0] = 0;
        if (u[i] == U_L) {
            decode_lx(s[1], s[2], ip, in, t);
            if (stop & 4)
                b->stop = (b->stop & ~4) | 2;
            break;
        }
        in->qp = s[i] & 63;
        switch (u[i]) {
        case U_M:
            decode_m(s[i], ip, in, t);
            break;
        case U_I:
            decode_i(s[i], ip, in, t);
            break;
        case U_F:
            decode_f(s[i], ip, in, t);
            break;
        case U_B:
            decode_b(s[i], ip, in, t);
            break;
        default:
            break;
        }
    }
    /* r0 as a destination (or as a post-incremented base) is an illegal
     * operation; catching it here keeps the executor's fast paths simple */
    for (int i = 0; i < b->nslots; i++) {
        struct insn *in = &b->s[i];

        if ((in->op < OP_COUNT && writes_r1(in->op) && in->r1 == 0) ||
            ((in->op == OP_LD || in->op == OP_ST || in->op == OP_LDF || in->op == OP_STF ||
              in->op == OP_LDFP || in->op == OP_LFETCH) &&
             (in->flags & INC_MASK) && in->r3 == 0))
            in->op = OP_ILLEGAL;
    }
    if (text) {
        for (int i = 0; i < b->nslots; i++) {
            char tmp[128];

            unsigned qp = b->s[i].qp;

            if (b->s[i].op == OP_BR_WTOP || b->s[i].op == OP_BR_WEXIT)
                qp = b->s[i].p1;
            if (qp) {
                snprintf(tmp, sizeof(tmp), "(p%02u) %s", qp, text[i]);
                memcpy(text[i], tmp, 128);
            }
            if (b->stop & (1 << i))
                strncat(text[i], ";;", 127 - strlen(text[i]));
        }
    }
}

const char *ar_name(unsigned n, char *buf)
{
    static const char *names[128] = {
        [0] = "ar.k0",    [1] = "ar.k1",     [2] = "ar.k2",        [3] = "ar.k3",
        [4] = "ar.k4",    [5] = "ar.k5",     [6] = "ar.k6",        [7] = "ar.k7",
        [16] = "ar.rsc",  [17] = "ar.bsp",   [18] = "ar.bspstore", [19] = "ar.rnat",
        [21] = "ar.fcr",  [24] = "ar.eflag", [25] = "ar.csd",      [26] = "ar.ssd",
        [27] = "ar.cflg", [28] = "ar.fsr",   [29] = "ar.fir",      [30] = "ar.fdr",
        [32] = "ar.ccv",  [36] = "ar.unat",  [40] = "ar.fpsr",     [44] = "ar.itc",
        [45] = "ar.ruc",  [64] = "ar.pfs",   [65] = "ar.lc",       [66] = "ar.ec"};

    if (n < 128 && names[n])
        return names[n];
    snprintf(buf, 16, "ar%u", n);
    return buf;
}

const char *cr_name(unsigned n, char *buf)
{
    static const char *names[128] = {
        [0] = "cr.dcr",   [1] = "cr.itm",   [2] = "cr.iva",   [8] = "cr.pta",
        [9] = "cr.gpta",  [16] = "cr.ipsr", [17] = "cr.isr",  [19] = "cr.iip",
        [20] = "cr.ifa",  [21] = "cr.itir", [22] = "cr.iipa", [23] = "cr.ifs",
        [24] = "cr.iim",  [25] = "cr.iha",  [64] = "cr.lid",  [65] = "cr.ivr",
        [66] = "cr.tpr",  [67] = "cr.eoi",  [68] = "cr.irr0", [69] = "cr.irr1",
        [70] = "cr.irr2", [71] = "cr.irr3", [72] = "cr.itv",  [73] = "cr.pmv",
        [74] = "cr.cmcv", [80] = "cr.lrr0", [81] = "cr.lrr1"};

    if (n < 128 && names[n])
        return names[n];
    snprintf(buf, 16, "cr%u", n);
    return buf;
}
