/* SPDX-License-Identifier: MIT */
/*
 * e500 bring-up: map CCSR, start the console, read the device tree and
 * report the `boot` scenario.  The full backend replaces the report with a
 * call to core_main() once the HAL functions in hal_stubs.c are real.
 */
#include <hal/cpu.h>
#include <hal/drivers/fdt.h>

#include "ppc.h"

/* The DTB sits in the first 64 MiB mapped at entry; never read past it. */
#define BOOT_MAP_END 0x04000000u

HAL_NORETURN void ppc_boot(const void *dtb);

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

HAL_NORETURN void ppc_boot(const void *dtb)
{
    if (!ppc_map_ccsr())
        hal_cpu_halt(); /* no console without CCSR: the runner's timeout reports it */
    ppc_console_init();
    ppc_puts("\nHestia 0.1.0 on ppc (e500v2, QEMU ppce500): bring-up stub\n");

    unsigned passed = 0, failed = 0;
    struct fdt fdt;
    struct hal_mem_region ram[HAL_MAX_RAM_REGIONS];
    int nr = -1;
    uintptr_t at = (uintptr_t)dtb;
    if (at && at < BOOT_MAP_END && fdt_init(&fdt, dtb, BOOT_MAP_END - at) == 0)
        nr = fdt_memory(&fdt, ram, HAL_MAX_RAM_REGIONS);
    uint64_t total = 0;
    for (int i = 0; i < nr; i++)
        total += ram[i].size;
    /*
     * "boot.fail" on the command line makes the report fail on purpose: the
     * negative control of the test harness (a FAIL must fail the run and
     * leave through the failure exit channel).
     */
    bool forced_fail = nr > 0 && has_word(fdt_bootargs(&fdt), "boot.fail");
    if (nr > 0 && total > 0 && !forced_fail) {
        ppc_puts("device tree: ");
        ppc_putu64(total >> 20);
        ppc_puts(" MiB of RAM in ");
        ppc_putu64((uint64_t)nr);
        ppc_puts(" region(s), bootargs \"");
        ppc_puts(fdt_bootargs(&fdt));
        ppc_puts("\"\nTEST boot PASS\n");
        passed++;
    } else {
        ppc_puts(forced_fail ? "TEST boot FAIL forced by boot.fail\n"
                             : "TEST boot FAIL no memory found in the device tree (r3)\n");
        failed++;
    }
    ppc_puts("HESTIA DONE ");
    ppc_putu64(passed);
    ppc_puts(" ");
    ppc_putu64(failed);
    ppc_puts("\n");
    hal_platform_exit(failed ? 1 : 0);
}
