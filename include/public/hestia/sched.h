/* SPDX-License-Identifier: MIT */
/*
 * HYPERCALL_sched_op(cmd, arg) and HYPERCALL_set_timer.
 */
#ifndef HESTIA_PUBLIC_SCHED_H
#define HESTIA_PUBLIC_SCHED_H

#include "abi.h"

#define SCHEDOP_yield 0    /* give up the CPU; arg unused */
#define SCHEDOP_block 1    /* sleep until an event is pending (events unmasked) */
#define SCHEDOP_shutdown 2 /* arg = SHUTDOWN_* reason; does not return */
#define SCHEDOP_poll 3     /* arg = ptr to struct sched_poll */
/* arg = ptr to struct sched_report; dom0 only; does not return */
#define SCHEDOP_report 4

#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_suspend 2
#define SHUTDOWN_crash 3
#define SHUTDOWN_MAX 3

/* Wait until one of the ports is pending or the timeout (absolute ns, 0 = none). */
struct sched_poll {
    uint64_t ports;    /* guest pointer to uint32_t ports[nr_ports] */
    uint32_t nr_ports; /* at most SCHED_POLL_MAX */
    uint32_t pad;
    uint64_t timeout_ns;
};
#define SCHED_POLL_MAX 128

/*
 * The credit scheduler's accounting period.  A domain's weight and cap
 * (DOMCTL_sched_set) are shares of each such period, so a guest that
 * measures what it gets (a benchmark's timed loop, a share test) spans
 * whole periods of this length.
 */
#define SCHED_CREDIT_PERIOD_NS 30000000ull

/*
 * SCHEDOP_report: the privileged domain's final test verdict.  The
 * hypervisor prints `HESTIA DONE <passed> <failed>` itself (unprefixed, so
 * no domain can forge it: see docs/abi.md) and ends the run through the
 * platform's exit channel: pass when failed == 0, failure otherwise.
 * Errors: -EPERM from an unprivileged domain, -EFAULT for a bad pointer
 * (the call returns only with an error).
 */
struct sched_report {
    uint32_t passed; /* TEST ... PASS lines the domain printed */
    uint32_t failed; /* TEST ... FAIL lines the domain printed */
};

/*
 * HYPERCALL_set_timer(lo, hi): one-shot timer at absolute system time
 * ((hi << 32) | lo) ns; 0 cancels.  When it expires VIRQ_TIMER is raised.
 * The split keeps the call identical on 32-bit guests.
 */

#endif
