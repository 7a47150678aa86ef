/* SPDX-License-Identifier: MIT */
/* Host side of the test runtime: the reference output. */
#include <stdio.h>
#include "tlib.h"

void tputc(int c)
{
	putchar(c);
}
