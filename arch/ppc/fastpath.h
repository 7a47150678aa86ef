/* SPDX-License-Identifier: MIT */
/*
 * For the assembly fast paths (tlbmiss.S, syscall.S; after asm-offsets.h):
 * they park CR and the guest's r4-r6 in the vCPU's frame (r3 is there
 * already, from the vector) and take them back before they leave, by rfi
 * or to the common path (ppc_fast_fallback).
 */
#ifndef PPC_FASTPATH_H
#define PPC_FASTPATH_H

#define FR_GPR(n) (FR_GPR0 + (n) * FR_GPR_SIZE)

.macro UNPARK_CR_R4_R6
    lwz     r4, FR_CR(r1)
    mtcr    r4
    lwz     r4, FR_GPR(4)(r1)
    lwz     r5, FR_GPR(5)(r1)
    lwz     r6, FR_GPR(6)(r1)
.endm

#endif
