/* SPDX-License-Identifier: MIT */
/*
 * Book-E interrupt vectors as the e500v2 numbers them: IVOR n holds the
 * offset from IVPR of interrupt n's handler.  Plain numbers, for C and
 * entry.S alike; a trap frame's vector field holds one of them, and the
 * guest ABI's HESTIA_PPC_IVOR_* (the arch_vector of a trap record) are the
 * same numbers (trap.c checks it).
 */
#ifndef PPC_VECTORS_H
#define PPC_VECTORS_H

#define PPC_IVOR_CRITICAL 0
#define PPC_IVOR_MACHINE_CHECK 1
#define PPC_IVOR_DSI 2 /* data storage */
#define PPC_IVOR_ISI 3 /* instruction storage */
#define PPC_IVOR_EXTERNAL 4
#define PPC_IVOR_ALIGNMENT 5
#define PPC_IVOR_PROGRAM 6
#define PPC_IVOR_FP_UNAVAIL 7 /* e500v2 has no FPU */
#define PPC_IVOR_SYSCALL 8
#define PPC_IVOR_APU_UNAVAIL 9
#define PPC_IVOR_DECREMENTER 10
#define PPC_IVOR_FIT 11 /* fixed-interval timer */
#define PPC_IVOR_WATCHDOG 12
#define PPC_IVOR_DTLB 13 /* data TLB miss */
#define PPC_IVOR_ITLB 14 /* instruction TLB miss */
#define PPC_IVOR_DEBUG 15
#define PPC_IVOR_SPE_UNAVAIL 32
#define PPC_IVOR_SPE_FP_DATA 33
#define PPC_IVOR_SPE_FP_ROUND 34
#define PPC_IVOR_PERF_MON 35

/* IVPR keeps only the upper 16 bits of the vector base; IVORs drop the low 4. */
#define PPC_IVPR_ALIGN 0x10000
#define PPC_VECTOR_ALIGN 16

#endif
