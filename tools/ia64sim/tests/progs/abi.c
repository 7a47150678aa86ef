/* SPDX-License-Identifier: MIT */
/* Calling-convention corners: more than eight arguments (memory stack),
 * mixed integer/FP arguments, structs passed and returned by value, switch
 * jump tables (indirect branches), variable-length arrays. */
#include "tlib.h"

struct pair {
    long a, b;
};
struct big {
    int v[9];
    char tag;
};
struct hfa {
    double x, y, z;
};

static long many(long a, long b, long c, long d, long e, long f, long g, long h, long i,
                 long j, long k, long l)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j +
           11 * k + 12 * l;
}

static double mixed(int a, double b, long c, float d, int e, double f, int g, double h,
                    int i, double j, int k)
{
    return a + b * 2 + (double)c + d * 4 + e + f * 6 + g + h * 8 + i + j * 10 + k;
}

static struct pair swap(struct pair p)
{
    struct pair r = {p.b * 3, p.a - 1};

    return r;
}

static struct big grow(struct big b, int k)
{
    for (int i = 0; i < 9; i++)
        b.v[i] += k * i;
    b.tag = (char)(b.tag + k);
    return b;
}

static struct hfa scale(struct hfa h, double s)
{
    struct hfa r = {h.x * s, h.y * s, h.z * s};

    return r;
}

static int classify(int x)
{
    switch (x) {
    case 0:
        return 11;
    case 1:
        return 23;
    case 2:
        return 37;
    case 3:
        return 41;
    case 4:
        return 59;
    case 5:
        return 61;
    case 6:
        return 73;
    case 7:
        return 89;
    case 8:
        return 97;
    case 9:
        return 101;
    case 10:
        return 113;
    case 12:
        return 127;
    case 15:
        return 131;
    default:
        return -x;
    }
}

static long vla(int n)
{
    long a[n];
    long s = 0;

    for (int i = 0; i < n; i++)
        a[i] = (long)i * i - n;
    for (int i = n - 1; i >= 0; i--)
        s = s * 3 + a[i];
    return s;
}

int main(void)
{
    struct pair p = {5, -9};
    struct big b;
    struct hfa h = {1.5, -2.25, 4.0};
    long sw = 0;

    tprintf("many %ld\n", many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
    tprintf("mixed %ld\n",
            (long)(mixed(1, 2.5, 3, 4.25f, 5, 6.5, 7, 8.5, 9, 10.5, 11) * 100));
    p = swap(swap(p));
    tprintf("pair %ld %ld\n", p.a, p.b);
    for (int i = 0; i < 9; i++)
        b.v[i] = i * 100;
    b.tag = 'a';
    b = grow(grow(b, 3), 4);
    for (int i = 0; i < 9; i++)
        tprintf("%d ", b.v[i]);
    tprintf("%c\n", b.tag);
    h = scale(h, -2.0);
    tprintf("hfa %ld %ld %ld\n", (long)(h.x * 1000), (long)(h.y * 1000),
            (long)(h.z * 1000));
    for (int i = -2; i < 20; i++)
        sw = sw * 7 + classify(i);
    tprintf("switch %ld\n", sw);
    for (int n = 1; n < 40; n += 7)
        tprintf("vla %d %ld\n", n, vla(n));
    return 0;
}
