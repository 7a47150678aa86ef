/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU state (core/cpu.h): this_cpu() follows the CPU the host HAL
 * plays, and what core keeps per CPU (the current vCPU, the timer heap,
 * the hypercall's "context replaced" mark) stays with its CPU.
 */
#include <core/cpu.h>
#include <core/timer.h>

#include "harness.h"

TEST_SUITE("cpu");

/* Two CPUs online, playing CPU 0. */
static void two_cpus(void)
{
    sched_init(2);
    host_set_cpu(0);
}

TEST_CASE(accessor_follows_the_cpu)
{
    two_cpus();
    CHECK_EQ(cpu_count(), 2);
    CHECK_EQ(this_cpu()->id, 0);
    CHECK(this_cpu()->arch == hal_this_cpu());
    host_set_cpu(1);
    CHECK_EQ(hal_cpu_id(), 1);
    CHECK_EQ(this_cpu()->id, 1);
    CHECK(this_cpu() == cpu_by_id(1));
    CHECK(this_cpu() != cpu_by_id(0));
    /* An id beyond the online CPUs names CPU 0 rather than stray memory. */
    CHECK(cpu_by_id(HAL_MAX_CPUS + 3) == cpu_by_id(0));
    CHECK_EQ(cpu_init(0), 1);
    CHECK_EQ(cpu_init(HAL_MAX_CPUS + 5), HAL_MAX_CPUS);
}

TEST_CASE(current_vcpu_is_per_cpu)
{
    two_cpus();
    struct domain *a = h_domain(16, false), *b = h_domain(16, false);
    struct vcpu *va = h_vcpu(a), *vb = h_vcpu(b);
    run_set_current(va);
    host_set_cpu(1);
    CHECK(core_current_vcpu() == NULL);
    run_set_current(vb);
    CHECK_EQ(vb->processor, 1);
    CHECK(core_current_vcpu() == vb);
    host_set_cpu(0);
    CHECK(core_current_vcpu() == va);
    CHECK_EQ(va->processor, 0);
    /* Stopping a vCPU on its own CPU takes it off there (test_smp.c: from another CPU). */
    host_set_cpu(1);
    run_vcpu_stopped(vb);
    CHECK(cpu_by_id(1)->current == NULL);
    CHECK(cpu_by_id(0)->current == va);
}

TEST_CASE(timer_heap_is_per_cpu)
{
    two_cpus();
    struct domain *d = h_domain(16, false);
    struct vcpu *v = h_vcpu(d);
    v->processor = 1; /* placed on CPU 1: its timer goes on CPU 1's heap */
    CHECK_EQ(timer_set_guest(v, 5000), 0);
    CHECK_EQ(cpu_by_id(1)->timers.n, 1);
    CHECK_EQ(cpu_by_id(0)->timers.n, 0);
    CHECK_EQ(timer_next_deadline(this_cpu()), 0); /* CPU 0 has nothing armed */
    host_set_cpu(1);
    CHECK_EQ(timer_next_deadline(this_cpu()), 5000);
    timer_run_expired(this_cpu(), 6000);
    CHECK_EQ(cpu_by_id(1)->timers.n, 0);
    CHECK_EQ(v->timer_deadline_ns, 0);
}

TEST_CASE(host_cpu_state_is_per_cpu)
{
    two_cpus();
    CHECK(host_cpu(0) != host_cpu(1));
    host_set_cpu(1);
    CHECK(hal_this_cpu() == host_cpu(1));
    CHECK_EQ(hal_this_cpu()->id, 1);
}
