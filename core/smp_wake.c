/* SPDX-License-Identifier: MIT */
/*
 * How long a CPU takes to act on an IPI and why an idle CPU woke
 * (core/smp.h, "Wake-up figures"): the figures behind
 * BENCH smp.cpuN.ipi_* and smp.cpuN.idle_*.  Host time in the realtime
 * rows, so a wake-up that waits for a timer instead of the IPI shows.
 *
 * An IPI's post is stamped on the sender's clock and its take on the
 * receiver's.  The stamp is written before the IPI is sent and read after
 * it arrived, so in real time the take always comes later: a take that
 * reads earlier than the post only says that the receiver's clock is
 * behind the sender's.  hal_time_ns() is one clock for every CPU only to
 * within the platform's skew.  ia64sim runs its CPUs in turns of
 * --quantum instructions (1000 by default) and lines their ITCs up at the
 * end of every round, so within a round two ITCs differ by up to one turn:
 * a CPU taking an IPI early in its turn reads a time before the stamp its
 * sender took late in its own.  That difference is counted as 0 us of
 * latency, and how far behind the receiver was is kept
 * (ipi_clock_behind_max) and judged (smp.wake-figures): up to
 * CLOCK_SKEW_MAX_NS, a latency is right to within that bound; beyond it the
 * CPUs' clocks are not one clock and the check fails.  (Before this, the
 * negative difference wrapped in 32 bits: ia64 smp4 printed
 * ipi_latency_max 4294967 us.)
 *
 * Post stamps are kept as 32 bits of hal_time_ns() in 16 ns units (32-bit
 * atomics exist on every arch; ppc has no 64-bit ones): their signed
 * difference spans +-34 s, so a late IPI (a 2.8 s ppc stall was seen) is
 * not taken for a clock behind.  Lock waits begin and end on one CPU: a
 * plain 32-bit ns difference, exact below 4 s.
 */
#include <core/console.h>
#include <core/cpu.h>
#include <core/sched_trace.h>
#include <core/smp.h>
#include <hal/cpu.h>
#include <hal/timer.h>

#define STAMP_SHIFT 4 /* post stamps in units of 16 ns */

/*
 * How far one CPU's clock may read behind another's before the figures are
 * refused: ia64sim's skew is one turn (1 us at the default --quantum; seen:
 * up to 0.99 us); QEMU's CPUs read one virtual clock.  A latency counted as 0
 * is then at most this much too low.
 */
#define CLOCK_SKEW_MAX_NS 10000u

static uint32_t now32(void)
{
    return (uint32_t)hal_time_ns() | 1u; /* never 0: 0 means "none waiting" */
}

static uint32_t post_stamp(void)
{
    return (uint32_t)(hal_time_ns() >> STAMP_SHIFT) | 1u; /* never 0, as above */
}

void smp_wake_note_post(struct cpu *target)
{
    uint32_t none = 0;
    __atomic_compare_exchange_n(&target->wake.ipi_posted_at, &none, post_stamp(), false,
                                __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

void smp_wake_note_taken(struct cpu *c)
{
    uint32_t at = __atomic_exchange_n(&c->wake.ipi_posted_at, 0u, __ATOMIC_RELAXED);
    if (!at)
        return;
    struct cpu_wake *w = &c->wake;
    int32_t units = (int32_t)(post_stamp() - at);
    if (units < 0) { /* this CPU's clock is behind the sender's (above) */
        uint32_t behind = (uint32_t)-units << STAMP_SHIFT;
        w->ipi_clock_behind++;
        if (behind > w->ipi_clock_behind_max_ns)
            w->ipi_clock_behind_max_ns = behind;
        units = 0;
    }
    uint32_t us = (uint32_t)(((uint64_t)(uint32_t)units << STAMP_SHIFT) / 1000u);
    SCHED_TRACE_IPI_TAKEN(us);
    w->ipi_taken++;
    w->ipi_us_sum += us;
    if (us > w->ipi_us_max)
        w->ipi_us_max = us;
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

/*
 * smp.wake-figures: no CPU's figures can be true if a latency or a lock
 * wait is longer than the whole run so far, or if a CPU's clock read
 * further behind another's than CLOCK_SKEW_MAX_NS (then the latencies
 * counted as 0 are not known to be near 0).  Prints the FAIL line with the
 * first reason and returns false, or returns true.
 */
static bool figures_hold(void)
{
    unsigned long run_us = (unsigned long)(hal_time_ns() / 1000u);
    for (unsigned i = 0; i < cpu_count(); i++) {
        const struct cpu_wake *w = &cpu_by_id(i)->wake;
        if (w->ipi_us_max > run_us || w->lock_us_max > run_us) {
            core_printf("TEST smp.wake-figures FAIL CPU %u: IPI latency %lu us or lock "
                        "wait %lu us is longer than the run (%lu us)\n",
                        i, w->ipi_us_max, w->lock_us_max, run_us);
            return false;
        }
        if (w->ipi_clock_behind_max_ns > CLOCK_SKEW_MAX_NS) {
            core_printf(
                "TEST smp.wake-figures FAIL CPU %u: its clock read %lu ns behind an "
                "IPI sender's, more than the %u ns the CPUs' clocks may differ: its "
                "IPI latencies are not known\n",
                i, (unsigned long)w->ipi_clock_behind_max_ns, CLOCK_SKEW_MAX_NS);
            return false;
        }
    }
    return true;
}

void smp_wake_report(unsigned *passed, unsigned *failed)
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
        core_printf("BENCH smp.cpu%u.ipi_clock_behind %lu count\n", i, w->ipi_clock_behind);
        core_printf("BENCH smp.cpu%u.ipi_clock_behind_max %lu ns\n", i,
                    (unsigned long)w->ipi_clock_behind_max_ns);
        core_printf("BENCH smp.cpu%u.idles %lu count\n", i, w->idles);
        core_printf("BENCH smp.cpu%u.idles_ended_by_ipi %lu count\n", i, w->idle_by_ipi);
        core_printf("BENCH smp.cpu%u.idles_ended_by_timer %lu count\n", i,
                    w->idle_by_timer);
    }
    bool ok = figures_hold();
    if (ok)
        core_printf(
            "TEST smp.wake-figures PASS %u CPUs' IPI latencies and lock waits within "
            "the run, their clocks within %u ns of each other\n",
            cpu_count(), CLOCK_SKEW_MAX_NS);
    ++*(ok ? passed : failed);
}
