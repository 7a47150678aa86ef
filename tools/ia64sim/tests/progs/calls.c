/* SPDX-License-Identifier: MIT */
/* Function pointers, varargs, deep and mutual recursion that overflows the
 * 96 physical stacked registers many times over. */
#include "tlib.h"

static long sum_va(int n, ...)
{
    va_list ap;
    long s = 0;

    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        if (i % 3 == 2)
            s += (long)va_arg(ap, char *)[0];
        else if (i % 2)
            s += va_arg(ap, long) * 3;
        else
            s += va_arg(ap, int);
    }
    va_end(ap);
    return s;
}

static int is_odd(unsigned n);

static int is_even(unsigned n)
{
    return n == 0 ? 1 : is_odd(n - 1);
}

static int is_odd(unsigned n)
{
    return n == 0 ? 0 : is_even(n - 1);
}

/* many live locals per frame: large register frames */
static long deep(int n, long a, long b, long c, long d, long e, long f)
{
    long x1 = a * 3 + n, x2 = b ^ n, x3 = c + d, x4 = e - f, x5 = a + f, x6 = n * n;

    if (n == 0)
        return a + b + c + d + e + f;
    long r = deep(n - 1, x2, x3, x4, x5, x6, x1);

    return r + x1 - x2 + (x3 ^ x4) + x5 * 2 - x6;
}

static long ack(long m, long n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

typedef long (*binop)(long, long);

static long op_add(long a, long b)
{
    return a + b;
}
static long op_sub(long a, long b)
{
    return a - b;
}
static long op_mul(long a, long b)
{
    return a * b;
}
static long op_div(long a, long b)
{
    return b ? a / b : 0;
}
static long op_max(long a, long b)
{
    return a > b ? a : b;
}

static const binop ops[] = {op_add, op_sub, op_mul, op_div, op_max};

static void isort(long *v, int n, int (*cmp)(long, long))
{
    for (int i = 1; i < n; i++) {
        long x = v[i];
        int j = i - 1;

        while (j >= 0 && cmp(v[j], x) > 0) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

static int up(long a, long b)
{
    return a < b ? -1 : a > b;
}
static int down(long a, long b)
{
    return up(b, a);
}

static long fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
    long v[12];

    tprintf("va %ld %ld\n", sum_va(5, 1, 2L, "A", 4, 5L),
            sum_va(9, -1, -2L, "z", 7, 8L, "q", 9, 10L, "!"));
    tprintf("even %d %d %d\n", is_even(10000), is_even(7777), is_odd(12345));
    tprintf("deep %ld %ld\n", deep(3000, 1, 2, 3, 4, 5, 6), deep(50, -1, 7, 0, 3, 99, 1));
    tprintf("ack %ld %ld\n", ack(2, 300), ack(3, 5));
    tprintf("fib %ld\n", fib(24));
    for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        tprintf("op%u %ld %ld\n", i, ops[i](1000, 7), ops[(i + 2) % 5](-99, 4));
    for (int i = 0; i < 12; i++)
        v[i] = (i * 7919) % 23 - 11;
    isort(v, 12, up);
    for (int i = 0; i < 12; i++)
        tprintf("%ld ", v[i]);
    tprintf("\n");
    isort(v, 12, down);
    for (int i = 0; i < 12; i++)
        tprintf("%ld ", v[i]);
    tprintf("\n");
    return 0;
}
