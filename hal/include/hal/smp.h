/* SPDX-License-Identifier: MIT */
/*
 * Several physical CPUs: starting the secondary CPUs and interrupting
 * another CPU.  The boot CPU reports how many CPUs the platform has in
 * hal_boot_info.nr_cpus (the ACPI / MP tables on pc, the device tree's cpu
 * nodes on ppce500, ia64sim's SAL); core_main() starts the others with
 * hal_cpu_start() and they join the run loop through core_secondary_main().
 * An arch that cannot yet start CPUs links hal/lib/smp_none.c, reports
 * nr_cpus = 1 and runs on the boot CPU alone.
 */
#ifndef HAL_SMP_H
#define HAL_SMP_H

#include "types.h"

/*
 * Start secondary CPU id (1 .. nr_cpus-1 of the boot info).  The CPU sets
 * up its own per-CPU state (stack, the per-CPU register behind
 * hal_this_cpu(), traps, the hypervisor's address space, its timer) and
 * calls core_secondary_main() with interrupts disabled; it never returns
 * to the arch.  Returns 0 once the CPU has entered core_secondary_main(),
 * -HESTIA_ENODEV if the platform has no such CPU or it did not answer in
 * time (it is then left stopped and never counted).  Context: boot CPU,
 * from core_main(), interrupts disabled, one call at a time.
 */
int hal_cpu_start(unsigned id);

/*
 * Interrupt CPU id (another online CPU, never the caller): the target takes
 * an inter-processor interrupt as soon as its interrupts are enabled or it
 * next returns to the hypervisor from a guest, and calls
 * core_ipi_interrupt() with interrupts disabled.  Sends that arrive before
 * the target ran core_ipi_interrupt() may be merged into one; core keeps
 * the reasons itself.  Context: any, interrupts either way.
 */
void hal_ipi_send(unsigned id);

#endif
