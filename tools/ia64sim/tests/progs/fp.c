/* SPDX-License-Identifier: MIT */
/* The floating-point subset gcc uses: int<->double conversion, multiply,
 * divide (frcpa sequences), compares. Printed as integers. */
#include "tlib.h"

static volatile double dv[] = {1.0, -2.5, 3.75, 1e10, -1e-3, 123456.789, 0.1, 7.0};
static volatile float fv[] = {1.0f, -2.5f, 3.75f, 1e5f, 0.125f, 3.0f};

static volatile double sp[] = {0.0, -0.0, 1.0, -1.5, 1e300, -1e-300, 4294967295.0, 123.75};

static void specials(void)
{
    volatile double zero = 0.0;
    double inf = 1.0 / zero, nan = zero / zero;

    tprintf("inf %d %d %d nan %d %d %d %d\n", inf > 1e308, -inf < -1e308, inf == inf,
            nan == nan, nan != nan, nan < 1.0, nan >= 1.0);
    for (unsigned i = 0; i < 8; i++) {
        double d = sp[i];
        float f = (float)d;
        int cls = (d == 0) + 2 * (d < 0) + 4 * (d != d) + 8 * (__builtin_fabs(d) > 1e10);

        tprintf("sp %u cls %d neg %d u %lu i %ld f %d s %d\n", i, cls,
                __builtin_signbit(d) != 0, d >= 0 && d < 1e19 ? (unsigned long)d : 0UL,
                d > -1e18 && d < 1e18 ? (long)d : 0L,
                f == f && __builtin_fabs(f) < 1e9f ? (int)f : -1, (d > 1.0) - (d < 1.0));
    }
    for (long v = -3; v <= 3; v++) {
        double d = (double)v * 0.75;

        tprintf("round %ld %ld %ld %lu\n", v, (long)d, (long)(d * 2.0),
                (unsigned long)(d * d));
    }
}

int main(void)
{
    specials();
    for (unsigned i = 0; i < 8; i++)
        for (unsigned j = 0; j < 8; j++) {
            double a = dv[i], b = dv[j];
            double q = a / b, p = a * b, s = a + b;

            tprintf("%u %u %ld %ld %ld %d\n", i, j, (long)(q * 1000000.0),
                    (long)(p * 1000.0), (long)(s * 1000.0), (a < b) + 2 * (a == b));
        }
    for (unsigned i = 0; i < 6; i++)
        for (unsigned j = 0; j < 6; j++) {
            float a = fv[i], b = fv[j];

            float q = a / b * 10000.0f, p = a * b * 100.0f;

            tprintf("f %d %d\n", q < 1e9f && q > -1e9f ? (int)q : -1,
                    p < 1e9f ? (int)p : -1);
        }
    long acc = 0;

    for (long k = 1; k < 2000; k += 37) {
        double x = (double)k;

        acc += (long)(x / 3.0 * 7.0) + (long)((unsigned long)k * 1.5);
    }
    tprintf("acc %ld\n", acc);
    /* extended precision (long double is the 80-bit format on both) */
    volatile long double x = 1.0L, y = 3.0L;

    for (int k = 0; k < 6; k++) {
        long double q = x / y;
        volatile long double p = q * y; /* no fused multiply-subtract */

        tprintf("ld %ld %ld\n", (long)(q * 1e12L), (long)((p - x) * 1e18L));
        x = x * 10.0L + 1.0L;
        y = y + 0.5L;
    }
    return 0;
}
