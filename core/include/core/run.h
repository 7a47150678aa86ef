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

#endif
