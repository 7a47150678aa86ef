/* SPDX-License-Identifier: MIT */
/*
 * The scheduler decision trace (interface and why in core/sched_trace.h).
 *
 * Each CPU writes only its own ring, so a note takes no lock and no
 * atomic: an entry is five words and an index.  An entry equal to the
 * last one (same event and words) only counts one more and moves its
 * last time, so an idle CPU's decrementer polls (100 a second) fill one
 * entry, not the ring: a stall of seconds fits.  Times are hal_time_ns()
 * >> 10 (about microseconds, no 64-bit division on 32-bit targets), 32
 * bits: 73 minutes.
 */
#include <core/console.h>
#include <core/cpu.h>
#include <core/domain.h>
#include <core/lib.h>
#include <core/sched_trace.h>
#include <hal/cpu.h>
#include <hal/timer.h>

#include "sched_internal.h"

#if defined(HESTIA_SCHED_TRACE) && HESTIA_SCHED_TRACE

#define RING 512 /* entries per CPU (a power of two) */

struct entry {
    uint32_t first, last; /* hal_time_ns() >> 10 of the first and the last repeat */
    uint16_t ev, repeats;
    uint32_t a, b;
};

struct ring {
    unsigned n; /* entries written (the next index is n % RING) */
    struct entry e[RING];
};

static struct ring rings[HAL_MAX_CPUS];
static bool dump_always;
static bool freeze_on_stall; /* schedtrace=freeze */
static bool frozen;          /* no more notes: a stall was seen */

#define STALL_US 5000u /* an IPI acted on this late freezes the rings */

static const char *const names[ST_NR_EV] = {
    [ST_PICK] = "pick",         [ST_WAKE] = "wake",         [ST_AFFINITY] = "affinity",
    [ST_IPI_POST] = "ipi-post", [ST_IPI_TAKE] = "ipi-take", [ST_IDLE] = "idle",
    [ST_IDLE_END] = "idle-end", [ST_ARCH_DOZE] = "doze",    [ST_ARCH_WOKE] = "woke",
    [ST_ARCH_IRQ] = "irq",
};

void sched_trace_note(unsigned ev, uint32_t a, uint32_t b)
{
    unsigned cpu = hal_cpu_id();
    if (cpu >= HAL_MAX_CPUS || __atomic_load_n(&frozen, __ATOMIC_RELAXED))
        return;
    struct ring *r = &rings[cpu];
    uint32_t t = (uint32_t)(hal_time_ns() >> 10);
    if (r->n) {
        struct entry *l = &r->e[(r->n - 1) % RING];
        if (l->ev == ev && l->a == a && l->b == b && l->repeats < 0xffff) {
            l->repeats++;
            l->last = t;
            return;
        }
    }
    r->e[r->n % RING] = (struct entry){t, t, (uint16_t)ev, 0, a, b};
    r->n++;
}

static uint32_t vcpu_word(const struct vcpu *v)
{
    if (!v)
        return ST_IDLE_VCPU;
    return (uint32_t)(v->domain ? v->domain->id : 0xffff) << 8 | (v->id & 0xff);
}

void sched_trace_vcpu(unsigned ev, const struct vcpu *v)
{
    const struct sched_vcpu *sv = v->sched;
    uint32_t b = (v->processor & 0xff) |
                 (sv ? (uint32_t)sv->where << 8 | (uint32_t)sv->running << 12 |
                           (sv->affinity & 0xffffu) << 16
                     : 0);
    sched_trace_note(ev, vcpu_word(v), b);
}

/* Queue lengths (at most 255 each): BOOST | UNDER << 8 | OVER << 16. */
static uint32_t queues(unsigned cpu)
{
    const struct sched_cpu *pc = &cpu_by_id(cpu)->sched;
    uint32_t w = 0;
    for (unsigned p = 0; p < SCHED_NR_PRIO && p < 3; p++) {
        unsigned n = 0;
        for (const struct sched_vcpu *sv = pc->q[p].head; sv && n < 255; sv = sv->q_next)
            n++;
        w |= (uint32_t)n << (8 * p);
    }
    return w;
}

void sched_trace_pick(unsigned cpu, const struct vcpu *v)
{
    sched_trace_note(ST_PICK, vcpu_word(v), queues(cpu));
}

void sched_trace_cmdline(const char *cmdline)
{
    dump_always = cmdline_has_word(cmdline, "schedtrace=dump");
    freeze_on_stall = cmdline_has_word(cmdline, "schedtrace=freeze");
}

void sched_trace_ipi_taken(uint32_t us)
{
    sched_trace_note(ST_IPI_TAKE, 0, us);
    if (freeze_on_stall && us >= STALL_US)
        __atomic_store_n(&frozen, true, __ATOMIC_RELAXED);
}

void sched_trace_dump(bool failed)
{
    if (!failed && !dump_always)
        return;
    for (unsigned cpu = 0; cpu < cpu_count() && cpu < HAL_MAX_CPUS; cpu++) {
        const struct ring *r = &rings[cpu];
        unsigned from = r->n > RING ? r->n - RING : 0;
        core_printf("SCHEDTRACE cpu%u: %u entries, the last %u (times: ns >> 10)%s\n", cpu,
                    r->n, r->n - from, frozen ? ", frozen at an IPI stall" : "");
        for (unsigned i = from; i < r->n; i++) {
            const struct entry *e = &r->e[i % RING];
            const char *name = e->ev < ST_NR_EV && names[e->ev] ? names[e->ev] : "?";
            core_printf("ST %u %u %u x%u %s %x %x\n", cpu, e->first, e->last,
                        e->repeats + 1u, name, e->a, e->b);
        }
    }
}

#endif
