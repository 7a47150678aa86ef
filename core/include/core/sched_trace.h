/* SPDX-License-Identifier: MIT */
/*
 * The scheduler decision trace (core/sched_trace.c): a ring per physical
 * CPU of what its scheduler passes decided and why it woke (picks, wakes,
 * IPIs posted and taken, idle and the arch's doze), stamped with the
 * guest clock (hal_time_ns(): instructions under -icount), never printed
 * while the run goes on.  Printing moved the timings of the ppc/smp4
 * -icount flake enough to hide it (docs/smp.md); a ring store does not
 * print.  The rings are printed at HESTIA DONE when a test failed, or
 * always with the hypervisor command line word `schedtrace=dump`.  With
 * `schedtrace=freeze` every ring stops at the first IPI acted on 5 ms or
 * more after it was posted: under -icount everything before that moment
 * ran exactly as without the dump, so the rings show what led to it.
 *
 * Built in only with the meson option sched_trace=true (meson configure
 * build/<arch> -Dsched_trace=true): otherwise every hook is ((void)0), so
 * the scheduler's fast paths keep their instruction counts (built in, ppc's
 * bench cell read domain-switch 2581 instead of 2430 and evtchn-roundtrip
 * 9558 instead of 9153; off, every figure as on main).
 */
#ifndef CORE_SCHED_TRACE_H
#define CORE_SCHED_TRACE_H

#include <hal/types.h>

struct vcpu;

/* What one entry records (a, b: see each). */
enum sched_trace_ev {
    ST_PICK = 1,  /* a: vCPU picked (ST_VCPU), ST_IDLE_VCPU if none; b: ST_QUEUES */
    ST_WAKE,      /* a: vCPU; b: its CPU | where << 8 | running << 12 | affinity << 16 */
    ST_AFFINITY,  /* a: vCPU; b: its CPU | where << 8 | running << 12 | affinity << 16 */
    ST_IPI_POST,  /* on the sender: a: target CPU, b: reasons (SMP_IPI_*) */
    ST_IPI_TAKE,  /* a: 0, b: us since the first post (smp_wake_note_taken) */
    ST_IDLE,      /* hal_cpu_idle entered */
    ST_IDLE_END,  /* a: 1 an IPI ended it, 2 the core timer, 0 neither */
    ST_ARCH_DOZE, /* the arch halts: a, b arch words (ppc: DEC, TSR) */
    ST_ARCH_WOKE, /* the arch woke: a, b arch words (ppc: TSR, DEC) */
    ST_ARCH_IRQ,  /* the arch acknowledged an interrupt: a vector; b (ppc) 0 idle poll, 1 a
                     wait */
    ST_NR_EV
};

/* A vCPU as domid << 8 | vCPU id. */
#define ST_IDLE_VCPU 0xffffffffu

#if defined(HESTIA_SCHED_TRACE) && HESTIA_SCHED_TRACE
void sched_trace_note(unsigned ev, uint32_t a, uint32_t b);
void sched_trace_vcpu(unsigned ev, const struct vcpu *v);
void sched_trace_pick(unsigned cpu, const struct vcpu *v);
void sched_trace_cmdline(const char *cmdline);
void sched_trace_ipi_taken(uint32_t us);
void sched_trace_dump(bool failed);
#define SCHED_TRACE(ev, a, b) sched_trace_note((ev), (a), (b))
#define SCHED_TRACE_VCPU(ev, v) sched_trace_vcpu((ev), (v))
#define SCHED_TRACE_PICK(cpu, v) sched_trace_pick((cpu), (v))
#define SCHED_TRACE_CMDLINE(cmdline) sched_trace_cmdline(cmdline)
#define SCHED_TRACE_IPI_TAKEN(us) sched_trace_ipi_taken(us)
#define SCHED_TRACE_DUMP(failed) sched_trace_dump(failed)
#else
#define SCHED_TRACE(ev, a, b) ((void)0)
#define SCHED_TRACE_VCPU(ev, v) ((void)0)
#define SCHED_TRACE_PICK(cpu, v) ((void)0)
#define SCHED_TRACE_CMDLINE(cmdline) ((void)0)
#define SCHED_TRACE_IPI_TAKEN(us) ((void)0)
#define SCHED_TRACE_DUMP(failed) ((void)0)
#endif

#endif
