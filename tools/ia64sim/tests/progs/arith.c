/* SPDX-License-Identifier: MIT */
/* Integer arithmetic on every width: add/sub/mul/div/mod, shifts, compares,
 * conversions.  Inputs go through volatile so nothing is constant-folded. */
#include "tlib.h"

static volatile int64_t vals[] = {0,
                                  1,
                                  -1,
                                  2,
                                  -2,
                                  3,
                                  7,
                                  -7,
                                  100,
                                  -100,
                                  127,
                                  -128,
                                  255,
                                  32767,
                                  -32768,
                                  65535,
                                  0x7fffffff,
                                  -0x7fffffff - 1,
                                  0xffffffffLL,
                                  0x123456789abcdefLL,
                                  -0x123456789abcdefLL,
                                  0x7fffffffffffffffLL,
                                  (int64_t)0x8000000000000001ULL,
                                  1000003,
                                  -999999937,
                                  0x55aa55aa55aa55aaLL};
#define NV (sizeof(vals) / sizeof(vals[0]))

static uint64_t h = 1469598103934665603ULL;

static void mix(uint64_t v)
{
    h = (h ^ v) * 1099511628211ULL;
}

#define OPS(T, name, S)                                                                    \
    static const int is_signed_##name = S;                                                 \
    static void test_##name(void)                                                          \
    {                                                                                      \
        uint64_t h0 = h;                                                                   \
        for (unsigned i = 0; i < NV; i++) {                                                \
            for (unsigned j = 0; j < NV; j++) {                                            \
                T a = (T)vals[i], b = (T)vals[j];                                          \
                mix((uint64_t)(T)(a + b));                                                 \
                mix((uint64_t)(T)(a - b));                                                 \
                mix((uint64_t)(T)(a * b));                                                 \
                mix((uint64_t)(a < b) | (uint64_t)(a <= b) << 1 |                          \
                    (uint64_t)(a == b) << 2 | (uint64_t)(a > b) << 3);                     \
                mix((uint64_t)(T)(a & b) ^ (uint64_t)(T)(a | b) ^ (uint64_t)(T)(a ^ b));   \
                if (b != 0 && !(is_signed_##name && b == (T)-1)) {                         \
                    mix((uint64_t)(T)(a / b));                                             \
                    mix((uint64_t)(T)(a % b));                                             \
                }                                                                          \
                mix((uint64_t)(T)(a << (vals[j] & (sizeof(T) * 8 - 1))));                  \
                mix((uint64_t)(T)(a >> (vals[j] & (sizeof(T) * 8 - 1))));                  \
            }                                                                              \
        }                                                                                  \
        tprintf(#name " %lx\n", (unsigned long)(h ^ h0));                                  \
    }

OPS(int8_t, s8, 1)
OPS(uint8_t, u8, 0)
OPS(int16_t, s16, 1)
OPS(uint16_t, u16, 0)
OPS(int32_t, s32, 1)
OPS(uint32_t, u32, 0)
OPS(int64_t, s64, 1)
OPS(uint64_t, u64, 0)

static void conversions(void)
{
    for (unsigned i = 0; i < NV; i++) {
        int64_t v = vals[i];

        tprintf("conv %ld %d %d %d %u %u %u %lu\n", (long)v, (int)(int8_t)v,
                (int)(int16_t)v, (int)(int32_t)v, (unsigned)(uint8_t)v,
                (unsigned)(uint16_t)v, (unsigned)(uint32_t)v, (unsigned long)(uint64_t)v);
    }
}

static void divisions(void)
{
    static volatile int64_t n[] = {1000000007, -1000000007, 0x7fffffffffffffffLL, 12345,
                                   -1};
    static volatile int64_t d[] = {1, 2, 3, 7, 10, -10, 1000, 65536, 0x100000001LL, -3};

    for (unsigned i = 0; i < sizeof(n) / sizeof(n[0]); i++)
        for (unsigned j = 0; j < sizeof(d) / sizeof(d[0]); j++)
            tprintf("div %ld/%ld = %ld r %ld ; u %lu r %lu ; 32: %d r %d ; u32 %u r %u\n",
                    (long)n[i], (long)d[j], (long)(n[i] / d[j]), (long)(n[i] % d[j]),
                    (unsigned long)((uint64_t)n[i] / (uint64_t)d[j]),
                    (unsigned long)((uint64_t)n[i] % (uint64_t)d[j]),
                    (int)((int32_t)n[i] / (int32_t)(d[j] | 1)),
                    (int)((int32_t)n[i] % (int32_t)(d[j] | 1)),
                    (unsigned)((uint32_t)n[i] / (uint32_t)(d[j] | 1)),
                    (unsigned)((uint32_t)n[i] % (uint32_t)(d[j] | 1)));
}

static uint64_t rotl(uint64_t x, unsigned r)
{
    return (x << r) | (x >> ((64 - r) & 63));
}

static void wide(void)
{
    static volatile uint64_t a[] = {3, 0xffffffffffffffffULL, 0x123456789abcdefULL,
                                    1ULL << 63, 977};

    for (unsigned i = 0; i < 5; i++)
        for (unsigned j = 0; j < 5; j++) {
            unsigned __int128 p = (unsigned __int128)a[i] * a[j];
            __int128 s = (__int128)(int64_t)a[i] * (int64_t)a[j];
            unsigned __int128 q = p / (a[j] | 1);

            tprintf("wide %lx %lx %lx %lx %lx\n", (unsigned long)(p >> 64),
                    (unsigned long)p, (unsigned long)((unsigned __int128)s >> 64),
                    (unsigned long)q, (unsigned long)(p % 1000000007));
        }
}

int main(void)
{
    wide();
    test_s8();
    test_u8();
    test_s16();
    test_u16();
    test_s32();
    test_u32();
    test_s64();
    test_u64();
    conversions();
    divisions();
    for (unsigned r = 0; r < 64; r += 7)
        tprintf("rotl %u %lx\n", r, (unsigned long)rotl((uint64_t)vals[19], r));
    tprintf("arith done %lx\n", (unsigned long)h);
    return 0;
}
