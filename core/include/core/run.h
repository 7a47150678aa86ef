/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU run loop (core/run.c): which vCPU is current, entering the
 * next one, idling.  The arch-facing half is in hal/entry.h
 * (core_resume_vcpu, core_current_vcpu, core_timer_interrupt, ...).
 */
#ifndef CORE_RUN_H
#define CORE_RUN_H

#include "domain.h"

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

#endif
