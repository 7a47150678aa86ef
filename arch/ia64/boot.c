/* SPDX-License-Identifier: MIT */
/*
 * IA-64 bring-up: console through SSC calls, a self-check of the toolchain
 * set-up (gp, inlined 64-bit division), the `boot` scenario's report.  The full
 * backend replaces the report with a call to core_main().
 */
#include <hal/hal.h>

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

/* The bring-up self-check, still the `boot` scenario when no module is given. */
static HAL_NORETURN void boot_selfcheck(const struct ia64sim_boot_table *bt)
{
    ia64_puts("\nHestia 0.1.0 on ia64 (ia64sim): no boot module, toolchain self-check\n");
    unsigned passed = 0, failed = 0;
    bool bt_ok = bt && bt->magic == IA64SIM_BOOT_MAGIC && bt->ram_size;
    const char *cmdline = bt_ok && bt->cmdline ? (const char *)ia64_phys(bt->cmdline) : "";
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

static char cmdline_buf[1024], module_cmdlines[HAL_MAX_MODULES][256];
static struct hal_boot_info boot_info;

void ia64_time_init(void);

/*
 * The runner passes each module's command line as a `module=<words joined
 * by +>` word of the hypervisor command line, in module order (ia64sim's
 * boot table only has file names).  They are removed from the hypervisor's
 * own command line.
 */
static void split_cmdline(const char *src, struct hal_boot_info *bi)
{
    unsigned out = 0, mod = 0;
    while (*src) {
        while (*src == ' ')
            src++;
        const char *w = src;
        while (*src && *src != ' ')
            src++;
        unsigned len = (unsigned)(src - w);
        if (len > 7 && w[0] == 'm' && w[1] == 'o' && w[2] == 'd' && w[3] == 'u' && w[4] == 'l' &&
            w[5] == 'e' && w[6] == '=') {
            if (mod < HAL_MAX_MODULES) {
                unsigned i;
                for (i = 0; i < len - 7 && i < sizeof(module_cmdlines[0]) - 1; i++)
                    module_cmdlines[mod][i] = w[7 + i] == '+' ? ' ' : w[7 + i];
                module_cmdlines[mod][i] = 0;
                mod++;
            }
            continue;
        }
        if (len && out + len + 2 < sizeof(cmdline_buf)) {
            if (out)
                cmdline_buf[out++] = ' ';
            for (unsigned i = 0; i < len; i++)
                cmdline_buf[out++] = w[i];
        }
    }
    cmdline_buf[out] = 0;
    bi->cmdline = cmdline_buf;
}

HAL_NORETURN void ia64_boot(const struct ia64sim_boot_table *bt)
{
    if (!bt || bt->magic != IA64SIM_BOOT_MAGIC || !bt->nr_modules)
        boot_selfcheck(bt);
    struct hal_boot_info *bi = &boot_info;
    bi->platform = "ia64sim";
    split_cmdline(bt->cmdline ? (const char *)ia64_phys(bt->cmdline) : "", bi);
    uint64_t free = (bt->first_free + HAL_PAGE_SIZE - 1) & ~(uint64_t)(HAL_PAGE_SIZE - 1);
    bi->nr_ram = 1;
    bi->ram[0].base = free;
    bi->ram[0].size = bt->ram_size - free;
    bi->nr_ram_total = 1;
    bi->ram_total[0].base = 0;
    bi->ram_total[0].size = bt->ram_size;
    for (unsigned i = 0; i < bt->nr_modules && i < HAL_MAX_MODULES; i++) {
        bi->modules[i].base = bt->modules[i].base;
        bi->modules[i].size = bt->modules[i].size;
        bi->modules[i].cmdline = module_cmdlines[i][0] ? module_cmdlines[i] : bt->modules[i].name;
        bi->nr_modules++;
    }
    bi->nr_cpus = 1;
    ia64_time_init();
    core_main(bi);
}

unsigned hal_elf_machine(void)
{
    return 50; /* EM_IA_64 */
}
