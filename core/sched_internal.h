/* SPDX-License-Identifier: MIT */
/*
 * Private to sched.c, sched_op.c and timer.c: the per-vCPU scheduler record
 * (which also holds the vCPU's two timer-heap entries, so that a vCPU costs
 * one allocation) and the timer functions the SCHEDOP glue needs.
 */
#ifndef CORE_SCHED_INTERNAL_H
#define CORE_SCHED_INTERNAL_H

#include <core/domain.h>

#define TIMER_NOT_QUEUED (~0u)

enum timer_kind { TIMER_GUEST, TIMER_POLL };

/* One entry of a per-CPU timer heap. */
struct timer_entry {
    uint64_t deadline;
    struct vcpu *v;
    unsigned heap_idx; /* TIMER_NOT_QUEUED when not armed */
    uint8_t cpu;       /* heap it is on (valid while queued) */
    uint8_t kind;      /* enum timer_kind */
};

/* Where a vCPU is, as far as the run queues know. */
enum sched_where { SCHED_NOWHERE, SCHED_QUEUED, SCHED_PARKED };

struct sched_vcpu {
    struct vcpu *v;
    struct sched_vcpu *q_next, *q_prev; /* run queue links */
    int64_t credit;                     /* ns; > 0 means UNDER */
    uint64_t slice_end;                 /* when the current slice ends */
    uint64_t run_start;                 /* credit burnt up to here while running */
    uint64_t period_ns;                 /* ns run in the current period */
    uint8_t where;                      /* enum sched_where */
    uint8_t prio;                       /* list it is queued on (SCHED_PRIO_*) */
    bool running;                       /* returned by sched_pick, not yet charged */
    bool yielded;                       /* SCHEDOP_yield: go behind everyone once */
    bool woke;                          /* blocked: boost the next enqueue if UNDER */
    uint32_t affinity;                  /* CPUs it may run on (bit n: CPU n); never 0 */
    struct timer_entry t_guest;         /* HYPERCALL_set_timer */
    struct timer_entry t_poll;          /* SCHEDOP_poll timeout */
    uint32_t *poll_buf;                 /* SCHED_POLL_MAX ports, allocated on first poll */
};

/* timer.c: arm / cancel v's poll timeout (0 = none). */
void timer_poll_arm(struct vcpu *v, uint64_t deadline_ns);
void timer_poll_cancel(struct vcpu *v);

/* timer.c: take both of v's timers off their heaps (vCPU destruction). */
void timer_vcpu_destroy(struct vcpu *v);

/* sched.c: end v's SCHEDOP_poll (ports and timeout).  v's own state is left alone. */
void sched_poll_end(struct vcpu *v);

#endif
