/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU run loop.  Every guest exit ends with
 * hal_vcpu_run(core_resume_vcpu()): account the vCPU that ran, fire due
 * timers, let the scheduler pick, idle while nothing can run, inject a
 * pending event upcall into the chosen vCPU and arm the timer for the next
 * moment core needs control back.
 *
 * run.c owns the RUNNING <-> RUNNABLE transitions of the current vCPU;
 * BLOCKED and DOWN are set by sched_op and domain code.
 */
#include <core/console.h>
#include <core/cpu.h>
#include <core/run.h>
#include <core/sched.h>
#include <core/timer.h>
#include <core/trap.h>
#include <hal/cpu.h>
#include <hal/timer.h>

void run_init(void)
{
    for (unsigned i = 0; i < cpu_count(); i++)
        cpu_by_id(i)->current = NULL;
}

struct vcpu *core_current_vcpu(void)
{
    return this_cpu()->current;
}

struct hal_vcpu *core_vcpu_hal(struct vcpu *v)
{
    return v ? v->hal : NULL;
}

void run_set_current(struct vcpu *v)
{
    struct cpu *c = this_cpu();
    c->current = v;
    if (v) {
        v->processor = c->id;
        v->last_start_ns = hal_time_ns();
        if (v->state == VCPU_RUNNABLE)
            v->state = VCPU_RUNNING;
    }
}

/* Charge the time v has run since it was put on the CPU. */
static void charge(struct vcpu *v, uint64_t now)
{
    if (now > v->last_start_ns)
        v->runtime_ns += now - v->last_start_ns;
    v->last_start_ns = now;
}

void run_vcpu_stopped(struct vcpu *v)
{
    for (unsigned i = 0; i < cpu_count(); i++) {
        struct cpu *c = cpu_by_id(i);
        if (c->current == v) {
            charge(v, hal_time_ns());
            c->current = NULL;
        }
    }
    if (v->state == VCPU_RUNNING)
        v->state = VCPU_RUNNABLE;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    return a < b ? a : b;
}

struct hal_vcpu *core_resume_vcpu(void)
{
    struct cpu *c = this_cpu();
    for (;;) {
        uint64_t now = hal_time_ns();
        struct vcpu *prev = c->current;
        timer_run_expired(c, now);
        uint64_t sched_deadline = 0;
        /* sched_pick burns prev's credit from prev->last_start_ns; charge after. */
        struct vcpu *next = sched_pick(c->id, prev, now, &sched_deadline);
        if (prev)
            charge(prev, now);
        if (prev && prev != next && prev->state == VCPU_RUNNING)
            prev->state = VCPU_RUNNABLE;
        c->current = next;
        hal_timer_set(earliest(sched_deadline, timer_next_deadline(c)));
        if (next) {
            next->state = VCPU_RUNNING;
            next->processor = c->id;
            next->last_start_ns = now;
            timer_update_guest_time(next);
            trap_inject_event(next);
            return next->hal;
        }
        hal_cpu_idle();
    }
}

void core_timer_interrupt(void)
{
    this_cpu()->timer_interrupts++;
    timer_run_expired(this_cpu(), hal_time_ns());
}

void core_console_input(int c)
{
    console_input(c);
}
