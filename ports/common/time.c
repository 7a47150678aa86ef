/* SPDX-License-Identifier: MIT */
/* Guest system time from vcpu_time_info, and the one-shot timer. */
#include <port/kernel.h>
#if __has_include(<port/arch_counter.h>)
#include <port/arch_counter.h> /* an arch's inline counter read, ARCH_READ_COUNTER */
#endif
#ifndef ARCH_READ_COUNTER
#define ARCH_READ_COUNTER arch_read_counter
#endif

/* (delta * mul) >> 32 without 128-bit arithmetic (portable to 32-bit guests). */
static uint64_t scale(uint64_t delta, int shift, uint32_t mul)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    uint64_t lo = (delta & 0xffffffffu) * mul;
    uint64_t hi = (delta >> 32) * mul;
    return hi + (lo >> 32);
}

uint64_t time_now_ns(void)
{
    const volatile struct vcpu_time_info *t = &this_vcpu()->time;
    uint32_t v;
    uint64_t ns;
    do {
        v = t->version;
        arch_barrier();
        uint64_t ts = t->counter_timestamp, sys = t->system_time_ns;
        uint32_t mul = t->counter_to_ns_mul;
        int shift = t->counter_shift;
        uint64_t c = ARCH_READ_COUNTER();
        ns = sys + (c > ts ? scale(c - ts, shift, mul) : 0);
        arch_barrier();
    } while ((v & 1) || v != t->version);
    return ns;
}

static void timer_event(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    this_cpu()->timer_programmed = 0;
    threads_timer(time_now_ns());
}

void time_cancel(void)
{
    this_cpu()->timer_programmed = 0;
    hc_set_timer(0);
}

void time_init(void)
{
    /* Each vCPU has its own one-shot timer and its own VIRQ_TIMER port. */
    long r = evtchn_bind_virq_on(VIRQ_TIMER, this_cpu()->id, timer_event, NULL);
    if (r < 0)
        panic("bind VIRQ_TIMER: %ld", r);
}

/*
 * Lazy: an armed timer that fires no later than wanted is kept (its event
 * just re-evaluates), so switching threads rarely costs a hypercall: that
 * test is time_program(), inline in port/kernel.h; this is the arming.
 */
void time_program_arm(uint64_t deadline)
{
    struct cpu *c = this_cpu();
    c->timer_programmed = deadline;
    long r = hc_set_timer(deadline);
    if (r < 0)
        panic("set_timer: %ld", r);
}
