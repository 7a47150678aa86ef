/* SPDX-License-Identifier: MIT */
/* Host side of the test runtime: the reference output. */
#include "tlib.h"
#include <stdio.h>

void tputc(int c)
{
    putchar(c);
}
