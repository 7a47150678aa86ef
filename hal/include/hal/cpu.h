/* SPDX-License-Identifier: MIT */
/*
 * The physical CPU: interrupts, identity, idling, halting the machine.
 */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include "types.h"

#ifdef HAL_IRQ_INLINE
/*
 * The arch's own inline definitions of the two below (a header naming no
 * other arch file, e.g. arch/pc/include/pc/irq_inline.h): the build sets
 * HAL_IRQ_INLINE to its path for core and backend alike.
 */
#include HAL_IRQ_INLINE
#else
/*
 * Disable interrupts on this CPU and return the previous state for
 * hal_irq_restore().  Context: hypervisor, any.
 */
unsigned long hal_irq_save(void);

/* Restore the interrupt state returned by hal_irq_save(). */
void hal_irq_restore(unsigned long flags);
#endif

/*
 * The arch's per-CPU state (the running vCPU, the FPU owner, entry-path
 * scratch, ...).  Each arch defines struct hal_cpu in its private header;
 * core only holds pointers to it (struct cpu's arch member, core/cpu.h).
 */
struct hal_cpu;

/*
 * The calling physical CPU's struct hal_cpu, found through a per-CPU
 * register rather than a global: the task register on x86 and x86_64
 * (each CPU loads its own TSS), SPRG2 on ppc, ar.k7 on ia64.  Valid once
 * the arch's early CPU setup has run.  Context: any.
 */
struct hal_cpu *hal_this_cpu(void);

/*
 * Index of the calling physical CPU, 0..HAL_MAX_CPUS-1, read from the
 * same per-CPU register as hal_this_cpu().  core/ uses it to find its
 * struct cpu (this_cpu()).  Context: any.
 */
unsigned hal_cpu_id(void);

/*
 * Wait for an interrupt with interrupts enabled, run its handler, return
 * with interrupts disabled again.  Called by the scheduler when nothing is
 * runnable.  Context: hypervisor, interrupts disabled, no locks held.
 */
void hal_cpu_idle(void);

/*
 * One round of a spin-wait (x86 `pause`).  Under QEMU's round-robin TCG
 * (-icount, one host thread for every CPU) it also ends the spinning
 * CPU's turn, so the CPU it waits for gets to run.  Optional: core's
 * weak default (core/lib/spinlock.c) does nothing.  Context: any.
 */
void hal_cpu_relax(void);

/*
 * Halt until an inter-processor interrupt arrives (return at once if one
 * is pending), letting no other interrupt's handler run: the caller may be
 * waiting for the hypervisor lock, which a timer or device handler would
 * take.  Other interrupts stay pending for later.  The IPI's handler
 * (core_ipi_interrupt) may run.  Optional: core's weak default
 * (core/smp_wait.c) is hal_cpu_relax().  Context: hypervisor, any
 * interrupt state (restored on return).
 */
void hal_cpu_wait_ipi(void);

/*
 * End the run: report status to the emulator (0 = pass, anything else =
 * failure) through the arch's exit channel (isa-debug-exit, GUTS/pvpanic,
 * SSC exit), or power off / halt real hardware.  Never returns.
 */
HAL_NORETURN void hal_platform_exit(int status);

/* Stop this CPU forever with interrupts off (after a panic). */
HAL_NORETURN void hal_cpu_halt(void);

#endif
