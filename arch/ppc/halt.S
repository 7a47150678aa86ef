/* SPDX-License-Identifier: MIT */
/*
 * Halting the CPU until an interrupt (ppc_halt, <ppc/arch.h>): the idle
 * loop and the wait for another CPU (hal_cpu_wait_ipi) sleep here instead
 * of spinning.
 *
 * An e500 core dozes on MSR[WE] with HID0[DOZE] set (QEMU: check_pow_hid0)
 * and wakes only for an interrupt it takes, so MSR[EE] must be on.  The
 * hypervisor's vectors assume a guest was interrupted (entry.S), so while
 * halted the external-input and decrementer vectors point at
 * ppc_vec_halt_wake, which only clears EE and WE in SRR1 and returns: the
 * interrupt stays pending (the MPIC's output, TSR[DIS]) for the caller to
 * poll with EE off.  A wake-up that arrived before the halt is pending
 * already and is taken at once.  The vector clobbers r0, a volatile
 * register, only inside ppc_halt.
 */
#include "asm-offsets.h"

#define SPR_HID0 1008
#define HID0_DOZE_HI 0x0080 /* HID0[DOZE] = 0x00800000 */
#define MSR_WE_HI 0x0004    /* MSR[WE] = 0x00040000 */
#define MSR_EE_LO 0x8000

    .section .text.vectors, "ax" /* IVORs reach 64 KiB past IVPR */
    .balign 16
ppc_vec_halt_wake:
    mfsrr1  r0
    rlwinm  r0, r0, 0, 17, 15 /* EE off */
    rlwinm  r0, r0, 0, 14, 12 /* WE off */
    mtsrr1  r0
    rfi

    .text
/* void ppc_halt(void): sleep until an external input or decrementer interrupt. */
    .globl ppc_halt
ppc_halt:
    mfspr   r5, SPR_IVOR4
    mfspr   r6, SPR_IVOR10
    lis     r3, ppc_ivpr_base@ha
    addi    r3, r3, ppc_ivpr_base@l
    lis     r4, ppc_vec_halt_wake@ha
    addi    r4, r4, ppc_vec_halt_wake@l
    sub     r4, r4, r3
    mtspr   SPR_IVOR4, r4
    mtspr   SPR_IVOR10, r4
    mfspr   r7, SPR_HID0
    oris    r8, r7, HID0_DOZE_HI
    mtspr   SPR_HID0, r8
    mfmsr   r9
    oris    r10, r9, MSR_WE_HI
    ori     r10, r10, MSR_EE_LO
    isync
    msync
    mtmsr   r10
    isync
    /* Woken: ppc_vec_halt_wake returned here with EE and WE off. */
    mtmsr   r9
    mtspr   SPR_HID0, r7
    mtspr   SPR_IVOR4, r5
    mtspr   SPR_IVOR10, r6
    isync
    blr
