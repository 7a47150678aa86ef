/* SPDX-License-Identifier: MIT */
/*
 * Per physical CPU state (core/cpu.c).  Everything core keeps per CPU is a
 * member of struct cpu: the running vCPU (run.c), the scheduler's run
 * queues (sched.c) and the timer heap (timer.c); the arch keeps its own
 * per-CPU state in struct hal_cpu, reached through the arch member.  Code
 * on a CPU finds its own struct through this_cpu(); the scheduler reaches
 * another CPU's (work stealing, accounting) through cpu_by_id().
 */
#ifndef CORE_CPU_H
#define CORE_CPU_H

#include <hal/cpu.h>

#include "lib.h"

struct vcpu;
struct sched_vcpu;
struct timer_entry;

/* Scheduler priorities, highest first (sched.c documents the policy). */
enum { SCHED_PRIO_BOOST, SCHED_PRIO_UNDER, SCHED_PRIO_OVER, SCHED_NR_PRIO };

/* A FIFO run queue of struct sched_vcpu. */
struct sched_runq {
    struct sched_vcpu *head, *tail;
};

/* The scheduler's per-CPU part (sched.c). */
struct sched_cpu {
    spinlock_t lock;
    struct sched_runq q[SCHED_NR_PRIO];
    uint64_t next_period; /* copy of the global period boundary, 0 until the first pick */
    bool busy; /* its last pick was a vCPU (false: idle); others read it unlocked */
};

/* The timer heap of one CPU (timer.c): a binary min-heap by deadline. */
struct timer_heap {
    spinlock_t lock;
    struct timer_entry **e;
    unsigned n, cap;
};

/* Wake-up figures of one CPU (core/smp_wake.c); its own fields but ipi_posted_at. */
struct cpu_wake {
    uint32_t ipi_posted_at; /* the oldest IPI not taken: hal_time_ns() >> 4, 0: none */
    unsigned long ipi_taken, ipi_us_sum, ipi_us_max;
    unsigned long ipi_clock_behind;   /* IPIs taken at a time before their post's stamp */
    uint32_t ipi_clock_behind_max_ns; /* the most this CPU's clock was behind a sender's */
    unsigned long idles, idle_by_ipi,
        idle_by_timer; /* run loop idles and what ended them */
    unsigned long lock_waits, lock_us_sum, lock_us_max; /* hypervisor lock found taken */
};

struct cpu {
    unsigned id;          /* index, 0..HAL_MAX_CPUS-1 */
    bool online;          /* counted by cpu_init's nr_cpus */
    struct hal_cpu *arch; /* the arch's half; set when the CPU comes up */
    struct vcpu *current; /* run.c: vCPU running here, NULL when idle */
    struct sched_cpu sched;
    struct timer_heap timers;
    unsigned long
        timer_interrupts; /* core_timer_interrupt() calls (the conformance suite) */
    /*
     * run.c's quiet exit: set by whatever can change what the run loop would
     * decide here (a wake-up, a sleep, scheduler parameters, a timer armed or
     * cancelled, a timer interrupt); while it is clear, the vCPU that exited
     * goes straight back (run_note_change()).
     */
    bool changed;
    /* core/smp.c: reasons other CPUs interrupted this one, SMP_IPI_* bits. */
    unsigned ipi_pending;
    spinlock_t call_lock;       /* one core_cpu_call() aimed at this CPU at a time */
    void (*call_fn)(void *arg); /* the call waiting to run here, NULL when none */
    void *call_arg;
    uint32_t call_busy;        /* 1 from posting a call until it was run (smp_wait_word) */
    unsigned long quiet_exits; /* exits that skipped the full pass */
    unsigned long full_passes; /* exits that ran it */
    struct cpu_wake wake;
    /* core/smp_wait.c: the word this CPU is halted waiting for, and the value. */
    const volatile uint32_t *wait_word;
    uint32_t wait_want;
};

/*
 * Reset every CPU's core state and mark CPUs 0..nr_cpus-1 online (nr_cpus
 * is clamped to 1..HAL_MAX_CPUS).  The calling CPU's arch member is set
 * from hal_this_cpu().  Returns the clamped count.
 */
unsigned cpu_init(unsigned nr_cpus);

/* Private to this header's inline accessors (they sit on every guest exit). */
extern struct cpu core_cpus[HAL_MAX_CPUS];
extern unsigned core_nr_cpus;

/* Number of CPUs cpu_init() brought online. */
static inline unsigned cpu_count(void)
{
    return core_nr_cpus;
}

/* The calling CPU's struct cpu (hal_cpu_id() is below HAL_MAX_CPUS by contract). */
static inline struct cpu *this_cpu(void)
{
    return &core_cpus[hal_cpu_id()];
}

/* CPU id's struct cpu; ids at or beyond cpu_count() give CPU 0's. */
static inline struct cpu *cpu_by_id(unsigned id)
{
    return &core_cpus[id < core_nr_cpus ? id : 0];
}

#endif
