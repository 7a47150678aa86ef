/* SPDX-License-Identifier: MIT */
/*
 * Time for guests: system time records and the guest one-shot timers.
 */
#ifndef CORE_TIMER_H
#define CORE_TIMER_H

#include "cpu.h"
#include "domain.h"

/* Fill v's vcpu_time_info from hal_time_counter()/hal_time_scale(). */
void timer_update_guest_time(struct vcpu *v);

/*
 * d's system time now: host time plus d->time_offset_ns, which a restore
 * sets so that the guest's time goes on from where it was saved.  Every
 * time the guest reads or gives (vcpu_time_info, set_timer, poll
 * timeouts) is in this time.
 */
uint64_t timer_guest_now(const struct domain *d);

/* A guest deadline as host time (0 if it is already due). */
uint64_t timer_guest_to_host(const struct domain *d, uint64_t guest_ns);

/*
 * HYPERCALL_set_timer: arm v's one-shot timer at deadline_ns (0 = cancel).
 * A deadline already past raises VIRQ_TIMER at once.
 */
long timer_set_guest(struct vcpu *v, uint64_t deadline_ns);

/*
 * Fire everything due at now on CPU c (the calling one, this_cpu()):
 * guest timers (VIRQ_TIMER) and poll timeouts (wake the vCPU).  Called
 * from core_timer_interrupt() and before scheduling.  Returns the earliest
 * deadline left (0 if none), read under the same lock as the last test:
 * the full pass arms the hardware timer with it instead of taking the
 * lock again (timer_next_deadline).  A timer armed later marks the change
 * (run_note_change), so the pass that follows arms it; one cancelled
 * later only costs an early interrupt.
 */
uint64_t timer_run_expired(struct cpu *c, uint64_t now);

/* Earliest pending deadline on CPU c's heap, 0 if none. */
uint64_t timer_next_deadline(struct cpu *c);

/* Allocate each online CPU's timer heap array (after sched_init; core/timer.c says why). */
void timer_init_cpus(void);

#endif
