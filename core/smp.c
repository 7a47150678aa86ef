/* SPDX-License-Identifier: MIT */
/*
 * Secondary CPUs and inter-processor work (interface in core/smp.h).
 *
 * Bring-up: core_main() starts every CPU the platform reported before it
 * sets up the scheduler, and counts only those that reached
 * core_secondary_main(), so a CPU that never answers is never given vCPUs.
 * The started CPUs wait on `released` until dom0 exists, then enter the run
 * loop: idle until the scheduler places a vCPU on them or they steal one.
 *
 * Interrupting a CPU: each reason is a bit in the target's ipi_pending,
 * set with an atomic OR before hal_ipi_send(); the target takes all bits
 * with one atomic exchange, so interrupts the HAL merges lose nothing.
 * core_cpu_call() uses a per-CPU slot guarded by a lock; the caller spins until
 * the target cleared it, answering its own pending work meanwhile.
 */
#include <core/console.h>
#include <core/cpu.h>
#include <core/run.h>
#include <core/sched_trace.h>
#include <core/smp.h>
#include <hal/cpu.h>
#include <hal/entry.h>
#include <hal/smp.h>
#include <hal/timer.h>
#include <hal/vcpu.h>

static unsigned arrived;               /* CPUs that reached core_secondary_main() */
static uint32_t released;              /* set by smp_release_cpus() */
static unsigned reported, started = 1; /* CPUs the platform reported, CPUs up */
static bool check_all_ran;             /* smp_report judges smp.cpus-ran */

unsigned smp_start_cpus(unsigned nr_reported)
{
    unsigned up = 1;
    for (unsigned id = 1; id < nr_reported && id < HAL_MAX_CPUS; id++) {
        int rc = hal_cpu_start(id);
        if (rc) {
            core_printf("  CPU %u did not start (error %d); running without it\n", id, rc);
            break; /* ids stay dense: core numbers CPUs 0..count-1 */
        }
        up++;
    }
    reported = nr_reported;
    started = up;
    return up;
}

void smp_release_cpus(void)
{
    __atomic_store_n(&released, 1u, __ATOMIC_RELEASE);
    smp_wake_word(&released);
}

HAL_NORETURN void core_secondary_main(void)
{
    __atomic_fetch_add(&arrived, 1u, __ATOMIC_ACQ_REL);
    /* Calls may come before the release (a flush, a CPU to forget): answer them. */
    smp_wait_word(&released, 1u);
    struct cpu *c = this_cpu();
    c->arch = hal_this_cpu();
    run_note_change(c->id);
    hal_vcpu_run(core_resume_vcpu());
}

void smp_post(unsigned cpu, unsigned reason)
{
    struct cpu *c = cpu_by_id(cpu);
    smp_wake_note_post(c);
    SCHED_TRACE(ST_IPI_POST, cpu, reason);
    __atomic_fetch_or(&c->ipi_pending, reason, __ATOMIC_ACQ_REL);
    hal_ipi_send(cpu);
}

void smp_kick(unsigned cpu)
{
    if (cpu < cpu_count() && cpu != this_cpu()->id)
        smp_post(cpu, SMP_IPI_RESCHEDULE);
}

void smp_kick_vcpu(struct vcpu *v)
{
    unsigned cpu = __atomic_load_n(&v->processor, __ATOMIC_RELAXED);
    if (cpu < cpu_count() && cpu != this_cpu()->id &&
        __atomic_load_n(&cpu_by_id(cpu)->current, __ATOMIC_RELAXED) == v)
        smp_post(cpu, SMP_IPI_RESCHEDULE);
}

static void answer_call(struct cpu *c)
{
    void (*fn)(void *) = __atomic_load_n(&c->call_fn, __ATOMIC_ACQUIRE);
    if (fn) {
        fn(c->call_arg);
        __atomic_store_n(&c->call_fn, NULL, __ATOMIC_RELAXED);
        __atomic_store_n(&c->call_busy, 0u, __ATOMIC_RELEASE);
        smp_wake_word(&c->call_busy);
    }
}

void core_ipi_interrupt(void)
{
    struct cpu *c = this_cpu();
    unsigned why = __atomic_exchange_n(&c->ipi_pending, 0u, __ATOMIC_ACQ_REL);
    smp_wake_note_taken(c);
    if (why & SMP_IPI_CALL)
        answer_call(c);
    if (why & SMP_IPI_RESCHEDULE)
        run_note_change(c->id);
}

void core_cpu_call(unsigned cpu, void (*fn)(void *arg), void *arg)
{
    struct cpu *self = this_cpu();
    if (cpu >= cpu_count())
        return; /* not online: it holds no state anyone could ask about */
    if (cpu == self->id) {
        unsigned long flags = hal_irq_save();
        fn(arg);
        hal_irq_restore(flags);
        return;
    }
    struct cpu *t = cpu_by_id(cpu);
    unsigned long flags = hal_irq_save();
    while (__atomic_exchange_n(&t->call_lock.locked, 1u, __ATOMIC_ACQUIRE))
        smp_wait_word(&t->call_lock.locked, 0u); /* answers calls aimed at us meanwhile */
    t->call_arg = arg;
    __atomic_store_n(&t->call_busy, 1u, __ATOMIC_RELAXED);
    __atomic_store_n(&t->call_fn, fn, __ATOMIC_RELEASE);
    smp_post(cpu, SMP_IPI_CALL);
    smp_wait_word(&t->call_busy, 0u);
    spin_unlock(&t->call_lock);
    smp_wake_word(&t->call_lock.locked);
    hal_irq_restore(flags);
}

struct probe {
    unsigned cpu;
    uint64_t ns;
};

static void probe_here(void *arg)
{
    struct probe *p = arg;
    p->cpu = hal_cpu_id();
    p->ns = hal_time_ns();
}

const char *smp_selftest(void)
{
    for (unsigned id = 1; id < cpu_count(); id++) {
        struct probe p = {~0u, 0};
        uint64_t before = hal_time_ns();
        core_cpu_call(id, probe_here, &p);
        uint64_t after = hal_time_ns();
        if (p.cpu != id)
            return "a CPU did not run the call sent to it (core_cpu_call / IPI)";
        /* One clock for every CPU: guest time must not jump when a vCPU moves. */
        if (p.ns < before || p.ns > after)
            return "another CPU's clock disagrees with the boot CPU's";
    }
    return NULL;
}

/* One TEST line of smp_report(), counted in *passed or *failed. */
static void report_test(bool ok, const char *name, const char *what, unsigned n,
                        unsigned of, unsigned *passed, unsigned *failed)
{
    core_printf("TEST %s %s %u of %u %s\n", name, ok ? "PASS" : "FAIL", n, of, what);
    ++*(ok ? passed : failed);
}

void smp_report(unsigned *passed, unsigned *failed)
{
    if (reported < 2)
        return;
    report_test(started == reported, "smp.cpus-up", "CPUs the platform reported are up",
                started, reported, passed, failed);
    if (!__atomic_load_n(&released, __ATOMIC_ACQUIRE))
        return; /* no guests (the module-less self-check) */
    unsigned ran = 0;
    for (unsigned i = 0; i < cpu_count(); i++) {
        /* A quiet exit needs a vCPU running here: none means no guest ran here. */
        unsigned long exits = cpu_by_id(i)->quiet_exits;
        core_printf("BENCH smp.cpu%u.guest_exits %lu count\n", i, exits);
        ran += exits != 0;
    }
    smp_wake_report(passed, failed);
    if (check_all_ran)
        report_test(ran == cpu_count(), "smp.cpus-ran", "CPUs ran guests", ran, cpu_count(),
                    passed, failed);
}

void smp_check_all_ran(bool on)
{
    check_all_ran = on;
}
