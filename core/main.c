/* SPDX-License-Identifier: MIT */
/*
 * core_main: from the arch's boot info to dom0 running.
 */
#include <core/console.h>
#include <core/cpu.h>
#include <core/domain.h>
#include <core/hal_conformance.h>
#include <core/mm.h>
#include <core/physdev.h>
#include <core/pirq.h>
#include <core/pvmmu.h>
#include <core/run.h>
#include <core/sched.h>
#include <core/sched_trace.h>
#include <core/smp.h>
#include <core/timer.h>
#include <core/version.h>
#include <hal/cpu.h>
#include <hal/mmu.h>
#include <hal/timer.h>
#include <hal/vcpu.h>

static void banner(const struct hal_boot_info *bi)
{
    core_printf("Hestia %s on %s\n", HESTIA_VERSION_STRING,
                bi->platform ? bi->platform : "?");
    if (bi->cmdline && bi->cmdline[0])
        core_printf("  command line: %s\n", bi->cmdline);
    for (unsigned i = 0; i < bi->nr_ram_total && i < HAL_MAX_RAM_REGIONS; i++) {
        const struct hal_mem_region *r = &bi->ram_total[i];
        core_printf("  RAM %016llx-%016llx %llu KiB\n",
                    (unsigned long long)paddr_val(r->base),
                    (unsigned long long)(paddr_val(r->base) + r->size - 1),
                    (unsigned long long)(r->size >> 10));
    }
    for (unsigned i = 0; i < bi->nr_modules && i < HAL_MAX_MODULES; i++) {
        const struct hal_boot_module *m = &bi->modules[i];
        core_printf("  module %u at %016llx, %llu bytes: %s\n", i,
                    (unsigned long long)paddr_val(m->base), (unsigned long long)m->size,
                    m->cmdline ? m->cmdline : "");
    }
}

/*
 * Booted without a dom0 image: check that the arch's HAL works end to end
 * (time runs, a domain with a real address space can be built, mapped,
 * looked up and torn down without losing a frame) and report it as the
 * "boot" test, so every arch has a first scenario before it runs guests.
 * Returns NULL on success, else what failed.
 */
static const char *boot_selftest(void)
{
    const char *smp_err = smp_selftest();
    if (smp_err)
        return smp_err;
    uint64_t t0 = hal_time_ns();
    unsigned long spins = 0;
    while (hal_time_ns() == t0 && ++spins < 10000000ul)
        ;
    if (hal_time_ns() <= t0)
        return "time does not advance";
    unsigned long free_before = mm_free_frames();
    if (!free_before)
        return "no free memory";
    struct domain *d;
    if (domain_create(16, 1, false, &d))
        return "domain_create failed";
    const char *err = NULL;
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    mfn_t want = p2m_lookup(d, gfn(3)), got = MFN_INVALID;
    unsigned perms = 0;
    static const char pattern[] = "hestia boot";
    if (pvmmu_map_initial(d, l.virt_base, MMU_PERM_READ | MMU_PERM_WRITE))
        err = "cannot map guest memory";
    else if (hal_as_lookup(pvmmu_kernel_space(d),
                           guest_va_add(l.virt_base, 3 * HAL_PAGE_SIZE), &got, &perms) ||
             !mfn_eq(got, want) || !(perms & MMU_PERM_WRITE))
        err = "guest mapping lookup wrong";
    else if (gfn_copy_to(d, gfn(3), 16, pattern, sizeof(pattern)) ||
             memcmp((char *)hal_frame_to_virt(got) + 16, pattern, sizeof(pattern)))
        err = "guest frame not reachable";
    domain_destroy(d);
    if (!err && mm_free_frames() != free_before)
        err = "frames lost by domain teardown";
    return err;
}

HAL_NORETURN void core_main(const struct hal_boot_info *bi)
{
    console_init();
    run_init();
    domain_init_all();
    banner(bi);
    mm_init(bi);
    physdev_init(bi);
    pirq_init();
    unsigned nr_cpus = smp_start_cpus(bi->nr_cpus ? bi->nr_cpus : 1);
    smp_check_all_ran(cmdline_has_word(bi->cmdline, "smp.all-ran"));
    SCHED_TRACE_CMDLINE(bi->cmdline);
    core_printf("  %lu of %lu frames free, %u CPU(s)\n", mm_free_frames(),
                mm_total_frames(), nr_cpus);
    sched_init(nr_cpus);
    timer_init_cpus();
    /* The HAL conformance suite instead of guests (scenario hal-conformance). */
    if (cmdline_has_word(bi->cmdline, "selftest=hal"))
        hal_conformance_boot(bi);
    if (!bi->nr_modules) {
        const char *err = boot_selftest();
        /* "boot.fail": the runner's negative control (a FAIL must fail the run). */
        if (!err && cmdline_has_word(bi->cmdline, "boot.fail"))
            err = "forced by boot.fail";
        if (err)
            core_printf("TEST boot FAIL %s\n", err);
        else
            core_printf("TEST boot PASS no dom0 image; HAL self-check done on %u CPU(s)\n",
                        cpu_count());
        console_report_done(err ? 0 : 1, err ? 1 : 0);
    }
    struct domain *dom0;
    int rc = domain_build_dom0(bi, &dom0);
    if (rc)
        core_panic("cannot build dom0 from module 0: error %d", rc);
    core_printf("  dom0: %llu pages\n", (unsigned long long)p2m_nr_pages(dom0));
    domain_unpause(dom0);
    smp_release_cpus();
    hal_irq_save();
    hal_vcpu_run(core_resume_vcpu());
}
