/* SPDX-License-Identifier: MIT */
/*
 * Secondary CPUs and work sent to another CPU (core/smp.c).
 */
#ifndef CORE_SMP_H
#define CORE_SMP_H

#include "lib.h"

/*
 * Start the platform's other CPUs (hal_cpu_start) and return how many CPUs
 * are up, the boot CPU included: the count to give sched_init().  A CPU
 * that does not answer is reported on the console and left out.  Called
 * once by core_main() before sched_init().
 */
unsigned smp_start_cpus(unsigned nr_reported);

/*
 * Let the started CPUs into the run loop; core_main() calls it once the
 * scheduler and dom0 are set up.
 */
void smp_release_cpus(void);

/* Why a CPU was interrupted (bits of struct cpu's ipi_pending). */
#define SMP_IPI_RESCHEDULE 0x1u /* its run loop must take a full pass */
#define SMP_IPI_CALL 0x2u       /* run the function in its call slot */
#define SMP_IPI_WAKE 0x4u       /* end its halt in smp_wait_word(): the word changed */

/* Set reason's bit in CPU cpu's ipi_pending and interrupt it (not this CPU). */
void smp_post(unsigned cpu, unsigned reason);

/*
 * Ask CPU cpu (online, not the caller) for a full pass of its run loop: a
 * vCPU it runs was woken, boosted or descheduled from elsewhere.
 */
void smp_kick(unsigned cpu);

/*
 * v is running on another CPU and something for it arrived (an event
 * upcall): interrupt that CPU so v exits and takes it at once.  Nothing
 * if v runs here or nowhere.
 */
struct vcpu;
void smp_kick_vcpu(struct vcpu *v);

/*
 * Running fn on another CPU is core_cpu_call() (hal/entry.h): one
 * mechanism for core and the HAL.  While it waits, the caller answers
 * calls aimed at itself (smp_wait_word), so two CPUs calling each other do
 * not deadlock.  fn must not block or call core_cpu_call() itself.
 */

/*
 * Wait until *word == want (core/smp_wait.c): answer this CPU's own IPIs
 * and relax for a few microseconds, then halt until an IPI
 * (hal_cpu_wait_ipi), over and over.  Whoever changes *word calls
 * smp_wake_word(word) afterwards, which interrupts the CPUs
 * halted waiting for the value *word holds then.  Used for the
 * hypervisor lock, core_cpu_call()'s slot and answer, and the release of
 * the secondary CPUs.
 */
void smp_wait_word(const volatile uint32_t *word, uint32_t want);
void smp_wake_word(const volatile uint32_t *word);

/*
 * Boot self-check with several CPUs (core_main's module-less boot): every
 * other CPU runs a core_cpu_call() on itself and reads a clock that agrees
 * with the boot CPU's.  NULL, or what failed in words.
 */
const char *smp_selftest(void);

/*
 * The hypervisor lock (core/hyplock.c): taken by every entry point from
 * the arch, released before the arch enters a guest or the CPU idles.
 * core_lock() returns whether this call took it (false: this CPU already
 * held it); pass that to core_unlock().  Waiting answers core_cpu_call()s.
 */
bool core_lock(void);
void core_unlock(bool taken);
bool core_lock_held(void);

/*
 * When the platform reported more than one CPU: the check that all of them
 * came up (TEST smp.cpus-up) and, once guests ran, each CPU's guest exits
 * (BENCH smp.cpu<N>.guest_exits) and the check that every CPU ran guests
 * (TEST smp.cpus-ran, asked by the hypervisor command line word `smp.all-ran`), each TEST
 * added to *passed or *failed.  Nothing with one CPU.  Called by console_report_done()
 * before the DONE line.
 */
void smp_report(unsigned *passed, unsigned *failed);

/*
 * Make smp_report() judge smp.cpus-ran (hypervisor command line word
 * `smp.all-ran`): only a scenario that keeps every CPU busy can ask it; a
 * mostly sequential one (isolation) may leave a CPU idle, rightly.
 */
void smp_check_all_ran(bool on);

/*
 * Wake-up figures (core/smp_wake.c), in host time in the realtime rows.
 * smp_wake_note_post(): an IPI is being sent to target;
 * smp_wake_note_taken(): the calling CPU took its IPIs;
 * smp_wake_lock_wait_begins()/_ends(): the hypervisor lock was found taken
 * and then got; smp_idle(): the run loop's idle (hal_cpu_idle), counted
 * with its cause; smp_wake_report(): BENCH lines per CPU and the check
 * smp.wake-figures, counted in *passed or *failed (smp_report()).
 */
struct cpu;
void smp_wake_note_post(struct cpu *target);
void smp_wake_note_taken(struct cpu *c);
void smp_idle(struct cpu *c);
uint32_t smp_wake_lock_wait_begins(void);
void smp_wake_lock_wait_ends(uint32_t began);
void smp_wake_report(unsigned *passed, unsigned *failed);

#endif
