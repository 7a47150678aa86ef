/* SPDX-License-Identifier: MIT */
/*
 * Several CPUs in core (core/smp.c, core/hyplock.c, core/domain_ref.c, the
 * scheduler's affinity, hal/lib/pt.c's shootdown), with the host HAL
 * playing the CPUs: an IPI is taken at once by playing its target
 * (arch/host/host_smp.c).
 */
#include <core/cpu.h>
#include <core/domain.h>
#include <core/hyplock.h>
#include <core/mm.h>
#include <core/run.h>
#include <core/sched.h>
#include <core/smp.h>
#include <hal/pt.h>
#include <hestia/domctl.h>
#include <hestia/hestia.h>

#include "harness.h"

TEST_SUITE("smp");

static void cpus(unsigned n)
{
    sched_init(n);
    host_set_cpu(0);
}

TEST_CASE(hypervisor_lock_is_taken_once_per_cpu)
{
    CHECK(!core_lock_held());
    bool outer = core_lock();
    CHECK(outer);
    CHECK(core_lock_held());
    bool inner = core_lock(); /* a nested entry point (a timer interrupt in idle) */
    CHECK(!inner);
    core_unlock(inner);
    CHECK(core_lock_held()); /* only the taker releases */
    core_unlock(outer);
    CHECK(!core_lock_held());
}

static unsigned ran_on = 99;
static void where(void *arg)
{
    (void)arg;
    ran_on = hal_cpu_id();
}

TEST_CASE(core_cpu_call_runs_on_the_target)
{
    cpus(3);
    unsigned long before = host_ipi_count(2);
    core_cpu_call(2, where, NULL);
    CHECK_EQ(ran_on, 2);
    CHECK_EQ(host_ipi_count(2), before + 1);
    CHECK_EQ(hal_cpu_id(), 0);
    core_cpu_call(0, where, NULL); /* the caller itself: no interrupt */
    CHECK_EQ(ran_on, 0);
    core_cpu_call(7, where, NULL); /* not online: nothing */
    CHECK_EQ(ran_on, 0);
}

TEST_CASE(stopping_a_vcpu_of_another_cpu_interrupts_it)
{
    cpus(2);
    struct domain *d = h_domain(16, false);
    struct vcpu *v = h_vcpu(d);
    host_set_cpu(1);
    run_set_current(v);
    host_set_cpu(0);
    unsigned long before = host_ipi_count(1);
    run_vcpu_stopped(v);
    /* CPU 1 was made to leave the guest; it takes v off itself at its next pass. */
    CHECK(host_ipi_count(1) > before);
    CHECK(cpu_by_id(1)->current == v);
    CHECK(cpu_by_id(1)->changed);
    CHECK(v->state != VCPU_RUNNING);
    host_set_cpu(1);
    run_vcpu_stopped(v);
    CHECK(cpu_by_id(1)->current == NULL);
}

/*
 * hal_vcpu_switched_out() names a vCPU each time a CPU stops having it as
 * current, and only then: ia64 writes its kept registers back there, so a
 * missed call lets another CPU enter the vCPU with old registers.
 */
TEST_CASE(the_arch_is_told_when_a_vcpu_leaves_its_cpu)
{
    cpus(2);
    struct vcpu *v = h_vcpu(h_domain(16, false)), *w = h_vcpu(h_domain(16, false));
    host_set_cpu(1);
    run_set_current(v);
    run_set_current(v); /* still v: it did not leave */
    CHECK_EQ(v->hal->switched_out, 0);
    run_set_current(w);
    CHECK_EQ(v->hal->switched_out, 1);
    CHECK_EQ(w->hal->switched_out, 0);
    run_vcpu_stopped(w); /* taken off its own CPU: idle next */
    CHECK_EQ(w->hal->switched_out, 1);
    run_set_current(v);
    host_set_cpu(0);
    run_vcpu_stopped(v); /* CPU 1 still runs v until its next pass */
    CHECK_EQ(v->hal->switched_out, 1);
    host_set_cpu(1);
    run_set_current(NULL);
    CHECK_EQ(v->hal->switched_out, 2);
    host_set_cpu(0);
}

TEST_CASE(destroy_waits_for_the_last_cpu_running_the_domain)
{
    cpus(2);
    unsigned long free0 = mm_free_frames();
    struct domain *d = h_domain(16, false);
    hestia_domid_t id = d->id;
    struct vcpu *v = h_vcpu(d);
    host_set_cpu(1);
    run_set_current(v); /* CPU 1 runs d: a reference */
    CHECK_EQ(d->cpu_refs, 1);
    host_set_cpu(0);
    CHECK_EQ(domain_destroy(d), 0);
    CHECK(domain_lookup(id) == NULL); /* gone for lookups at once */
    CHECK(d->teardown_deferred);      /* but its memory stays while CPU 1 uses it */
    CHECK(mm_free_frames() < free0);
    CHECK(d->vcpus[0] == v && v->hal != NULL);
    host_set_cpu(1);
    run_set_current(NULL); /* CPU 1 switches away: the last reference */
    CHECK_EQ(mm_free_frames(), free0);
    CHECK(cpu_by_id(1)->current == NULL);
}

TEST_CASE(destroy_with_no_cpu_running_it_is_immediate)
{
    cpus(2);
    unsigned long free0 = mm_free_frames();
    struct domain *d = h_domain(16, false);
    CHECK_EQ(d->cpu_refs, 0);
    CHECK_EQ(domain_destroy(d), 0);
    CHECK_EQ(mm_free_frames(), free0);
}

TEST_CASE(affinity_keeps_a_vcpu_to_its_cpus)
{
    cpus(2);
    struct domain *d = h_domain(16, false);
    struct vcpu *v = h_vcpu(d);
    CHECK_EQ(sched_set_affinity(d, SCHED_ALL_VCPUS, 0), -HESTIA_EINVAL);
    CHECK_EQ(sched_set_affinity(d, SCHED_ALL_VCPUS, 1u << 5), -HESTIA_EINVAL); /* offline */
    CHECK_EQ(sched_set_affinity(d, 3, 1), -HESTIA_EINVAL); /* no vCPU 3 */
    CHECK_EQ(sched_set_affinity(d, SCHED_ALL_VCPUS, 1u << 1), 0);
    CHECK_EQ(sched_get_affinity(d, 0), 1u << 1);
    CHECK_EQ(v->processor, 1); /* queued where it may run */
    uint64_t dl;
    host_set_cpu(0);
    CHECK(sched_pick(0, NULL, 1000, &dl) == NULL); /* CPU 0 may not steal it */
    host_set_cpu(1);
    CHECK(sched_pick(1, NULL, 1000, &dl) == v);
    /* Pinned to CPU 0 while CPU 1 runs it: CPU 1's next pick hands it over. */
    CHECK_EQ(sched_set_affinity(d, SCHED_ALL_VCPUS, 1u << 0), 0);
    CHECK(cpu_by_id(1)->changed);
    CHECK(sched_pick(1, v, 2000, &dl) == NULL);
    CHECK_EQ(v->processor, 0);
    host_set_cpu(0);
    CHECK(sched_pick(0, NULL, 3000, &dl) == v);
}

static unsigned flushed_mask;
static void record_flush(struct pt_space *s, pt_va_t va)
{
    (void)s;
    (void)va;
    flushed_mask |= 1u << hal_cpu_id();
}

TEST_CASE(a_flush_reaches_every_cpu_that_loaded_the_space)
{
    cpus(3);
    struct pt_format fmt = *hal_pt_format;
    fmt.flush_local = record_flush;
    struct domain *d = h_domain(16, false);
    struct pt_space s;
    REQUIRE(pt_init(&s, &fmt, d, HAL_AS_PV_KERNEL, NULL) == 0);
    s.loaded_cpus = 0;
    pt_cpu_loaded(&s, 0);
    pt_cpu_loaded(&s, 2);
    unsigned long ipi1 = host_ipi_count(1), ipi2 = host_ipi_count(2);
    flushed_mask = 0;
    pt_flush(&s, MMU_FLUSH_ALL);
    CHECK_EQ(flushed_mask, (1u << 0) | (1u << 2)); /* here and on CPU 2 */
    CHECK_EQ(host_ipi_count(2), ipi2 + 1);
    CHECK_EQ(host_ipi_count(1), ipi1); /* CPU 1 never had it */
    pt_cpu_unloaded(&s, 2);
    flushed_mask = 0;
    pt_flush(&s, MMU_FLUSH_ALL);
    CHECK_EQ(flushed_mask, 1u << 0);
    pt_destroy(&s, NULL, NULL);
}

/* DOMCTL_vcpu_affinity from dom0, through the hypercall path. */
static long affinity_ctl(struct vcpu *v0, uint64_t opva, hestia_domid_t domid,
                         uint32_t vcpu, uint32_t cpus, struct domctl_affinity *out)
{
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_vcpu_affinity, domid);
    op.u.affinity.vcpu = vcpu;
    op.u.affinity.cpus = cpus;
    long rc = h_domctl(v0, opva, &op);
    if (out)
        *out = op.u.affinity;
    return rc;
}

TEST_CASE(domctl_vcpu_affinity_checks_its_input)
{
    cpus(2);
    struct domain *dom0 = h_domain(64, true), *d = h_domain(16, false);
    struct vcpu *v0 = h_vcpu(dom0);
    uint64_t opva = h_buf(dom0, sizeof(struct hestia_domctl));
    struct domctl_affinity a;
    const uint32_t all = DOMCTL_AFFINITY_ALL_VCPUS;
    CHECK_EQ(affinity_ctl(v0, opva, d->id, all, 0, &a), 0); /* a read */
    CHECK_EQ(a.cpus, ~0u);
    CHECK_EQ(a.online, 3u);
    CHECK_EQ(affinity_ctl(v0, opva, d->id, all, 2, &a), 0);
    CHECK_EQ(a.cpus, 2u);
    CHECK_EQ(sched_get_affinity(d, 0), 2u);
    CHECK_EQ(affinity_ctl(v0, opva, d->id, all, 1u << 9, NULL), -HESTIA_EINVAL);
    CHECK_EQ(affinity_ctl(v0, opva, d->id, 1, 1, NULL), -HESTIA_EINVAL); /* no vCPU 1 */
    CHECK_EQ(affinity_ctl(v0, opva, 999, all, 1, NULL), -HESTIA_ESRCH);
    CHECK_EQ(sched_get_affinity(d, 0), 2u); /* refused calls changed nothing */
    /* Only dom0 may: a domU asking gets -EPERM. */
    uint64_t dva = h_buf(d, sizeof(struct hestia_domctl));
    struct hestia_domctl op;
    h_domctl_init(&op, DOMCTL_vcpu_affinity, DOMID_SELF);
    op.u.affinity.vcpu = all;
    op.u.affinity.cpus = 1;
    h_write(d, dva, &op, sizeof(op));
    CHECK_EQ(h_call(h_vcpu(d), HYPERCALL_domctl, dva, 0, 0, 0, 0), -HESTIA_EPERM);
    CHECK_EQ(sched_get_affinity(d, 0), 2u);
}

TEST_CASE(an_event_for_a_vcpu_running_elsewhere_interrupts_its_cpu)
{
    cpus(2);
    struct domain *d = h_domain(16, false);
    struct vcpu *v = h_vcpu(d);
    host_set_cpu(1);
    run_set_current(v);
    CHECK_EQ(v->state, VCPU_RUNNING);
    host_set_cpu(0);
    cpu_by_id(1)->changed = false;
    unsigned long before = host_ipi_count(1);
    vcpu_kick(v); /* what an event send does after marking the upcall */
    CHECK_EQ(host_ipi_count(1), before + 1);
    CHECK(cpu_by_id(1)->changed); /* it exits and injects the upcall */
    host_set_cpu(1);
    before = host_ipi_count(1);
    vcpu_kick(v); /* on its own CPU: it sees the upcall at its exit anyway */
    CHECK_EQ(host_ipi_count(1), before);
}

/* The lock's fast path (core/hyplock.h): taken only when free and nobody waits. */
TEST_CASE(hyplock_try_takes_only_a_free_lock)
{
    cpus(2);
    CHECK(hyplock_try(0));
    CHECK(core_lock_held());
    CHECK(!hyplock_try(0)); /* already ours: core_lock() says so, this one refuses */
    hyplock_release(true);
    CHECK(!core_lock_held());

    host_set_cpu(1);
    bool t1 = core_lock();
    CHECK(t1);
    host_set_cpu(0);
    CHECK(!hyplock_try(0)); /* CPU 1 holds it */
    CHECK(!core_lock_held());
    host_set_cpu(1);
    core_unlock(t1);
    host_set_cpu(0);
    CHECK(hyplock_try(0));
    CHECK(core_lock_held());
    hyplock_release(true);
    CHECK(!core_lock_held());
}

/*
 * core/smp_wake.c: an IPI's post is stamped on the sender's clock, its take
 * on the receiver's.  A receiver whose clock reads behind the sender's
 * (ia64sim's CPUs differ by up to a turn) takes it "before" it was posted:
 * 0 us of latency and the gap kept, not a 32-bit wrap (ia64 smp4 printed
 * ipi_latency_max 4294967 us).  The post is written here as
 * smp_wake_note_post() would have stamped it 800 ns ahead (hal_time_ns()
 * in 16 ns units): the host clock cannot go back.
 */
TEST_CASE(an_ipi_taken_before_its_posts_stamp_counts_0_and_keeps_the_gap)
{
    cpus(2);
    struct cpu *c = cpu_by_id(1);
    memset(&c->wake, 0, sizeof(c->wake));
    memset(&cpu_by_id(0)->wake, 0, sizeof(c->wake));
    host_time_advance(10000000);
    c->wake.ipi_posted_at = (uint32_t)((hal_time_ns() + 800) >> 4) | 1u;
    smp_wake_note_taken(c);
    CHECK_EQ(c->wake.ipi_taken, 1);
    CHECK_EQ(c->wake.ipi_us_max, 0);
    CHECK_EQ(c->wake.ipi_clock_behind, 1);
    CHECK(c->wake.ipi_clock_behind_max_ns >= 784 && c->wake.ipi_clock_behind_max_ns <= 816);

    /* A late IPI stays late: 3 s is not read as a clock behind (32-bit ns would). */
    smp_wake_note_post(c);
    host_time_advance(3000000000ull);
    smp_wake_note_taken(c);
    CHECK(c->wake.ipi_us_max >= 2999999 && c->wake.ipi_us_max <= 3000001);
    CHECK_EQ(c->wake.ipi_clock_behind, 1);

    /* smp.wake-figures passes these, and refuses the absurd ones. */
    unsigned passed = 0, failed = 0;
    smp_wake_report(&passed, &failed);
    CHECK_EQ(passed, 1);
    CHECK_EQ(failed, 0);
    c->wake.ipi_us_max = hal_time_ns() / 1000 + 1; /* longer than the run */
    smp_wake_report(&passed, &failed);
    CHECK_EQ(failed, 1);
    c->wake.ipi_us_max = 0;
    c->wake.ipi_clock_behind_max_ns = 50000; /* the clocks are not one clock */
    smp_wake_report(&passed, &failed);
    CHECK_EQ(failed, 2);
    CHECK_EQ(passed, 1);
}
