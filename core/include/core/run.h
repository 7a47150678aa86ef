/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU run loop (core/run.c): which vCPU is current, entering the
 * next one, idling.  The arch-facing half is in hal/entry.h
 * (core_resume_vcpu, core_current_vcpu, core_timer_interrupt, ...).
 */
#ifndef CORE_RUN_H
#define CORE_RUN_H

#include "cpu.h"
#include "domain.h"
#include "trap.h"

/* Forget every CPU's current vCPU (boot, and between host tests). */
void run_init(void);

/*
 * Make v the vCPU current on this CPU (NULL: idle).  core_resume_vcpu()
 * does this itself; host tests use it to play a vCPU making hypercalls.
 */
void run_set_current(struct vcpu *v);

/*
 * v's domain stopped being able to run (shutdown, pause, destroy): if v
 * is current on this CPU, charge its time and forget it so the next
 * core_resume_vcpu() picks someone else.
 */
void run_vcpu_stopped(struct vcpu *v);

/*
 * d's vCPUs were just made not runnable (DOMCTL_pause, DOMCTL_destroy):
 * wait until no other CPU has one of them as current, i.e. each such CPU
 * took the full pass that switches away (run_vcpu_stopped() only made it
 * leave the guest; until that pass it may still use the vCPU, e.g. finish
 * a hypercall the vCPU made).  The hypervisor lock is dropped while
 * waiting (the caller holds it, d found under it; a reference keeps d):
 * the caller must hold nothing else and re-read what it looked up.  A vCPU
 * that became runnable again meanwhile is not waited for.  Returns false
 * if d is gone: its deferred teardown finished here.
 */
bool run_wait_domain_off_cpus(struct domain *d);

/*
 * Something the run loop decides from changed for the vCPUs of CPU cpu (or
 * of every CPU: RUN_ALL_CPUS): its next exit runs the full pass instead of
 * the quiet one.  With one CPU a flag is enough; a change aimed at another
 * CPU will also need an IPI to reach it before its next timer (issue 16).
 */
#define RUN_ALL_CPUS (~0u)
void run_note_change(unsigned cpu);

/*
 * The CPU time v has used: what the full passes charged plus, while v is
 * current, the stint since (quiet exits do not charge).
 */
uint64_t run_vcpu_runtime(const struct vcpu *v);

/*
 * core_resume_vcpu() for a caller that holds the hypervisor lock and knows
 * its struct cpu c (this_cpu()): core_hypercall_resume().
 */
struct hal_vcpu *run_resume_locked(struct cpu *c);
/* run_resume_locked() for a caller that found run_quiet_exit(c) NULL already. */
struct hal_vcpu *run_full_pass(struct cpu *c);

/*
 * The quiet exit (core/run.c): when nothing the run loop decides from has
 * changed since its last full pass, the vCPU current on c goes on (with a
 * pending event upcall injected); NULL when the full pass must run.  Under
 * the hypervisor lock.  Inline: every hypercall ends here.
 */
static inline struct hal_vcpu *run_quiet_exit(struct cpu *c)
{
    struct vcpu *cur = c->current;
    if (!cur || cur->state != VCPU_RUNNING ||
        __atomic_load_n(&c->changed, __ATOMIC_RELAXED))
        return NULL;
    c->quiet_exits++;
    if (cur->info->evtchn_upcall_pending) /* trap_inject_event's first test, inline */
        trap_inject_event(cur);
    return cur->hal;
}

#endif
