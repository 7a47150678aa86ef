/* SPDX-License-Identifier: MIT */
/*
 * IA-64 bring-up: console through SSC calls, a self-check of the toolchain
 * set-up (gp, inlined 64-bit division), the `boot` scenario's report.  The full
 * backend replaces the report with a call to core_main().
 */
#include <hal/cpu.h>

#include "ia64.h"

HAL_NORETURN void ia64_boot(void);

extern char __gp[];

/* Kept volatile so the compiler cannot fold the division at build time. */
static volatile uint64_t dividend = 1000000007ull * 977;
static volatile uint64_t divisor = 977;

HAL_NORETURN void ia64_boot(void)
{
    ia64_puts("\nHestia 0.1.0 on ia64 (ia64sim): bring-up stub\n");
    unsigned passed = 0, failed = 0;
    uint64_t gp;
    __asm__ volatile("mov %0 = gp" : "=r"(gp));
    uint64_t q = dividend / divisor; /* inlined frcpa sequence */
    if (gp == (uint64_t)__gp && q == 1000000007ull) {
        ia64_puts("gp and 64-bit division ok\nTEST boot PASS\n");
        passed++;
    } else {
        ia64_puts("TEST boot FAIL gp or 64-bit division wrong: quotient ");
        ia64_putu64(q);
        ia64_puts("\n");
        failed++;
    }
    ia64_puts("HESTIA DONE ");
    ia64_putu64(passed);
    ia64_puts(" ");
    ia64_putu64(failed);
    ia64_puts("\n");
    hal_platform_exit(failed ? 1 : 0);
}
