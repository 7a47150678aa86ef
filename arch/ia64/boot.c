/* SPDX-License-Identifier: MIT */
/*
 * IA-64 bring-up: console through SSC calls, a self-check of the toolchain
 * set-up (gp, inlined 64-bit division), the `boot` scenario's report.  The full
 * backend replaces the report with a call to core_main().
 */
#include <hal/cpu.h>

#include "ia64.h"

HAL_NORETURN void ia64_boot(const struct ia64sim_boot_table *bt);

/* Whether word occurs in the command line s (a whitespace-separated token). */
static bool has_word(const char *s, const char *word)
{
    while (*s) {
        while (*s == ' ')
            s++;
        const char *w = word;
        while (*w && *s == *w)
            s++, w++;
        if (!*w && (*s == ' ' || *s == '\0'))
            return true;
        while (*s && *s != ' ')
            s++;
    }
    return false;
}

extern char __gp[];

/* Kept volatile so the compiler cannot fold the division at build time. */
static volatile uint64_t dividend = 1000000007ull * 977;
static volatile uint64_t divisor = 977;

HAL_NORETURN void ia64_boot(const struct ia64sim_boot_table *bt)
{
    ia64_puts("\nHestia 0.1.0 on ia64 (ia64sim): bring-up stub\n");
    unsigned passed = 0, failed = 0;
    bool bt_ok = bt && bt->magic == IA64SIM_BOOT_MAGIC && bt->ram_size;
    const char *cmdline = bt_ok && bt->cmdline ? (const char *)bt->cmdline : "";
    if (bt_ok) {
        ia64_puts("boot table: ");
        ia64_putu64(bt->ram_size >> 20);
        ia64_puts(" MiB of RAM, ");
        ia64_putu64(bt->nr_modules);
        ia64_puts(" module(s), command line \"");
        ia64_puts(cmdline);
        ia64_puts("\"\n");
    }
    uint64_t gp;
    __asm__ volatile("mov %0 = gp" : "=r"(gp));
    uint64_t q = dividend / divisor; /* inlined frcpa sequence */
    /* "boot.fail": the test harness's negative control (see ci/README.md). */
    bool forced_fail = has_word(cmdline, "boot.fail");
    if (!bt_ok) {
        ia64_puts("TEST boot FAIL no ia64sim boot table at r28\n");
        failed++;
    } else if (forced_fail) {
        ia64_puts("TEST boot FAIL forced by boot.fail\n");
        failed++;
    } else if (gp == (uint64_t)__gp && q == 1000000007ull) {
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
