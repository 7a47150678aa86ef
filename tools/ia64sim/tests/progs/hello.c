/* SPDX-License-Identifier: MIT */
#include "tlib.h"

int main(void)
{
    tprintf("hello from ia64: %d %s %lx\n", 42, "ok", 0xdeadbeefcafeUL);
    return 0;
}
