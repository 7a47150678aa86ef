/* SPDX-License-Identifier: MIT */
/* setjmp/longjmp-like control transfer out of deep recursion: on IA-64 this
 * uses flushrs, ar.bsp/ar.bspstore/ar.rnat and loadrs (crt0.S). */
#include "tlib.h"

static tjmp_buf env;
static int depth_reached;

static long dive(int n, long acc)
{
    long local = acc * 3 + n;

    if (n < -100)
        return 0;
    if (n == 0) {
        depth_reached++;
        tlongjmp(env, (int)(local & 0x7fff) | 1);
    }
    return dive(n - 1, local) + local;
}

static int nested(int k)
{
    tjmp_buf inner;
    volatile int v = k * 11;
    int r = tsetjmp(inner);

    if (r == 0) {
        v += 5;
        if (k > 0)
            return nested(k - 1) + v;
        return v;
    }
    return -1;
}

int main(void)
{
    volatile long sum = 0;
    volatile int round = 0;
    int r;

    r = tsetjmp(env);
    tprintf("setjmp returned %d round %d\n", r, round);
    if (round < 6) {
        round++;
        sum += r;
        dive(round * 200, round);
    }
    tprintf("sum %ld depth %d\n", sum, depth_reached);
    tprintf("nested %d\n", nested(40));
    return 0;
}
