/* SPDX-License-Identifier: MIT */
/* Decoder for the A-unit instructions (integer ALU, add immediate, compares),
 * which can sit in M and I slots. */
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

/* A-unit: opcodes 8, 9, 0xc, 0xd, 0xe (shared by M and I slots). */
void decode_a(uint64_t x, uint64_t ip, struct insn *in, char *t)
{
    unsigned op = F(x, 37, 4);
    unsigned r1 = F(x, 6, 7), r2 = F(x, 13, 7), r3 = F(x, 20, 7);
    static const char *lname[] = {"and", "andcm", "or", "xor"};

    (void)ip;
    in->r1 = r1;
    in->r2 = r2;
    in->r3 = r3;
    if (op == 8) {
        unsigned x2a = F(x, 34, 2), ve = F(x, 33, 1), x4 = F(x, 29, 4), x2b = F(x, 27, 2);

        if (x2a == 1 && decode_mm_a(x, in, t))
            return;
        if (ve)
            goto bad;
        if (x2a == 2 || x2a == 3) {
            int64_t imm =
                sext((uint64_t)F(x, 36, 1) << 13 | F(x, 27, 6) << 7 | F(x, 13, 7), 14);

            in->imm = imm;
            in->op = x2a == 2 ? OP_ADDI : OP_ADDP4I;
            if (x2a == 2 && imm == 0)
                tprint(t, "mov r%u=r%u", r1, r3);
            else
                tprint(t, "%s r%u=%lld,r%u", x2a == 2 ? "adds" : "addp4", r1,
                       (long long)imm, r3);
            return;
        }
        if (x2a != 0)
            goto bad;
        {
            int64_t imm8 = sext((uint64_t)F(x, 36, 1) << 7 | F(x, 13, 7), 8);

            switch (x4) {
            case 0:
                if (x2b > 1)
                    goto bad;
                in->op = x2b ? OP_ADD1 : OP_ADD;
                tprint(t, x2b ? "add r%u=r%u,r%u,1" : "add r%u=r%u,r%u", r1, r2, r3);
                return;
            case 1:
                if (x2b > 1)
                    goto bad;
                in->op = x2b ? OP_SUB : OP_SUB1;
                tprint(t, x2b ? "sub r%u=r%u,r%u" : "sub r%u=r%u,r%u,1", r1, r2, r3);
                return;
            case 2:
                if (x2b)
                    goto bad;
                in->op = OP_ADDP4;
                tprint(t, "addp4 r%u=r%u,r%u", r1, r2, r3);
                return;
            case 3:
                in->op = OP_AND + x2b;
                tprint(t, "%s r%u=r%u,r%u", lname[x2b], r1, r2, r3);
                return;
            case 4:
            case 6:
                in->op = x4 == 4 ? OP_SHLADD : OP_SHLADDP4;
                in->c1 = x2b + 1;
                tprint(t, "%s r%u=r%u,%u,r%u", x4 == 4 ? "shladd" : "shladdp4", r1, r2,
                       x2b + 1, r3);
                return;
            case 9:
                if (x2b != 1)
                    goto bad;
                in->op = OP_SUBI;
                in->imm = imm8;
                tprint(t, "sub r%u=%lld,r%u", r1, (long long)imm8, r3);
                return;
            case 0xb:
                in->op = OP_ANDI + x2b;
                in->imm = imm8;
                tprint(t, "%s r%u=%lld,r%u", lname[x2b], r1, (long long)imm8, r3);
                return;
            }
        }
        goto bad;
    }
    if (op == 9) {
        int64_t imm = sext((uint64_t)F(x, 36, 1) << 21 | (uint64_t)F(x, 22, 5) << 16 |
                               F(x, 27, 9) << 7 | F(x, 13, 7),
                           22);

        in->op = OP_ADDI;
        in->r3 = F(x, 20, 2);
        in->imm = imm;
        if (in->r3 == 0)
            tprint(t, "mov r%u=%lld", r1, (long long)imm);
        else
            tprint(t, "addl r%u=%lld,r%u", r1, (long long)imm, in->r3);
        return;
    }
    if (op >= 0xc && op <= 0xe) {
        unsigned x2 = F(x, 34, 2), tb = F(x, 36, 1), ta = F(x, 33, 1), c = F(x, 12, 1);
        unsigned p1 = F(x, 6, 6), p2 = F(x, 27, 6);
        static const unsigned base_rel[3] = {REL_LT, REL_LTU, REL_EQ};
        static const unsigned ctype_t[3] = {CT_AND, CT_OR, CT_ORANDCM};
        static const char *ct_name[] = {"", ".unc", ".and", ".or", ".or.andcm"};
        static const char *rel_name[] = {"eq", "ne", "lt", "le", "gt", "ge", "ltu"};
        unsigned rel, ct;
        int is4 = x2 & 1, imm = x2 >= 2;

        in->op = OP_CMP;
        in->p1 = p1;
        in->p2 = p2;
        in->flags = (is4 ? FL_CMP4 : 0) | (imm ? FL_IMM : 0);
        if (imm) {
            in->imm = sext((uint64_t)tb << 7 | F(x, 13, 7), 8);
            tb = 0;
        }
        if (!tb) {
            if (!ta) {
                rel = base_rel[op - 0xc];
                ct = c ? CT_UNC : CT_NONE;
            } else {
                rel = c ? REL_NE : REL_EQ;
                ct = ctype_t[op - 0xc];
            }
        } else {
            static const unsigned zr[4] = {REL_GT, REL_LE, REL_GE, REL_LT};

            if (r2 != 0)
                goto bad;
            in->flags |= FL_ZERO;
            rel = zr[ta << 1 | c];
            ct = ctype_t[op - 0xc];
        }
        in->c1 = rel;
        in->c2 = ct;
        if (ct == CT_UNC)
            in->flags |= FL_UNC;
        if (imm)
            tprint(t, "cmp%s.%s%s p%u,p%u=%lld,r%u", is4 ? "4" : "", rel_name[rel],
                   ct_name[ct], p1, p2, (long long)in->imm, r3);
        else
            tprint(t, "cmp%s.%s%s p%u,p%u=r%u,r%u", is4 ? "4" : "", rel_name[rel],
                   ct_name[ct], p1, p2, r2, r3);
        return;
    }
bad:
    unimpl(in, t, "A", x);
}
