/* SPDX-License-Identifier: MIT */
/* Bit fields, structs, unions, struct copies and arrays of structs. */
#include "tlib.h"

struct bf {
    unsigned a : 3;
    signed b : 5;
    unsigned c : 12;
    signed d : 20;
    unsigned long e : 40;
    unsigned f : 1;
};

union pun {
    uint64_t u;
    uint32_t w[2];
    uint16_t h[4];
    uint8_t b[8];
    double d;
};

struct rec {
    char name[13];
    short s;
    int i;
    long l;
    struct bf bits;
    union pun p;
};

static struct rec table[7];

static struct rec make(int k)
{
    struct rec r;

    tmemset(&r, 0, sizeof(r));
    for (int i = 0; i < 12; i++)
        r.name[i] = (char)('a' + (k * 3 + i) % 26);
    r.s = (short)(k * -1234);
    r.i = k * 100003;
    r.l = (long)k * -7000000001L;
    r.bits.a = (unsigned)k;
    r.bits.b = -k;
    r.bits.c = (unsigned)k * 511;
    r.bits.d = k * -40000;
    r.bits.e = (unsigned long)k * 0x123456789UL;
    r.bits.f = (unsigned)k & 1;
    r.p.u = 0x0102030405060708UL * (uint64_t)(k + 1);
    return r;
}

static void show(const struct rec *r)
{
    tprintf("%s s=%d i=%d l=%ld a=%u b=%d c=%u d=%d e=%lx f=%u w=%x,%x h=%x b=%x\n",
            r->name, r->s, r->i, r->l, r->bits.a, r->bits.b, r->bits.c, r->bits.d,
            (unsigned long)r->bits.e, r->bits.f, r->p.w[0], r->p.w[1], r->p.h[3],
            r->p.b[5]);
}

int main(void)
{
    for (int k = 0; k < 7; k++)
        table[k] = make(k);
    for (int k = 0; k < 7; k++)
        show(&table[k]);
    /* modify bit fields in place, with carries */
    for (int k = 0; k < 7; k++) {
        table[k].bits.a += 5;
        table[k].bits.b -= 9;
        table[k].bits.c ^= 0xfff;
        table[k].bits.d += 300000;
        table[k].bits.e = ~table[k].bits.e;
        table[k].bits.f = !table[k].bits.f;
        table[k].p.b[k] = 0xee;
    }
    struct rec copy = table[3];

    table[3] = table[5];
    table[5] = copy;
    for (int k = 0; k < 7; k++)
        show(&table[k]);
    union pun u;

    u.d = 1.5;
    tprintf("double bits %lx sizeof rec %u bf %u\n", (unsigned long)u.u,
            (unsigned)sizeof(struct rec), (unsigned)sizeof(struct bf));
    return 0;
}
