/* SPDX-License-Identifier: MIT */
/*
 * The physical CPU: interrupts, identity, idling, halting the machine.
 */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include "types.h"

/*
 * Disable interrupts on this CPU and return the previous state for
 * hal_irq_restore().  Context: hypervisor, any.
 */
unsigned long hal_irq_save(void);

/* Restore the interrupt state returned by hal_irq_save(). */
void hal_irq_restore(unsigned long flags);

/*
 * Index of the calling physical CPU, 0..HAL_MAX_CPUS-1.  core/ uses it to
 * find its per-CPU scheduler state.  Context: any.
 */
unsigned hal_cpu_id(void);

/*
 * Wait for an interrupt with interrupts enabled, run its handler, return
 * with interrupts disabled again.  Called by the scheduler when nothing is
 * runnable.  Context: hypervisor, interrupts disabled, no locks held.
 */
void hal_cpu_idle(void);

/*
 * End the run: report status to the emulator (0 = pass, anything else =
 * failure) through the arch's exit channel (isa-debug-exit, GUTS/pvpanic,
 * SSC exit), or power off / halt real hardware.  Never returns.
 */
HAL_NORETURN void hal_platform_exit(int status);

/* Stop this CPU forever with interrupts off (after a panic). */
HAL_NORETURN void hal_cpu_halt(void);

#endif
