/* SPDX-License-Identifier: MIT */
/*
 * Conformance: time and the one-shot timer (hal/timer.h), interrupts and
 * idling (hal/cpu.h), and the per-CPU accessor (core's this_cpu() /
 * cpu_by_id() over hal_this_cpu() / hal_cpu_id()).
 *
 * Timer bounds: under -icount (1 ns per instruction) a deadline is met
 * within TIMER_LATE_NS, the hypervisor's own interrupt path; with the
 * `realtime` word the emulator follows a host that may be loaded, and the
 * bound widens to TIMER_LATE_REALTIME_NS (the guest port's sleep bound).
 */
#include <core/cpu.h>

#include "hc.h"

#define MS 1000000ull
#define TIMER_LATE_NS (200ull * 1000)
#define TIMER_LATE_REALTIME_NS (50 * MS)
/* How long to wait for an interrupt that does not come before calling it lost. */
#define TIMER_GIVE_UP_NS (500 * MS)
#define SPINS 20000000ul

static uint64_t late_bound(const struct hc *t)
{
    return t->opt->realtime ? TIMER_LATE_REALTIME_NS : TIMER_LATE_NS;
}

/* Spin until hal_time_ns() reaches at least when (false if it stops moving). */
static bool spin_until(uint64_t when)
{
    uint64_t last = hal_time_ns();
    unsigned long still = 0;
    while (last < when) {
        uint64_t now = hal_time_ns();
        still = now == last ? still + 1 : 0;
        if (still > SPINS)
            return false;
        last = now;
    }
    return true;
}

static void t_monotonic(struct hc *t, unsigned arg)
{
    (void)arg;
    uint64_t prev = hal_time_ns(), first = prev;
    for (unsigned i = 0; i < 10000; i++) {
        uint64_t now = hal_time_ns();
        if (now < prev) {
            hc_fail(t, __LINE__, "time went back from %llu to %llu ns",
                    (unsigned long long)prev, (unsigned long long)now);
            return;
        }
        prev = now;
    }
    HC_CHECK(t, spin_until(first + 10000), "time does not advance (stuck at %llu ns)",
             (unsigned long long)hal_time_ns());
    hc_note(t, "10000 reads non-decreasing; at %llu ns", (unsigned long long)hal_time_ns());
}

/* ns = ((counter << shift) * mul) >> 32 without a 128-bit product. */
static uint64_t scaled(uint64_t c, const struct hal_time_scale *s)
{
    uint64_t x = s->shift >= 0 ? c << s->shift : c >> -s->shift;
    return (x >> 32) * s->mul + (((x & 0xffffffffull) * s->mul) >> 32);
}

/* Counter-derived dc against clock-measured dt: enclosing, within 1/64 and the reads' cost.
 */
static bool scale_agrees(uint64_t dt, uint64_t dc, bool realtime)
{
    return dc + 1000 >= dt && dc <= dt + (dt >> 6) + (realtime ? 5 * MS : 20000);
}

static void t_counter_scale(struct hc *t, unsigned arg)
{
    (void)arg;
    struct hal_time_scale s;
    hal_time_scale(&s);
    HC_CHECK(t, s.mul != 0 && s.shift > -32 && s.shift < 32, "scale mul %u shift %d", s.mul,
             (int)s.shift);
    /* Best of 3: without -icount the host may stop the emulator between two reads. */
    uint64_t dt = 0, dc = 0;
    for (unsigned attempt = 0; attempt < 3; attempt++) {
        uint64_t c0 = hal_time_counter(), t0 = hal_time_ns();
        bool moved = spin_until(t0 + 2 * MS);
        uint64_t t1 = hal_time_ns(), c1 = hal_time_counter();
        if (!moved || c1 <= c0) {
            hc_fail(t, __LINE__, "time (%d) or the counter (%llu -> %llu) does not advance",
                    moved, (unsigned long long)c0, (unsigned long long)c1);
            return;
        }
        dt = t1 - t0;
        dc = scaled(c1 - c0, &s);
        if (scale_agrees(dt, dc, t->opt->realtime))
            break;
    }
    HC_CHECK(t, scale_agrees(dt, dc, t->opt->realtime),
             "counter * scale gives %llu ns over an interval hal_time_ns measured as %llu",
             (unsigned long long)dc, (unsigned long long)dt);
    hc_note(t, "%llu ns by the clock, %llu by counter and scale (mul %u shift %d)",
            (unsigned long long)dt, (unsigned long long)dc, s.mul, (int)s.shift);
}

/*
 * Arm at deadline (already set up by the caller), idle until core sees a
 * timer interrupt; returns the time seen right after it, 0 if none came.
 * Interrupts are disabled around it, as hal_cpu_idle() requires.
 */
static uint64_t wait_timer(uint64_t give_up_at)
{
    struct cpu *c = this_cpu();
    unsigned long before = c->timer_interrupts;
    while (c->timer_interrupts == before && hal_time_ns() < give_up_at)
        hal_cpu_idle();
    return c->timer_interrupts == before ? 0 : hal_time_ns();
}

/* One one-shot: arm at now + delay_ns, check it fires on time. Returns the lateness. */
static uint64_t one_shot(struct hc *t, uint64_t delay_ns)
{
    uint64_t armed = hal_time_ns(), deadline = armed + delay_ns;
    hal_timer_set(deadline);
    uint64_t fired = wait_timer(deadline + TIMER_GIVE_UP_NS);
    hal_timer_set(0);
    if (!fired) {
        hc_fail(t, __LINE__, "a one-shot %llu ns ahead never fired",
                (unsigned long long)delay_ns);
        return 0;
    }
    HC_CHECK(t, fired >= deadline, "the timer fired %llu ns early",
             (unsigned long long)(deadline - fired));
    return fired >= deadline ? fired - deadline : 0;
}

static void t_one_shot(struct hc *t, unsigned arg)
{
    (void)arg;
    unsigned long flags = hal_irq_save();
    uint64_t worst = 0;
    static const uint64_t delays[] = {1 * MS, 300000, 2 * MS, 50000, 1 * MS};
    for (unsigned i = 0; i < ARRAY_SIZE(delays) && !hc_failed(t); i++) {
        uint64_t late = one_shot(t, delays[i]);
        worst = late > worst ? late : worst;
    }
    hal_irq_restore(flags);
    uint64_t bound = late_bound(t);
    HC_CHECK(t, worst <= bound, "fired %llu ns late (bound %llu%s)",
             (unsigned long long)worst, (unsigned long long)bound,
             t->opt->realtime ? ", realtime" : "");
    hc_note(t, "5 one-shots of 50 us to 2 ms: worst lateness %llu ns, bound %llu%s",
            (unsigned long long)worst, (unsigned long long)bound,
            t->opt->realtime ? " (realtime bounds)" : "");
}

static void t_past_deadline(struct hc *t, unsigned arg)
{
    (void)arg;
    unsigned long flags = hal_irq_save();
    HC_CHECK(t, spin_until(2000), "time does not advance");
    uint64_t now = hal_time_ns();
    hal_timer_set(now - 1000);
    /* Interrupts are off (twice saved): nothing may arrive while we spin. */
    unsigned long inner = hal_irq_save(), before = this_cpu()->timer_interrupts;
    spin_until(now + 100000);
    HC_CHECK(t, this_cpu()->timer_interrupts == before,
             "a timer interrupt arrived with interrupts disabled");
    hal_irq_restore(inner);
    now = hal_time_ns(); /* from here it may fire */
    uint64_t fired = wait_timer(now + TIMER_GIVE_UP_NS);
    hal_timer_set(0);
    hal_irq_restore(flags);
    HC_CHECK(t, fired, "a deadline in the past never fired");
    uint64_t bound = late_bound(t);
    HC_CHECK(t, !fired || fired - now <= bound,
             "a past deadline fired after %llu ns (bound %llu)",
             (unsigned long long)(fired - now), (unsigned long long)bound);
    hc_note(t,
            "held off while interrupts were disabled, then fired %llu ns after idling "
            "(bound %llu)",
            (unsigned long long)(fired - now), (unsigned long long)bound);
}

/* Re-arming replaces the deadline; 0 disarms. */
static void t_rearm(struct hc *t, unsigned arg)
{
    (void)arg;
    unsigned long flags = hal_irq_save();
    uint64_t now = hal_time_ns();
    hal_timer_set(now + 1 * MS);
    hal_timer_set(now + 3 * MS);
    uint64_t fired = wait_timer(now + TIMER_GIVE_UP_NS);
    HC_CHECK(t, fired >= now + 3 * MS, "re-armed to +3 ms, fired at +%llu ns",
             (unsigned long long)(fired - now));
    now = hal_time_ns();
    hal_timer_set(now + 1 * MS);
    hal_timer_set(0);
    hal_timer_set(now + 2 * MS);
    fired = wait_timer(now + TIMER_GIVE_UP_NS);
    HC_CHECK(t, fired >= now + 2 * MS, "disarmed then armed at +2 ms, fired at +%llu ns",
             (unsigned long long)(fired - now));
    hal_timer_set(0);
    hal_irq_restore(flags);
    hc_note(t, "a later deadline replaces an earlier one; 0 disarms");
}

static void t_percpu(struct hc *t, unsigned arg)
{
    (void)arg;
    unsigned id = hal_cpu_id();
    struct hal_cpu *arch = hal_this_cpu();
    HC_CHECK(t, id < HAL_MAX_CPUS && id < cpu_count(), "hal_cpu_id() = %u with %u CPUs", id,
             cpu_count());
    HC_CHECK(t, arch != NULL, "hal_this_cpu() = NULL");
    struct cpu *c = this_cpu();
    HC_CHECK(t, c == cpu_by_id(id) && c->id == id && c->online,
             "this_cpu() is not cpu_by_id(hal_cpu_id()) or not online");
    HC_CHECK(t, c->arch == arch, "this_cpu()->arch is not hal_this_cpu()");
    HC_CHECK(t, cpu_by_id(HAL_MAX_CPUS + 3) == cpu_by_id(0),
             "an id out of range is not CPU 0's");
    for (unsigned i = 0; i < cpu_count(); i++)
        for (unsigned j = i + 1; j < cpu_count(); j++)
            HC_CHECK(t, cpu_by_id(i) != cpu_by_id(j), "CPUs %u and %u share a struct cpu",
                     i, j);
    /* The same after interrupts were off and after a timer interrupt. */
    unsigned long flags = hal_irq_save();
    HC_CHECK(t, hal_this_cpu() == arch && hal_cpu_id() == id,
             "per-CPU pointer changed with "
             "interrupts off");
    uint64_t now = hal_time_ns();
    hal_timer_set(now + 100000);
    uint64_t fired = wait_timer(now + TIMER_GIVE_UP_NS);
    hal_timer_set(0);
    hal_irq_restore(flags);
    HC_CHECK(t, fired, "no timer interrupt");
    HC_CHECK(t, hal_this_cpu() == arch && hal_cpu_id() == id && this_cpu() == c,
             "per-CPU pointer changed across an interrupt");
    hc_note(t, "CPU %u of %u, struct hal_cpu %p stable across an interrupt", id,
            cpu_count(), (void *)arch);
}

const struct hc_check hc_time_checks[] = {
    {"time.monotonic", t_monotonic, 0}, {"time.counter-scale", t_counter_scale, 0},
    {"timer.one-shot", t_one_shot, 0},  {"timer.past-deadline", t_past_deadline, 0},
    {"timer.rearm", t_rearm, 0},        {"cpu.accessor", t_percpu, 0},
};
const unsigned hc_time_nr = ARRAY_SIZE(hc_time_checks);
