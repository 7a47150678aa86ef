/* SPDX-License-Identifier: MIT */
/*
 * core_main: from the arch's boot info to dom0 running.
 */
#include <core/console.h>
#include <core/domain.h>
#include <core/mm.h>
#include <core/run.h>
#include <core/sched.h>
#include <core/version.h>
#include <hal/cpu.h>
#include <hal/vcpu.h>

static void banner(const struct hal_boot_info *bi)
{
    core_printf("Hestia %s on %s\n", HESTIA_VERSION_STRING, bi->platform ? bi->platform : "?");
    if (bi->cmdline && bi->cmdline[0])
        core_printf("  command line: %s\n", bi->cmdline);
    for (unsigned i = 0; i < bi->nr_ram_total && i < HAL_MAX_RAM_REGIONS; i++) {
        const struct hal_mem_region *r = &bi->ram_total[i];
        core_printf("  RAM %016llx-%016llx %llu KiB\n", (unsigned long long)r->base,
                    (unsigned long long)(r->base + r->size - 1),
                    (unsigned long long)(r->size >> 10));
    }
    for (unsigned i = 0; i < bi->nr_modules && i < HAL_MAX_MODULES; i++) {
        const struct hal_boot_module *m = &bi->modules[i];
        core_printf("  module %u at %016llx, %llu bytes: %s\n", i, (unsigned long long)m->base,
                    (unsigned long long)m->size, m->cmdline ? m->cmdline : "");
    }
}

HAL_NORETURN void core_main(const struct hal_boot_info *bi)
{
    console_init();
    run_init();
    domain_init_all();
    banner(bi);
    mm_init(bi);
    core_printf("  %lu of %lu frames free, %u CPU(s)\n", mm_free_frames(), mm_total_frames(),
                bi->nr_cpus ? bi->nr_cpus : 1);
    sched_init(bi->nr_cpus ? bi->nr_cpus : 1);
    if (!bi->nr_modules)
        core_panic("no dom0 image: boot module 0 is missing");
    struct domain *dom0;
    int rc = domain_build_dom0(bi, &dom0);
    if (rc)
        core_panic("cannot build dom0 from module 0: error %d", rc);
    core_printf("  dom0: %llu pages\n", (unsigned long long)p2m_nr_pages(dom0));
    domain_unpause(dom0);
    hal_irq_save();
    hal_vcpu_run(core_resume_vcpu());
}
