/* SPDX-License-Identifier: MIT */
/*
 * How long a CPU takes to act on an IPI and why an idle CPU woke
 * (core/smp.h, "Wake-up figures"): the figures behind
 * BENCH smp.cpuN.ipi_* and smp.cpuN.idle_*.  Host time in the realtime
 * rows, so a wake-up that waits for a timer instead of the IPI shows.
 *
 * Times are kept as the low 32 bits of hal_time_ns(): a delta below 4 s is
 * exact, and 32-bit atomics exist on every arch (ppc has no 64-bit ones).
 */
#include <core/console.h>
#include <core/cpu.h>
#include <core/sched_trace.h>
#include <core/smp.h>
#include <hal/cpu.h>
#include <hal/timer.h>

static uint32_t now32(void)
{
    return (uint32_t)hal_time_ns() | 1u; /* never 0: 0 means "none waiting" */
}

void smp_wake_note_post(struct cpu *target)
{
    uint32_t none = 0;
    __atomic_compare_exchange_n(&target->wake.ipi_posted_at, &none, now32(), false,
                                __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

void smp_wake_note_taken(struct cpu *c)
{
    uint32_t at = __atomic_exchange_n(&c->wake.ipi_posted_at, 0u, __ATOMIC_RELAXED);
    if (!at)
        return;
    uint32_t us = (now32() - at) / 1000u;
    SCHED_TRACE_IPI_TAKEN(us);
    c->wake.ipi_taken++;
    c->wake.ipi_us_sum += us;
    if (us > c->wake.ipi_us_max)
        c->wake.ipi_us_max = us;
}

uint32_t smp_wake_lock_wait_begins(void)
{
    return now32();
}

void smp_wake_lock_wait_ends(uint32_t began)
{
    struct cpu_wake *w = &this_cpu()->wake;
    uint32_t us = (now32() - began) / 1000u;
    w->lock_waits++;
    w->lock_us_sum += us;
    if (us > w->lock_us_max)
        w->lock_us_max = us;
}

void smp_idle(struct cpu *c)
{
    unsigned long ipis = c->wake.ipi_taken, ticks = c->timer_interrupts;
    SCHED_TRACE(ST_IDLE, 0, 0);
    hal_cpu_idle();
    c->wake.idles++;
    if (c->wake.ipi_taken != ipis)
        c->wake.idle_by_ipi++;
    else if (c->timer_interrupts != ticks)
        c->wake.idle_by_timer++;
    SCHED_TRACE(ST_IDLE_END,
                c->wake.ipi_taken != ipis      ? 1u
                : c->timer_interrupts != ticks ? 2u
                                               : 0u,
                0);
}

void smp_wake_report(void)
{
    for (unsigned i = 0; i < cpu_count(); i++) {
        const struct cpu_wake *w = &cpu_by_id(i)->wake;
        unsigned long n = w->ipi_taken;
        core_printf("BENCH smp.cpu%u.ipi_taken %lu count\n", i, n);
        core_printf("BENCH smp.cpu%u.lock_waits %lu count\n", i, w->lock_waits);
        core_printf("BENCH smp.cpu%u.lock_wait_total %lu us\n", i, w->lock_us_sum);
        core_printf("BENCH smp.cpu%u.lock_wait_max %lu us\n", i, w->lock_us_max);
        core_printf("BENCH smp.cpu%u.ipi_latency_mean %lu us\n", i,
                    n ? w->ipi_us_sum / n : 0ul);
        core_printf("BENCH smp.cpu%u.ipi_latency_max %lu us\n", i, w->ipi_us_max);
        core_printf("BENCH smp.cpu%u.idles %lu count\n", i, w->idles);
        core_printf("BENCH smp.cpu%u.idles_ended_by_ipi %lu count\n", i, w->idle_by_ipi);
        core_printf("BENCH smp.cpu%u.idles_ended_by_timer %lu count\n", i,
                    w->idle_by_timer);
    }
}
