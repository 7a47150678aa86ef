/* SPDX-License-Identifier: MIT */
/*
 * IA-64 boot: read ia64sim's boot table (r28: RAM, command line, modules)
 * into struct hal_boot_info and enter core_main(), which also handles a
 * boot without modules (its HAL self-check, the `boot` scenario's report).
 */
#include <hal/hal.h>

#include <ia64/arch.h>

HAL_NORETURN void ia64_boot(const struct ia64sim_boot_table *bt);

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
        if (len > 7 && w[0] == 'm' && w[1] == 'o' && w[2] == 'd' && w[3] == 'u' &&
            w[4] == 'l' && w[5] == 'e' && w[6] == '=') {
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
    ia64_cpu_init(0); /* the boot CPU; everything after may ask hal_this_cpu() */
    if (!bt || bt->magic != IA64SIM_BOOT_MAGIC || !bt->ram_size)
        core_panic("ia64: no ia64sim boot table at r28 (%p)", (const void *)bt);
    struct hal_boot_info *bi = &boot_info;
    bi->platform = "ia64sim";
    split_cmdline(bt->cmdline ? (const char *)ia64_phys(bt->cmdline) : "", bi);
    uint64_t free = (bt->first_free + HAL_PAGE_SIZE - 1) & ~(uint64_t)(HAL_PAGE_SIZE - 1);
    bi->nr_ram = 1;
    bi->ram[0].base = paddr(free);
    bi->ram[0].size = bt->ram_size - free;
    bi->nr_ram_total = 1;
    bi->ram_total[0].base = paddr(0);
    bi->ram_total[0].size = bt->ram_size;
    for (unsigned i = 0; i < bt->nr_modules && i < HAL_MAX_MODULES; i++) {
        bi->modules[i].base = paddr(bt->modules[i].base);
        bi->modules[i].size = bt->modules[i].size;
        bi->modules[i].cmdline =
            module_cmdlines[i][0] ? module_cmdlines[i] : bt->modules[i].name;
        bi->nr_modules++;
    }
    bi->nr_cpus = ia64_smp_init(bt);
    ia64_pirq_init(bt);
    ia64_time_init();
    core_main(bi);
}

unsigned hal_elf_machine(void)
{
    return 50; /* EM_IA_64 */
}
