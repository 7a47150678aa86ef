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

#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_suspend 2
#define SHUTDOWN_crash 3
#define SHUTDOWN_MAX 3

/* Wait until one of the ports is pending or the timeout (absolute ns, 0 = none). */
struct sched_poll {
    uint64_t ports;   /* guest pointer to uint32_t ports[nr_ports] */
    uint32_t nr_ports; /* at most SCHED_POLL_MAX */
    uint32_t pad;
    uint64_t timeout_ns;
};
#define SCHED_POLL_MAX 128

/*
 * HYPERCALL_set_timer(lo, hi): one-shot timer at absolute system time
 * ((hi << 32) | lo) ns; 0 cancels.  When it expires VIRQ_TIMER is raised.
 * The split keeps the call identical on 32-bit guests.
 */

#endif
