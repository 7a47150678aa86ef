/* SPDX-License-Identifier: MIT */
/* The smp scenario's FPU check (smp_fpu.c), run by the domU, judged by dom0. */
#ifndef PORT_SMP_FPU_H
#define PORT_SMP_FPU_H

#include <port/kernel.h>

#define SMP_FPU_VCPUS 4

/* In the report page the domU grants to dom0: fixed-width, filled by the domU. */
struct smp_fpu_result {
    uint32_t skipped, want, checks, bad, first_want, first_got;
};

/* domU: run the check on every vCPU and fill r. */
void smp_fpu_follows(struct smp_fpu_result *r);
/*
 * dom0: the verdict from the domU's numbers and the times dom0 moved the
 * domU's vCPUs to another CPU while the check ran (smp_test.c); with
 * several CPUs online fewer than SMP_FPU_MIN_MOVES fail the check.
 */
#define SMP_FPU_MIN_MOVES 10
void smp_fpu_verdict(const struct smp_fpu_result *r, unsigned moves, unsigned online);

/*
 * The arch's FPU/SSE token register (x86: xmm7), kept by the hypervisor
 * like every FPU register; arch_has_fpu_token() says whether it exists.
 */
bool arch_has_fpu_token(void);
void arch_fpu_token_set(uint32_t v);
uint32_t arch_fpu_token_get(void);

#endif
