/* SPDX-License-Identifier: MIT */
/* core/domain.c, core/run.c and core/domain_build.c. */
#include "elf_image.h"
#include "harness.h"

TEST_SUITE("domain");

TEST_CASE(create_gives_paused_domain_with_memory)
{
    unsigned long before = mm_free_frames();
    struct domain *d = h_domain_raw(32, false);
    CHECK(d->id >= 1);
    CHECK(d->ctl_paused);
    CHECK_EQ(d->nr_vcpus, 1);
    CHECK(d->shared_info != NULL);
    CHECK_EQ(p2m_nr_pages(d), 32);
    CHECK(mm_free_frames() <= before - 32);
    CHECK(domain_lookup(d->id) == d);
    CHECK_EQ(domain_count(), 1);
    CHECK(!vcpu_runnable(d->vcpus[0]));
    CHECK_EQ(d->vcpus[0]->state, VCPU_DOWN);
    CHECK_EQ(d->vcpus[0]->info->evtchn_upcall_mask, 1);
}

TEST_CASE(destroy_returns_every_frame)
{
    unsigned long before = mm_free_frames();
    struct domain *d = h_domain(64, false);
    h_buf(d, 3 * 4096); /* page tables too */
    CHECK(mm_free_frames() < before);
    CHECK_EQ(domain_destroy(d), 0);
    CHECK_EQ(mm_free_frames(), before);
    CHECK_EQ(domain_count(), 0);
}

TEST_CASE(create_rejects_bad_sizes)
{
    struct domain *d = NULL;
    CHECK_EQ(domain_create(0, 1, false, &d), -HESTIA_EINVAL);
    CHECK_EQ(domain_create(DOMCTL_MAX_PAGES + 1, 1, false, &d), -HESTIA_EINVAL);
    CHECK_EQ(domain_create(4, 0, false, &d), -HESTIA_EINVAL);
    CHECK_EQ(domain_create(4, HESTIA_MAX_VCPUS + 1, false, &d), -HESTIA_EINVAL);
    CHECK_EQ(domain_count(), 0);
}

TEST_CASE(create_out_of_memory_leaks_nothing)
{
    unsigned long before = mm_free_frames();
    struct domain *d = NULL;
    CHECK_EQ(domain_create(HOST_RAM_FRAMES + 10, 1, false, &d), -HESTIA_ENOMEM);
    CHECK_EQ(mm_free_frames(), before);
    CHECK_EQ(domain_count(), 0);
}

TEST_CASE(ids_dom0_first_then_lowest_free)
{
    struct domain *a = h_domain_raw(4, false);
    struct domain *z = h_domain_raw(4, true);
    struct domain *b = h_domain_raw(4, false);
    CHECK_EQ(a->id, 1);
    CHECK_EQ(z->id, 0);
    CHECK_EQ(b->id, 2);
    CHECK_EQ(domain_destroy(a), 0);
    struct domain *c = h_domain_raw(4, false);
    CHECK_EQ(c->id, 1); /* reused */
    CHECK(domain_lookup(0) == z);
    CHECK(domain_next(0) == z);
    CHECK(domain_next(2) == b);
    CHECK(domain_next(3) == NULL);
    CHECK(domain_lookup(7) == NULL);
}

TEST_CASE(many_domains_then_all_destroyed)
{
    unsigned long before = mm_free_frames();
    struct domain *ds[40];
    for (unsigned i = 0; i < 40; i++)
        ds[i] = h_domain(8, false);
    CHECK_EQ(domain_count(), 40);
    for (unsigned i = 0; i < 40; i += 2)
        CHECK_EQ(domain_destroy(ds[i]), 0);
    for (unsigned i = 1; i < 40; i += 2)
        CHECK_EQ(domain_destroy(ds[i]), 0);
    CHECK_EQ(domain_count(), 0);
    CHECK_EQ(mm_free_frames(), before);
}

TEST_CASE(pause_unpause_states)
{
    struct domain *d = h_domain(8, false);
    struct vcpu *v = h_vcpu(d);
    CHECK(vcpu_runnable(v));
    CHECK_EQ(domain_unpause(d), -HESTIA_EALREADY);
    CHECK_EQ(domain_pause(d), 0);
    CHECK(!vcpu_runnable(v));
    CHECK_EQ(domain_pause(d), -HESTIA_EALREADY);
    struct domctl_info info;
    domain_getinfo(d, &info);
    CHECK_EQ(info.state, DOMSTATE_paused);
    CHECK_EQ(domain_unpause(d), 0);
    CHECK(vcpu_runnable(v));
    domain_getinfo(d, &info);
    CHECK_EQ(info.state, DOMSTATE_running);
}

TEST_CASE(destroy_while_paused)
{
    unsigned long before = mm_free_frames();
    struct domain *d = h_domain(16, false);
    CHECK_EQ(domain_pause(d), 0);
    CHECK_EQ(domain_destroy(d), 0);
    CHECK_EQ(mm_free_frames(), before);
    CHECK(domain_lookup(1) == NULL);
}

TEST_CASE(destroy_while_current_forgets_it)
{
    struct domain *d = h_domain(16, false);
    run_set_current(h_vcpu(d));
    CHECK(core_current_vcpu() == h_vcpu(d));
    CHECK_EQ(domain_destroy(d), 0);
    CHECK(core_current_vcpu() == NULL);
}

TEST_CASE(shutdown_reason_in_getinfo)
{
    struct domain *d = h_domain(8, false);
    CHECK_EQ(domain_shutdown(d, SHUTDOWN_reboot), 0);
    struct domctl_info info;
    domain_getinfo(d, &info);
    CHECK_EQ(info.state, DOMSTATE_shutdown);
    CHECK_EQ(info.shutdown_reason, SHUTDOWN_reboot);
    CHECK(!vcpu_runnable(h_vcpu(d)));
    CHECK_EQ(domain_shutdown(d, SHUTDOWN_crash), -HESTIA_EALREADY);
    domain_getinfo(d, &info);
    CHECK_EQ(info.shutdown_reason, SHUTDOWN_reboot);
}

TEST_CASE(shutdown_bad_reason)
{
    struct domain *d = h_domain(8, false);
    CHECK_EQ(domain_shutdown(d, SHUTDOWN_MAX + 1), -HESTIA_EINVAL);
    CHECK(!d->is_shutdown);
}

struct shut {
    struct domain *d;
    unsigned reason;
};

static void shut_fn(void *arg)
{
    struct shut *s = arg;
    domain_shutdown(s->d, s->reason);
}

TEST_CASE(dom0_poweroff_exits_zero)
{
    struct shut s = {h_domain(8, true), SHUTDOWN_poweroff};
    CHECK_EQ(h_catch(shut_fn, &s), HOST_JMP_EXIT);
    CHECK_EQ(host_exit_status(), 0);
}

TEST_CASE(dom0_crash_exits_nonzero)
{
    struct shut s = {h_domain(8, true), SHUTDOWN_crash};
    CHECK_EQ(h_catch(shut_fn, &s), HOST_JMP_EXIT);
    CHECK(host_exit_status() != 0);
}

TEST_CASE(getinfo_fields)
{
    struct domain *d = h_domain(24, false);
    struct domctl_info info;
    domain_getinfo(d, &info);
    CHECK_EQ(info.domid, d->id);
    CHECK_EQ(info.nr_pages, 24);
    CHECK_EQ(info.max_pages, 24);
    CHECK_EQ(info.nr_vcpus, 1);
    CHECK_EQ(info.weight, DOMCTL_WEIGHT_DEFAULT);
    CHECK_EQ(info.cap, 0);
    CHECK_EQ(info.flags, 0);
    struct domain *z = h_domain(8, true);
    domain_getinfo(z, &info);
    CHECK_EQ(info.flags, DOMINFO_privileged);
}

TEST_CASE(start_vcpu_twice_refused)
{
    struct domain *d = h_domain_raw(8, false);
    CHECK_EQ(domain_start_vcpu(d, 0, guest_va(0x1000), guest_va(0x2000), guest_va(0x3000)),
             0);
    CHECK_EQ(domain_start_vcpu(d, 0, guest_va(0x1000), guest_va(0x2000), guest_va(0x3000)),
             -HESTIA_EALREADY);
    CHECK_EQ(domain_start_vcpu(d, 1, guest_va(0x1000), guest_va(0x2000), guest_va(0x3000)),
             -HESTIA_EINVAL);
    CHECK(!vcpu_runnable(h_vcpu(d))); /* still paused */
    CHECK_EQ(domain_unpause(d), 0);
    CHECK(vcpu_runnable(h_vcpu(d)));
}

TEST_CASE(blocked_vcpu_kick_makes_runnable)
{
    struct domain *d = h_domain(8, false);
    struct vcpu *v = h_vcpu(d);
    sched_sleep(v);
    v->state = VCPU_BLOCKED;
    CHECK(!vcpu_runnable(v));
    struct domctl_info info;
    domain_getinfo(d, &info);
    CHECK_EQ(info.state, DOMSTATE_blocked);
    vcpu_kick(v);
    CHECK_EQ(v->state, VCPU_RUNNABLE);
    CHECK(vcpu_runnable(v));
}

TEST_CASE(resume_runs_the_runnable_vcpu)
{
    struct domain *d = h_domain(8, false);
    struct vcpu *v = NULL;
    CHECK_EQ(h_resume(&v), HOST_JMP_RUN);
    CHECK(v == h_vcpu(d));
    CHECK(core_current_vcpu() == v);
    CHECK_EQ(v->state, VCPU_RUNNING);
    CHECK_EQ(core_vcpu_hal(v)->regs[HOST_REG_PC], 0x1000);
}

TEST_CASE(resume_idles_when_nothing_runnable)
{
    struct domain *d = h_domain(8, false);
    CHECK_EQ(domain_pause(d), 0);
    struct vcpu *v = (struct vcpu *)1;
    CHECK_EQ(h_resume(&v), HOST_JMP_IDLE);
    CHECK(v == NULL);
    CHECK(core_current_vcpu() == NULL);
}

TEST_CASE(runtime_is_charged)
{
    struct domain *d = h_domain(8, false);
    struct vcpu *v = NULL;
    CHECK_EQ(h_resume(&v), HOST_JMP_RUN);
    REQUIRE(v == h_vcpu(d));
    host_time_advance(1000000);
    /* A quiet exit leaves the stint uncharged, but what is reported has it. */
    CHECK_EQ(h_resume(&v), HOST_JMP_RUN);
    struct domctl_info info;
    domain_getinfo(d, &info);
    CHECK(info.cpu_time_ns >= 1000000);
    /* The full pass (here after a change: a yield) charges it. */
    CHECK_EQ(h_call(v, HYPERCALL_sched_op, SCHEDOP_yield, 0, 0, 0, 0), 0);
    CHECK_EQ(h_resume(&v), HOST_JMP_RUN);
    CHECK(h_vcpu(d)->runtime_ns >= 1000000);
}

TEST_CASE(two_domains_share_the_cpu)
{
    struct domain *a = h_domain(8, false);
    struct domain *b = h_domain(8, false);
    unsigned seen_a = 0, seen_b = 0;
    for (unsigned i = 0; i < 20; i++) {
        struct vcpu *v = NULL;
        REQUIRE(h_resume(&v) == HOST_JMP_RUN);
        if (v == h_vcpu(a))
            seen_a++;
        if (v == h_vcpu(b))
            seen_b++;
        host_time_advance(SCHED_SLICE_NS);
    }
    CHECK(seen_a > 0);
    CHECK(seen_b > 0);
    CHECK_EQ(seen_a + seen_b, 20);
}

/* ---- dom0 from a boot module ---- */

static unsigned char dom0_img[3 * 4096];

static void make_dom0_image(void)
{
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    struct elf_spec s = {
        .is64 = true,
        .machine = (uint16_t)hal_elf_machine(),
        .entry = guest_va_val(l.virt_base) + 0x100000 + 0x10,
        .nsegs = 1,
        .segs = {{1, 0x1000, guest_va_val(l.virt_base) + 0x100000, 0x1000, 0x3000}},
    };
    memset(dom0_img, 0, sizeof(dom0_img));
    elf_build(dom0_img, &s);
    memcpy(dom0_img + 0x1000, "DOM0CODE", 8);
}

TEST_CASE(build_dom0_from_module)
{
    make_dom0_image();
    struct hal_boot_info bi;
    host_boot_info(&bi);
    static const char mod1[] = "module one data";
    REQUIRE(host_boot_add_module(&bi, dom0_img, sizeof(dom0_img), "dom0 quiet") == 0);
    REQUIRE(host_boot_add_module(&bi, mod1, sizeof(mod1), "domu-ping") == 0);
    mm_init(&bi);
    struct domain *d = NULL;
    REQUIRE(domain_build_dom0(&bi, &d) == 0);
    CHECK_EQ(d->id, 0);
    CHECK(d->privileged);
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    struct vcpu *v = h_vcpu(d);
    struct hal_vcpu *hv = core_vcpu_hal(v);
    CHECK_EQ(hv->regs[HOST_REG_PC], guest_va_val(l.virt_base) + 0x100010);
    /* The image is mapped at its link address through virt_base. */
    char code[9] = {0};
    CHECK_EQ(
        hal_copy_from_guest(v, code, guest_va(guest_va_val(l.virt_base) + 0x100000), 8), 0);
    CHECK_STR(code, "DOM0CODE");
    /* BSS is zero. */
    uint64_t bss = 1;
    CHECK_EQ(
        hal_copy_from_guest(v, &bss, guest_va(guest_va_val(l.virt_base) + 0x102000), 8), 0);
    CHECK_EQ(bss, 0);
    /* Start info through the first-argument register. */
    struct hestia_start_info si;
    CHECK_EQ(hal_copy_from_guest(v, &si, guest_va(hv->regs[HOST_REG_ARG0]), sizeof(si)), 0);
    CHECK_EQ(si.magic, HESTIA_START_MAGIC);
    CHECK_EQ(si.abi_version, HESTIA_ABI_VERSION);
    CHECK_EQ(si.nr_pages, p2m_nr_pages(d));
    CHECK_EQ(si.virt_base, guest_va_val(l.virt_base));
    CHECK_EQ(si.shared_info_va, guest_va_val(l.shared_info_va));
    CHECK_EQ(si.flags, SIF_PRIVILEGED | SIF_INITDOMAIN);
    CHECK_EQ(si.domid, 0);
    CHECK_STR(si.cmdline, "dom0 quiet");
    CHECK_EQ(si.nr_modules, 1);
    CHECK_STR(si.modules[0].name, "domu-ping");
    CHECK_EQ(si.modules[0].size, sizeof(mod1));
    CHECK(si.modules[0].gfn >= 0x103); /* after the image */
    CHECK(si.first_free_gfn > si.modules[0].gfn);
    CHECK(si.first_free_gfn < si.nr_pages);
    char m[sizeof(mod1)];
    CHECK_EQ(gfn_copy_from(d, m, gfn(si.modules[0].gfn), 0, sizeof(m)), 0);
    CHECK_STR(m, mod1);
    /* Shared info is mapped and is the domain's page. */
    struct shared_info *shared = NULL;
    mfn_t mfn;
    unsigned perms;
    CHECK_EQ(hal_as_lookup(pvmmu_kernel_space(d), guest_va(guest_va_val(l.shared_info_va)),
                           &mfn, &perms),
             0);
    CHECK_MFN_EQ(mfn, d->shared_info_mfn);
    shared = hal_frame_to_virt(mfn);
    CHECK(shared == d->shared_info);
    /* Stack pointer inside the window, below first_free. */
    CHECK(hv->regs[HOST_REG_SP] > si.virt_base);
    CHECK(hv->regs[HOST_REG_SP] <= si.virt_base + si.first_free_gfn * 4096);
    CHECK(d->ctl_paused);
}

TEST_CASE(build_dom0_rejects_bad_image)
{
    struct hal_boot_info bi;
    host_boot_info(&bi);
    static const char junk[] = "this is not an ELF image at all";
    REQUIRE(host_boot_add_module(&bi, junk, sizeof(junk), "dom0") == 0);
    mm_init(&bi);
    unsigned long before = mm_free_frames();
    struct domain *d = NULL;
    CHECK_EQ(domain_build_dom0(&bi, &d), -HESTIA_EINVAL);
    CHECK_EQ(domain_count(), 0);
    CHECK_EQ(mm_free_frames(), before);
}

TEST_CASE(build_dom0_rejects_segment_outside_window)
{
    make_dom0_image();
    /* Link address below virt_base. */
    struct elf_spec s = {
        .is64 = true,
        .machine = (uint16_t)hal_elf_machine(),
        .entry = 0x1010,
        .nsegs = 1,
        .segs = {{1, 0x1000, 0x1000, 0x1000, 0x1000}},
    };
    memset(dom0_img, 0, sizeof(dom0_img));
    elf_build(dom0_img, &s);
    struct hal_boot_info bi;
    host_boot_info(&bi);
    REQUIRE(host_boot_add_module(&bi, dom0_img, sizeof(dom0_img), "dom0") == 0);
    mm_init(&bi);
    struct domain *d = NULL;
    CHECK_EQ(domain_build_dom0(&bi, &d), -HESTIA_EINVAL);
    CHECK_EQ(domain_count(), 0);
}

TEST_CASE(build_dom0_without_module)
{
    struct hal_boot_info bi;
    host_boot_info(&bi);
    struct domain *d = NULL;
    CHECK_EQ(domain_build_dom0(&bi, &d), -HESTIA_EINVAL);
}

/* "realtime" on the hypervisor command line reaches dom0 and every later domain. */
TEST_CASE(realtime_word_sets_sif_realtime)
{
    make_dom0_image();
    struct hal_boot_info bi;
    host_boot_info(&bi);
    bi.cmdline = "loglevel=1 realtime";
    REQUIRE(host_boot_add_module(&bi, dom0_img, sizeof(dom0_img), "dom0") == 0);
    mm_init(&bi);
    struct domain *d = NULL, *u = NULL;
    REQUIRE(domain_build_dom0(&bi, &d) == 0);
    struct vcpu *v = h_vcpu(d);
    struct hestia_start_info si;
    CHECK_EQ(hal_copy_from_guest(v, &si, guest_va(core_vcpu_hal(v)->regs[HOST_REG_ARG0]),
                                 sizeof(si)),
             0);
    CHECK_EQ(si.flags, SIF_PRIVILEGED | SIF_INITDOMAIN | SIF_REALTIME);
    /* A domU started afterwards gets it too. */
    REQUIRE(domain_create(32, 1, false, &u) == 0);
    struct hal_guest_layout l;
    hal_guest_layout(&l);
    memset(&si, 0, sizeof(si));
    REQUIRE(gfn_copy_to(u, gfn(5), 0, &si, sizeof(si)) == 0);
    REQUIRE(domain_build_start(u, 0, guest_va(guest_va_val(l.virt_base) + 0x100000),
                               guest_va(guest_va_val(l.virt_base) + 8 * 4096),
                               gfn(5)) == 0);
    CHECK_EQ(gfn_copy_from(u, &si, gfn(5), 0, sizeof(si)), 0);
    CHECK_EQ(si.flags, SIF_REALTIME);
    /* Without the word (here: a boot that builds nothing) the flag is off again. */
    host_boot_info(&bi);
    bi.cmdline = "realtimex";
    CHECK_EQ(domain_build_dom0(&bi, &d), -HESTIA_EINVAL);
    struct domain *w = NULL;
    REQUIRE(domain_create(32, 1, false, &w) == 0);
    memset(&si, 0xff, sizeof(si));
    REQUIRE(gfn_copy_to(w, gfn(5), 0, &si, sizeof(si)) == 0);
    REQUIRE(domain_build_start(w, 0, guest_va(guest_va_val(l.virt_base) + 0x100000),
                               guest_va(guest_va_val(l.virt_base) + 8 * 4096),
                               gfn(5)) == 0);
    CHECK_EQ(gfn_copy_from(w, &si, gfn(5), 0, sizeof(si)), 0);
    CHECK_EQ(si.flags, 0);
}

static void main_fn(void *arg)
{
    core_main(arg);
}

TEST_CASE(core_main_boots_dom0)
{
    make_dom0_image();
    static struct hal_boot_info bi;
    host_boot_info(&bi);
    REQUIRE(host_boot_add_module(&bi, dom0_img, sizeof(dom0_img), "dom0") == 0);
    host_console_clear();
    CHECK_EQ(h_catch(main_fn, &bi), HOST_JMP_RUN);
    const char *out = host_console_output();
    CHECK(strstr(out, "Hestia 0.1.0 on host") != NULL);
    CHECK(strstr(out, "RAM ") != NULL);
    CHECK(strstr(out, "frames free") != NULL);
    struct domain *d = domain_lookup(0);
    REQUIRE(d != NULL);
    CHECK(host_last_run() == core_vcpu_hal(h_vcpu(d)));
    CHECK(!d->ctl_paused);
}

/* The boot self-check spins until time moves: let the host clock tick. */
static void tick_then_main(void *arg)
{
    host_time_autostep(1);
    core_main(arg);
}

TEST_CASE(core_main_without_dom0_runs_boot_check)
{
    static struct hal_boot_info bi;
    host_boot_info(&bi);
    host_console_clear();
    CHECK_EQ(h_catch(tick_then_main, &bi), HOST_JMP_EXIT);
    CHECK_EQ(host_exit_status(), 0);
    CHECK(strstr(host_console_output(), "TEST boot PASS") != NULL);
    CHECK(strstr(host_console_output(), "HESTIA DONE 1 0") != NULL);
}

TEST_CASE(resume_arms_timer_for_scheduler)
{
    h_domain(8, false);
    h_domain(8, false);
    struct vcpu *v = NULL;
    CHECK_EQ(h_resume(&v), HOST_JMP_RUN);
    /* Two runnable vCPUs: the scheduler wants control back within a slice. */
    CHECK(host_timer_deadline() != 0);
    CHECK(host_timer_deadline() <= hal_time_ns() + SCHED_ACCOUNT_PERIOD_NS);
}

TEST_CASE(idle_until_guest_timer_wakes_blocked_vcpu)
{
    struct domain *d = h_domain(8, false);
    struct vcpu *v = h_vcpu(d);
    REQUIRE(evtchn_bind_virq_internal(d, VIRQ_TIMER, 0) > 0);
    v->info->evtchn_upcall_mask = 0;
    CHECK_EQ(h_call(v, HYPERCALL_set_timer, 5000000, 0, 0, 0, 0), 0);
    CHECK_EQ(h_call(v, HYPERCALL_sched_op, SCHEDOP_block, 0, 0, 0, 0), 0);
    CHECK_EQ(v->state, VCPU_BLOCKED);
    struct vcpu *next = NULL;
    CHECK_EQ(h_resume(&next), HOST_JMP_RUN);
    CHECK(next == v);
    CHECK(hal_time_ns() >= 5000000);
    CHECK(host_idle_count() >= 1);
    CHECK_EQ(v->info->evtchn_upcall_pending, 1);
}

TEST_CASE(blocked_with_nothing_armed_idles_forever)
{
    struct domain *d = h_domain(8, false);
    struct vcpu *v = h_vcpu(d);
    v->info->evtchn_upcall_mask = 0;
    CHECK_EQ(h_call(v, HYPERCALL_sched_op, SCHEDOP_block, 0, 0, 0, 0), 0);
    CHECK_EQ(h_resume(NULL), HOST_JMP_IDLE);
    CHECK(core_current_vcpu() == NULL);
}

TEST_CASE(timer_interrupt_while_running_fires_guest_timer)
{
    struct domain *d = h_domain(8, false);
    struct vcpu *v = h_vcpu(d);
    REQUIRE(evtchn_bind_virq_internal(d, VIRQ_TIMER, 0) > 0);
    struct vcpu *cur = NULL;
    CHECK_EQ(h_resume(&cur), HOST_JMP_RUN);
    CHECK_EQ(h_call(v, HYPERCALL_set_timer, 1000, 0, 0, 0, 0), 0);
    CHECK_EQ(v->info->evtchn_upcall_pending, 0);
    host_time_advance(2000);
    core_timer_interrupt();
    CHECK_EQ(v->info->evtchn_upcall_pending, 1);
}

/*
 * The roadmap wants a thousand small domains: per-domain hypervisor memory
 * (shared info, console ring, structures, the kernel space's root table)
 * must stay small.  Averaged over many domains so shared slab pages count
 * fairly.
 */
TEST_CASE(per_domain_overhead_is_small)
{
    unsigned long before = mm_free_frames();
    enum { N = 50 };
    for (unsigned i = 0; i < N; i++)
        h_domain_raw(1, false);
    unsigned long used = before - mm_free_frames();
    unsigned long per_domain_kib = (used - N) * 4 / N; /* minus each domain's own page */
    printf("  per-domain hypervisor memory: %lu KiB\n", per_domain_kib);
    CHECK(per_domain_kib <= 20);
}

/*
 * Creation failing at every possible step (memory runs out after k frames)
 * must undo exactly what it did.  Grabs all but k frames, tries, checks.
 */
TEST_CASE(create_failing_at_each_step_leaks_nothing)
{
    static mfn_t hold[HOST_RAM_FRAMES];
    unsigned successes = 0, failures = 0;
    unsigned long n = 0;
    while (mm_free_frames() > 0) {
        mfn_t m = frame_alloc();
        REQUIRE(!mfn_eq(m, MFN_INVALID));
        hold[n++] = m;
    }
    /* k frames free: k = 0, 1, 2, ... until creation succeeds a few times. */
    for (unsigned k = 0; k < 24 && n; k++) {
        unsigned long before = mm_free_frames();
        struct domain *d = NULL;
        int rc = domain_create(1, 2, false, &d);
        if (rc == 0) {
            successes++;
            CHECK_EQ(domain_destroy(d), 0);
        } else {
            failures++;
            CHECK_EQ(rc, -HESTIA_ENOMEM);
        }
        CHECK_EQ(mm_free_frames(), before);
        CHECK_EQ(domain_count(), 0);
        frame_free(hold[--n]);
    }
    while (n)
        frame_free(hold[--n]);
    CHECK(failures > 0);
    CHECK(successes > 0);
}

TEST_CASE(core_main_boot_check_can_fail)
{
    static struct hal_boot_info bi;
    host_boot_info(&bi);
    host_console_clear();
    /* Frozen clock: the check must notice and fail the run. */
    CHECK_EQ(h_catch(main_fn, &bi), HOST_JMP_EXIT);
    CHECK(host_exit_status() != 0);
    CHECK(strstr(host_console_output(), "TEST boot FAIL time does not advance") != NULL);
    CHECK(strstr(host_console_output(), "HESTIA DONE 0 1") != NULL);
}
