/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU run loop.  Every guest exit ends with
 * hal_vcpu_run(core_resume_vcpu()): account the vCPU that ran, fire due
 * timers, let the scheduler pick, idle while nothing can run, inject a
 * pending event upcall into the chosen vCPU and arm the timer for the next
 * moment core needs control back.
 *
 * Most exits change none of that (a hypercall that maps a page, sends to a
 * running domain, reads the version): the full pass would pick the same
 * vCPU, arm the same timer and charge time that can as well be charged
 * later.  So the full pass is skipped (the quiet exit) unless something it
 * decides from changed since it last ran (cpu->changed, run_note_change()).
 * Time needs no check: the full pass armed the hardware timer for its next
 * deadline, and that interrupt marks the change.
 *
 * run.c owns the RUNNING <-> RUNNABLE transitions of the current vCPU;
 * BLOCKED and DOWN are set by sched_op and domain code.
 */
#include <core/console.h>
#include <core/cpu.h>
#include <core/domain.h>
#include <core/hyplock.h>
#include <core/run.h>
#include <core/sched.h>
#include <core/smp.h>
#include <core/timer.h>
#include <core/trap.h>
#include <hal/cpu.h>
#include <hal/timer.h>
#include <hal/vcpu.h>

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

static void charge(struct vcpu *v, uint64_t now);

/*
 * The only place a CPU's current vCPU changes (on that CPU, under the
 * hypervisor lock).  A CPU whose current vCPU belongs to domain d holds a
 * reference on d (domain_ref.c): from here until it switches to another
 * domain, it may be in the guest or on its way into core with that vCPU's
 * registers, so d's memory must stay.  Dropping the last reference of a
 * destroyed domain finishes its teardown.
 */
static void set_current(struct cpu *c, struct vcpu *v)
{
    struct vcpu *old = c->current;
    c->current = v;
    if (old != v) {
        /*
         * Before the put below: it may finish old's domain and free old.
         * The arch first, while no other CPU may enter old.
         */
        if (old) {
            if (cpu_count() > 1) /* with one CPU nobody else could enter it */
                hal_vcpu_switched_out(old->hal);
            __atomic_store_n(&old->on_cpu, 0u, __ATOMIC_RELEASE);
            smp_wake_word(&old->on_cpu); /* run_wait_domain_off_cpus() */
        }
        if (v)
            __atomic_store_n(&v->on_cpu, 1u, __ATOMIC_RELAXED);
    }
    struct domain *od = old ? old->domain : NULL, *nd = v ? v->domain : NULL;
    if (od != nd) {
        if (nd)
            domain_cpu_get(nd);
        if (od)
            domain_cpu_put(od);
    }
}

void run_set_current(struct vcpu *v)
{
    struct cpu *c = this_cpu();
    struct vcpu *old = c->current;
    if (old && old != v) { /* as the full pass would: charge it, take it off */
        charge(old, hal_time_ns());
        if (old->state == VCPU_RUNNING)
            old->state = VCPU_RUNNABLE;
    }
    set_current(c, v);
    run_note_change(c->id); /* the full pass has not seen v yet */
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

uint64_t run_vcpu_runtime(const struct vcpu *v)
{
    uint64_t ns = v->runtime_ns;
    struct cpu *c = v->processor < cpu_count() ? cpu_by_id(v->processor) : NULL;
    uint64_t now = hal_time_ns();
    if (c && c->current == v && now > v->last_start_ns)
        ns += now - v->last_start_ns; /* the stint no full pass has charged yet */
    return ns;
}

static void note_change_on(unsigned cpu, unsigned self)
{
    __atomic_store_n(&cpu_by_id(cpu)->changed, true, __ATOMIC_RELEASE);
    /* Another CPU sees the flag only at its next exit: make it exit now. */
    if (cpu != self)
        smp_kick(cpu);
}

void run_note_change(unsigned cpu)
{
    if (cpu != RUN_ALL_CPUS) { /* one CPU (a wake-up, a yield): no loop over all */
        /* With one CPU it is this one: no CPU id to read (every wake and block). */
        if (cpu < cpu_count())
            note_change_on(cpu, cpu_count() > 1 ? hal_cpu_id() : cpu);
        return;
    }
    unsigned self = hal_cpu_id();
    for (unsigned i = 0; i < cpu_count(); i++)
        note_change_on(i, self);
}

static void nothing(void *arg)
{
    (void)arg;
}

void run_vcpu_stopped(struct vcpu *v)
{
    unsigned self = hal_cpu_id();
    if (v->state == VCPU_RUNNING)
        v->state = VCPU_RUNNABLE;
    for (unsigned i = 0; i < cpu_count(); i++) {
        struct cpu *c = cpu_by_id(i);
        if (c->current != v)
            continue;
        if (i == self) {
            charge(v, hal_time_ns());
            set_current(c, NULL);
            run_note_change(i);
        } else {
            /*
             * Another CPU runs v: only it may take v off (its current holds
             * the domain reference).  Make it leave the guest now and wait
             * until it has (the call is answered in the hypervisor, v's
             * registers saved); its next pass under this lock sees v is
             * not RUNNING and picks another vCPU.
             */
            run_note_change(i);
            core_cpu_call(i, nothing, NULL);
        }
    }
}

/* A vCPU of d that another CPU still has as current although it may not run. */
static struct vcpu *stopped_but_current(struct domain *d)
{
    for (unsigned i = 0; i < HESTIA_MAX_VCPUS; i++) {
        struct vcpu *t = d->vcpus[i];
        if (t && __atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE) && !vcpu_runnable(t))
            return t;
    }
    return NULL;
}

bool run_wait_domain_off_cpus(struct domain *d)
{
    struct vcpu *t;
    while ((t = stopped_but_current(d)) != NULL) {
        /*
         * That CPU needs the hypervisor lock for its pass: let go of it.
         * Our reference keeps d (and t) while it is dropped; with it gone
         * another CPU's switch cannot finish d's teardown under our feet.
         */
        domain_cpu_get(d);
        run_note_change(t->processor);
        core_unlock(true);
        smp_wait_word(&t->on_cpu, 0u);
        core_lock();
        bool last = d->cpu_refs == 1 && d->teardown_deferred;
        domain_cpu_put(d); /* the last one finishes a destroyed domain's teardown */
        if (last)
            return false;
    }
    return true;
}

/*
 * The guest's time record (vcpu_time_info) is a stamp (counter, time) and
 * the counter's scale: the guest extrapolates from any stamp with the
 * counter, the same arithmetic hal_time_ns() does, so an older stamp gives
 * the same time to within the rounding.  Writing it at every switch cost
 * ~100 instructions (two clock reads, the version dance); it is rewritten
 * when older than a slice (bounding what rounding can add up to), never
 * written or half written, or from before the domain's clock moved
 * (restore rewrites it: timer_update_guest_time).
 */
#define GUEST_TIME_RESTAMP_NS SCHED_SLICE_NS
static void restamp_guest_time(struct vcpu *v, uint64_t now)
{
    const struct vcpu_time_info *t = &v->info->time;
    uint64_t host_at = t->system_time_ns - (uint64_t)v->domain->time_offset_ns;
    if (t->counter_to_ns_mul && !(t->version & 1) && now >= host_at &&
        now - host_at < GUEST_TIME_RESTAMP_NS)
        return;
    timer_update_guest_time(v);
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
    unsigned cpu = hal_cpu_id();
    bool taken = hyplock_take(cpu);
    struct hal_vcpu *hv = run_resume_locked(cpu_by_id(cpu));
    hyplock_release(taken);
    return hv;
}

struct hal_vcpu *run_resume_locked(struct cpu *c)
{
    /* The quiet exit: nothing the full pass looks at has changed. */
    struct hal_vcpu *quiet = run_quiet_exit(c);
    if (quiet)
        return quiet;
    return run_full_pass(c);
}

struct hal_vcpu *run_full_pass(struct cpu *c)
{
    for (;;) {
        /* Cleared first: a change made from here on is seen at the next exit. */
        __atomic_store_n(&c->changed, false, __ATOMIC_RELAXED);
        c->full_passes++;
        uint64_t now = hal_time_ns();
        struct vcpu *prev = c->current;
        uint64_t timer_deadline = timer_run_expired(c, now);
        uint64_t sched_deadline = 0;
        /* sched_pick burns prev's credit from prev->last_start_ns; charge after. */
        struct vcpu *next = sched_pick(c->id, prev, now, &sched_deadline);
        if (prev)
            charge(prev, now);
        if (prev && prev != next && prev->state == VCPU_RUNNING)
            prev->state = VCPU_RUNNABLE;
        set_current(c, next); /* may finish a destroyed domain's teardown */
        hal_timer_set(earliest(sched_deadline, timer_deadline));
        if (next) {
            next->state = VCPU_RUNNING;
            next->processor = c->id;
            next->last_start_ns = now;
            restamp_guest_time(next, now);
            if (next->info->evtchn_upcall_pending) /* trap_inject_event's first test */
                trap_inject_event(next);
            return next->hal;
        }
        /* Idle without the lock: the others may run core meanwhile. */
        bool held = core_lock_held();
        core_unlock(held);
        smp_idle(c);
        if (held)
            core_lock();
    }
}

void core_timer_interrupt(void)
{
    bool taken = core_lock();
    this_cpu()->timer_interrupts++;
    run_note_change(this_cpu()->id); /* a deadline of the full pass has come */
    timer_run_expired(this_cpu(), hal_time_ns());
    core_unlock(taken);
}

void core_console_input(int c)
{
    bool taken = core_lock();
    console_input(c);
    core_unlock(taken);
}
