/* SPDX-License-Identifier: MIT */
/* The smp scenario's kept-space check (smp_spare.c), run by the domU, judged by dom0. */
#ifndef PORT_SMP_SPARE_H
#define PORT_SMP_SPARE_H

#include <port/kernel.h>

/* In the report page the domU grants to dom0: fixed-width, filled by the domU. */
struct smp_spare_result {
    uint32_t want_rounds, rounds;
    uint32_t warm_bad;  /* vCPU 1's reads of the loaded space before the destroy: wrong */
    uint32_t early;     /* ... faulted before the destroy started */
    uint32_t stale;     /* a read begun after the destroy returned saw the old frame */
    uint32_t faults;    /* ... faulted (the space is no longer vCPU 1's) */
    uint32_t fresh;     /* ... saw the new space's frame (the same tables, reused) */
    uint32_t racing;    /* faults while the destroy ran: either outcome is right */
    uint32_t bad_value; /* a read that saw neither frame's pattern */
    uint32_t reuse_bad; /* vCPU 1 loaded the new space itself and did not read its frame */
    int32_t err;        /* the first failing call's error, or -1 for a timeout */
    uint32_t err_round;
};

/* domU: run the check (vCPU 0 and a thread on vCPU 1) and fill r. */
void smp_spare_check(struct smp_spare_result *r);
/* dom0: the verdict from the domU's numbers. */
void smp_spare_verdict(const struct smp_spare_result *r);

#endif
