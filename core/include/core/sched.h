/* SPDX-License-Identifier: MIT */
/*
 * Credit scheduler: proportional share by weight, optional cap, one run
 * queue per physical CPU (struct pcpu), nothing that assumes one CPU.
 *
 * Every SCHED_ACCOUNT_PERIOD_NS the credit of the period (one CPU-period
 * per physical CPU) is shared among active domains in proportion to their
 * weight (a domain that cannot hold its share, because it left its credit
 * unspent, passes the rest on), and split among their vCPUs.  Running
 * burns credit.  vCPUs with credit left (UNDER) run before those without
 * (OVER), round robin within a class.  A capped domain whose vCPUs have used cap% of a CPU
 * in the current period is parked until the next one.
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include "domain.h"

#define SCHED_SLICE_NS 10000000ull /* 10 ms time slice */
/* The 30 ms credit period: public (<hestia/sched.h>), guests measure in it. */
#define SCHED_ACCOUNT_PERIOD_NS SCHED_CREDIT_PERIOD_NS

/* Set up the run queues of nr_cpus physical CPUs. */
void sched_init(unsigned nr_cpus);

/* Per-domain / per-vCPU state.  Errors: -HESTIA_ENOMEM. */
int sched_domain_init(struct domain *d, unsigned weight, unsigned cap);
void sched_domain_destroy(struct domain *d);
int sched_vcpu_init(struct vcpu *v);
void sched_vcpu_destroy(struct vcpu *v);

/* Weight 1..DOMCTL_WEIGHT_MAX, cap 0 (none) ..100*nr_cpus: else -HESTIA_EINVAL. */
int sched_set_params(struct domain *d, unsigned weight, unsigned cap);
void sched_get_params(const struct domain *d, unsigned *weight, unsigned *cap);

/*
 * v's runnability changed (vcpu_runnable()): queue or dequeue it.
 * Context: any, interrupts disabled.
 */
void sched_wake(struct vcpu *v);
void sched_sleep(struct vcpu *v);

/* The running vCPU gives up the rest of its slice (not sched_yield: libc has that name). */
void sched_yield_vcpu(struct vcpu *v);

/*
 * Pick the vCPU to run next on cpu at time now, after charging prev (the
 * vCPU that ran since its last_start_ns, or NULL).  Returns NULL if nothing
 * can run (idle).  *deadline receives when the scheduler wants control back
 * (end of slice or of the period), 0 if never.
 */
struct vcpu *sched_pick(unsigned cpu, struct vcpu *prev, uint64_t now, uint64_t *deadline);

/* Nanoseconds v's domain has run in total (all vCPUs). */
uint64_t sched_domain_runtime(const struct domain *d);

/*
 * vCPU affinity: vCPU vcpu of d (SCHED_ALL_VCPUS: every one) may run only
 * on the CPUs in mask cpus (bit n: CPU n).  A vCPU queued or running on a
 * CPU it may no longer use moves at once (the CPU running it is kicked).
 * -HESTIA_EINVAL if cpus names no online CPU or vcpu does not exist.
 * sched_get_affinity: the mask of one vCPU (0 if there is none).
 */
#define SCHED_ALL_VCPUS 0xffffffffu
int sched_set_affinity(struct domain *d, unsigned vcpu, uint32_t cpus);
uint32_t sched_get_affinity(const struct domain *d, unsigned vcpu);

#endif
