/* SPDX-License-Identifier: MIT */
/* IA-64 side of the test runtime: Ski SSC calls (crt0.S provides ssc()). */
#include "tlib.h"

long ssc(long a0, long a1, long a2, long a3, long nr);

void tputc(int c)
{
    ssc(c, 0, 0, 0, 31);
}
