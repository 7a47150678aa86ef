/* SPDX-License-Identifier: MIT */
/* Multimedia (parallel integer) instructions: A9 padd/psub/pavg/pcmp and the
 * I-unit mix/unpack/pack/pmpy/pshift/pmin/pmax/psad forms.  gcc -O3 emits
 * some of them when it vectorizes loops. */
#include <string.h>

#include "ia64sim.h"

#define F(x, lo, n) ((unsigned)(((x) >> (lo)) & ((1ull << (n)) - 1)))

enum {
    MM_PADD,
    MM_PSUB,
    MM_PAVG,
    MM_PAVGSUB,
    MM_PCMPEQ,
    MM_PCMPGT,
    MM_MIXL,
    MM_MIXR,
    MM_UNPH,
    MM_UNPL,
    MM_PACKSSS,
    MM_PACKUSS,
    MM_PMINU,
    MM_PMAXU,
    MM_PMIN,
    MM_PMAX,
    MM_PSAD,
    MM_PMPYSHR,
    MM_PMPYSHRU,
    MM_PMPYL,
    MM_PMPYR,
    MM_PSHR,
    MM_PSHRU,
    MM_PSHL,
    MM_MPYSHL4
};

static unsigned esz(unsigned za, unsigned zb)
{
    return za ? (zb ? 8 : 4) : (zb ? 2 : 1);
}

/* A9: opcode 8, x2a = 1 */
int decode_mm_a(uint64_t x, struct insn *in, char *t)
{
    unsigned za = F(x, 36, 1), zb = F(x, 33, 1), x4 = F(x, 29, 4), x2b = F(x, 27, 2);
    unsigned r1 = F(x, 6, 7), r2 = F(x, 13, 7), r3 = F(x, 20, 7), sz = esz(za, zb);
    static const char *sat[4] = {"", ".sss", ".uuu", ".uus"};

    if (sz == 8)
        return 0;
    in->op = OP_MM;
    in->r1 = r1;
    in->r2 = r2;
    in->r3 = r3;
    in->sz = (uint8_t)sz;
    in->c2 = x2b;
    switch (x4) {
    case 0:
    case 1:
        if (sz == 4 && x2b)
            return 0;
        in->c1 = x4 ? MM_PSUB : MM_PADD;
        tprint(t, "p%s%u%s r%u=r%u,r%u", x4 ? "sub" : "add", sz, sat[x2b], r1, r2, r3);
        return 1;
    case 2:
    case 3:
        if (sz == 4 || x2b < 2 || (x4 == 3 && x2b != 2))
            return 0;
        in->c1 = x4 == 2 ? MM_PAVG : MM_PAVGSUB;
        tprint(t, "%s%u%s r%u=r%u,r%u", x4 == 2 ? "pavg" : "pavgsub", sz,
               x2b == 3 ? ".raz" : "", r1, r2, r3);
        return 1;
    case 9:
        if (x2b > 1)
            return 0;
        in->c1 = x2b ? MM_PCMPGT : MM_PCMPEQ;
        tprint(t, "pcmp%u.%s r%u=r%u,r%u", sz, x2b ? "gt" : "eq", r1, r2, r3);
        return 1;
    }
    return 0;
}

/* I-unit opcode 7 forms other than the plain shifts, mux, popcnt, clz. */
int decode_mm_i(uint64_t x, struct insn *in, char *t)
{
    unsigned za = F(x, 36, 1), zb = F(x, 33, 1), x2a = F(x, 34, 2), x2b = F(x, 28, 2),
             x2c = F(x, 30, 2);
    unsigned r1 = F(x, 6, 7), r2 = F(x, 13, 7), r3 = F(x, 20, 7), sz = esz(za, zb);
    static const char *n2[4][4] = {/* x2a == 2: [x2b][x2c] */
                                   {"pack%u.uss", "unpack%u.h", "mix%u.r", 0},
                                   {"pmin%u.u", "pmax%u.u", 0, "pmpy%u.r"},
                                   {"pack%u.sss", "unpack%u.l", "mix%u.l", 0},
                                   {"pmin%u", "pmax%u", "psad%u", "pmpy%u.l"}};
    static const unsigned c2[4][4] = {{MM_PACKUSS, MM_UNPH, MM_MIXR, 0},
                                      {MM_PMINU, MM_PMAXU, 0, MM_PMPYR},
                                      {MM_PACKSSS, MM_UNPL, MM_MIXL, 0},
                                      {MM_PMIN, MM_PMAX, MM_PSAD, MM_PMPYL}};
    char name[24];

    in->op = OP_MM;
    in->r1 = r1;
    in->r2 = r2;
    in->r3 = r3;
    in->sz = (uint8_t)sz;
    if (x2a == 2) {
        const char *n = n2[x2b][x2c];
        unsigned psz = sz;

        if (!n || sz == 8)
            return 0;
        in->c1 = (uint8_t)c2[x2b][x2c];
        if (in->c1 == MM_PACKUSS || in->c1 == MM_PACKSSS) {
            if ((in->c1 == MM_PACKUSS && sz != 2) || sz == 1)
                return 0;
        }
        if ((in->c1 == MM_PMINU || in->c1 == MM_PMAXU || in->c1 == MM_PSAD) && sz != 1)
            return 0;
        if ((in->c1 == MM_PMIN || in->c1 == MM_PMAX || in->c1 == MM_PMPYL ||
             in->c1 == MM_PMPYR) &&
            sz != 2)
            return 0;
        snprintf(name, sizeof(name), n, psz);
        tprint(t, "%s r%u=r%u,r%u", name, r1, r2, r3);
        return 1;
    }
    if (x2a == 0 && (x2b == 1 || x2b == 3) && za == 0 && zb == 1) {
        static const unsigned cnt[4] = {0, 7, 15, 16};

        in->c1 = x2b == 3 ? MM_PMPYSHR : MM_PMPYSHRU;
        in->imm = cnt[x2c];
        tprint(t, "pmpyshr2%s r%u=r%u,r%u,%u", x2b == 3 ? "" : ".u", r1, r2, r3, cnt[x2c]);
        return 1;
    }
    if (sz == 8 || sz == 1)
        return 0;
    if (x2a == 0 && x2c == 0 && (x2b == 0 || x2b == 2)) {
        in->c1 = x2b ? MM_PSHR : MM_PSHRU;
        tprint(t, "pshr%u%s r%u=r%u,r%u", sz, x2b ? "" : ".u", r1, r3, r2);
        return 1;
    }
    if (x2a == 1 && x2c == 0 && (x2b == 1 || x2b == 3)) {
        in->c1 = x2b == 3 ? MM_PSHR : MM_PSHRU;
        in->flags = FL_IMM;
        in->imm = F(x, 14, 5);
        tprint(t, "pshr%u%s r%u=r%u,%u", sz, x2b == 3 ? "" : ".u", r1, r3, F(x, 14, 5));
        return 1;
    }
    if (x2a == 0 && x2b == 0 && x2c == 1) {
        in->c1 = MM_PSHL;
        tprint(t, "pshl%u r%u=r%u,r%u", sz, r1, r2, r3);
        return 1;
    }
    if (x2a == 3 && x2b == 1 && x2c == 1) {
        in->c1 = MM_PSHL;
        in->flags = FL_IMM;
        in->imm = 31 - F(x, 20, 5);
        tprint(t, "pshl%u r%u=r%u,%u", sz, r1, r2, 31 - F(x, 20, 5));
        return 1;
    }
    if (sz == 4 && x2a == 0 && x2b == 3 && x2c == 3) {
        in->c1 = MM_MPYSHL4;
        tprint(t, "mpyshl4 r%u=r%u,r%u", r1, r2, r3);
        return 1;
    }
    return 0;
}

static int64_t get_s(uint64_t v, unsigned i, unsigned sz)
{
    unsigned sh = 64 - sz * 8;

    return (int64_t)(v >> (i * sz * 8) << sh) >> sh;
}

static uint64_t get_u(uint64_t v, unsigned i, unsigned sz)
{
    return sz == 8 ? v : (v >> (i * sz * 8)) & ((1ull << (sz * 8)) - 1);
}

static uint64_t put(uint64_t r, unsigned i, unsigned sz, uint64_t e)
{
    uint64_t m = sz == 8 ? ~0ull : (1ull << (sz * 8)) - 1;

    return (r & ~(m << (i * sz * 8))) | ((e & m) << (i * sz * 8));
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

uint64_t exec_mm(const struct insn *in, uint64_t a, uint64_t b)
{
    unsigned sz = in->sz, n = 8 / sz, bits = sz * 8;
    int64_t smax = (int64_t)((1ull << (bits - 1)) - 1), smin = -smax - 1;
    int64_t umax = (int64_t)((1ull << bits) - 1);
    uint64_t r = 0;

    switch (in->c1) {
    case MM_PADD:
    case MM_PSUB:
        for (unsigned i = 0; i < n; i++) {
            int64_t x, y, v;

            if (in->c2 == 0 || in->c2 == 1) {
                x = get_s(a, i, sz);
                y = get_s(b, i, sz);
            } else {
                x = (int64_t)get_u(a, i, sz);
                y = in->c2 == 2 ? (int64_t)get_u(b, i, sz) : get_s(b, i, sz);
            }
            v = in->c1 == MM_PADD ? x + y : x - y;
            if (in->c2 == 1)
                v = clamp(v, smin, smax);
            else if (in->c2 >= 2)
                v = clamp(v, 0, umax);
            r = put(r, i, sz, (uint64_t)v);
        }
        return r;
    case MM_PAVG:
    case MM_PAVGSUB:
        for (unsigned i = 0; i < n; i++) {
            uint64_t x = get_u(a, i, sz), y = get_u(b, i, sz);
            int64_t v = in->c1 == MM_PAVG ? (int64_t)((x + y + 1) >> 1)
                                          : ((int64_t)x - (int64_t)y) >> 1;

            r = put(r, i, sz, (uint64_t)v);
        }
        return r;
    case MM_PCMPEQ:
    case MM_PCMPGT:
        for (unsigned i = 0; i < n; i++) {
            int t = in->c1 == MM_PCMPEQ ? get_u(a, i, sz) == get_u(b, i, sz)
                                        : get_s(a, i, sz) > get_s(b, i, sz);

            r = put(r, i, sz, t ? ~0ull : 0);
        }
        return r;
    case MM_MIXL:
    case MM_MIXR: {
        unsigned o = in->c1 == MM_MIXL;

        for (unsigned i = 0; i < n / 2; i++) {
            r = put(r, 2 * i + 1, sz, get_u(a, 2 * i + o, sz));
            r = put(r, 2 * i, sz, get_u(b, 2 * i + o, sz));
        }
        return r;
    }
    case MM_UNPH:
    case MM_UNPL: {
        unsigned base = in->c1 == MM_UNPH ? n / 2 : 0;

        for (unsigned i = 0; i < n / 2; i++) {
            r = put(r, 2 * i + 1, sz, get_u(a, base + i, sz));
            r = put(r, 2 * i, sz, get_u(b, base + i, sz));
        }
        return r;
    }
    case MM_PACKSSS:
    case MM_PACKUSS: {
        unsigned hs = sz / 2, hb = hs * 8;
        int64_t lo = in->c1 == MM_PACKSSS ? -(1ll << (hb - 1)) : 0;
        int64_t hi = in->c1 == MM_PACKSSS ? (1ll << (hb - 1)) - 1 : (1ll << hb) - 1;

        for (unsigned i = 0; i < n; i++) {
            r = put(r, i, hs, (uint64_t)clamp(get_s(b, i, sz), lo, hi));
            r = put(r, n + i, hs, (uint64_t)clamp(get_s(a, i, sz), lo, hi));
        }
        return r;
    }
    case MM_PMINU:
    case MM_PMAXU:
    case MM_PMIN:
    case MM_PMAX:
        for (unsigned i = 0; i < n; i++) {
            int sgn = in->c1 == MM_PMIN || in->c1 == MM_PMAX;
            int64_t x = sgn ? get_s(a, i, sz) : (int64_t)get_u(a, i, sz);
            int64_t y = sgn ? get_s(b, i, sz) : (int64_t)get_u(b, i, sz);
            int mn = in->c1 == MM_PMINU || in->c1 == MM_PMIN;

            r = put(r, i, sz, (uint64_t)(mn ? (x < y ? x : y) : (x > y ? x : y)));
        }
        return r;
    case MM_PSAD:
        for (unsigned i = 0; i < 8; i++) {
            int64_t d = (int64_t)get_u(a, i, 1) - (int64_t)get_u(b, i, 1);

            r += (uint64_t)(d < 0 ? -d : d);
        }
        return r;
    case MM_PMPYSHR:
    case MM_PMPYSHRU:
        for (unsigned i = 0; i < 4; i++) {
            int64_t p = in->c1 == MM_PMPYSHR ? get_s(a, i, 2) * get_s(b, i, 2)
                                             : (int64_t)(get_u(a, i, 2) * get_u(b, i, 2));

            r = put(r, i, 2, (uint64_t)(p >> in->imm));
        }
        return r;
    case MM_PMPYL:
    case MM_PMPYR: {
        unsigned o = in->c1 == MM_PMPYL;

        r = put(r, 0, 4, (uint64_t)(get_s(a, o, 2) * get_s(b, o, 2)));
        r = put(r, 1, 4, (uint64_t)(get_s(a, 2 + o, 2) * get_s(b, 2 + o, 2)));
        return r;
    }
    case MM_PSHR:
    case MM_PSHRU:
    case MM_PSHL: {
        /* a = value (r3 for shifts right, r2 for left), b = count */
        uint64_t cnt = b;

        for (unsigned i = 0; i < n; i++) {
            uint64_t v;

            if (in->c1 == MM_PSHL)
                v = cnt >= bits ? 0 : get_u(a, i, sz) << cnt;
            else if (in->c1 == MM_PSHRU)
                v = cnt >= bits ? 0 : get_u(a, i, sz) >> cnt;
            else
                v = (uint64_t)(get_s(a, i, sz) >> (cnt >= bits ? bits - 1 : cnt));
            r = put(r, i, sz, v);
        }
        return r;
    }
    case MM_MPYSHL4:
        return (uint64_t)((uint32_t)get_u(a, 0, 4) * (uint64_t)get_u(b, 1, 2)) << 16;
    }
    return 0;
}

/* Operands in the order exec_mm expects them. */
void mm_operands(const struct insn *in, unsigned *ra, unsigned *rb, int *imm)
{
    *imm = 0;
    switch (in->c1) {
    case MM_PSHR:
    case MM_PSHRU:
        *ra = in->r3;
        *rb = in->r2;
        *imm = (in->flags & FL_IMM) != 0;
        return;
    case MM_PSHL:
        *ra = in->r2;
        *rb = in->r3;
        *imm = (in->flags & FL_IMM) != 0;
        return;
    default:
        *ra = in->r2;
        *rb = in->r3;
    }
}
