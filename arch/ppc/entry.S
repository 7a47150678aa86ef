/* SPDX-License-Identifier: MIT */
/*
 * Exception vectors and the way back into a guest.
 *
 * Every interrupt (the hypervisor never runs with MSR[EE] set, so in
 * practice every one comes from a guest) saves the full register state into
 * the frame SPRG0 points at (the running vCPU's, or the CPU's boot frame), then
 * switches to the hypervisor stack and calls ppc_exception(frame), which
 * never returns: it ends in hal_vcpu_run -> ppc_enter_guest.  Guest state
 * is saved before anything of the guest is trusted: r1 may point anywhere.
 */
#include "asm-offsets.h" /* generated from asm-offsets.c and ppc.h: FR_*, SPR_* */

#define FR_GPR(n) (FR_GPR0 + (n) * FR_GPR_SIZE)

    .section .text.vectors, "ax"
    .balign 0x10000
    .globl ppc_ivpr_base
ppc_ivpr_base:

.macro VEC n
    .balign 16
    .globl ppc_vec_\n
ppc_vec_\n:
    mtspr   SPR_SPRG1, r1
    mfspr   r1, SPR_SPRG0
    stw     r3, FR_GPR(3)(r1)
    li      r3, \n
    b       exc_common
.endm
    VEC 0
    VEC 1
    VEC 2
    VEC 3
    VEC 4
    VEC 5
    VEC 6
    VEC 7
    VEC 8
    VEC 9
    VEC 10
    VEC 11
    VEC 12
    VEC 13
    VEC 14
    VEC 15
    VEC 32
    VEC 33
    VEC 34
    VEC 35

exc_common:
    stw     r0, FR_GPR(0)(r1)
    stw     r2, FR_GPR(2)(r1)
    stmw    r4, FR_GPR(4)(r1)
    stw     r3, FR_VEC(r1)
    mfspr   r4, SPR_SPRG1
    stw     r4, FR_GPR(1)(r1)
    mfcr    r4
    stw     r4, FR_CR(r1)
    mflr    r4
    stw     r4, FR_LR(r1)
    mfctr   r4
    stw     r4, FR_CTR(r1)
    mfxer   r4
    stw     r4, FR_XER(r1)
    mfsrr0  r4
    stw     r4, FR_PC(r1)
    mfsrr1  r4
    stw     r4, FR_MSR(r1)
    mfspr   r4, SPR_DEAR
    stw     r4, FR_DEAR(r1)
    mfspr   r4, SPR_ESR
    stw     r4, FR_ESR(r1)
    mr      r3, r1
    mfspr   r1, SPR_SPRG2               /* this CPU's struct hal_cpu */
    lwz     r1, CPU_HYP_STACK_TOP(r1)
    li      r0, 0
    stwu    r0, -16(r1)
    bl      ppc_exception
1:  b       1b

    .text
/* void ppc_vectors_init(void): IVPR and the IVORs. */
    .globl ppc_vectors_init
ppc_vectors_init:
    lis     r3, ppc_ivpr_base@ha
    addi    r3, r3, ppc_ivpr_base@l
    mtspr   SPR_IVPR, r3
.macro SETIVOR n, spr
    lis     r4, ppc_vec_\n@ha
    addi    r4, r4, ppc_vec_\n@l
    sub     r4, r4, r3
    mtspr   \spr, r4
.endm
    SETIVOR 0, SPR_IVOR0
    SETIVOR 1, SPR_IVOR1
    SETIVOR 2, SPR_IVOR2
    SETIVOR 3, SPR_IVOR3
    SETIVOR 4, SPR_IVOR4
    SETIVOR 5, SPR_IVOR5
    SETIVOR 6, SPR_IVOR6
    SETIVOR 7, SPR_IVOR7
    SETIVOR 8, SPR_IVOR8
    SETIVOR 9, SPR_IVOR9
    SETIVOR 10, SPR_IVOR10
    SETIVOR 11, SPR_IVOR11
    SETIVOR 12, SPR_IVOR12
    SETIVOR 13, SPR_IVOR13
    SETIVOR 14, SPR_IVOR14
    SETIVOR 15, SPR_IVOR15
    SETIVOR 32, SPR_IVOR32
    SETIVOR 33, SPR_IVOR33
    SETIVOR 34, SPR_IVOR34
    SETIVOR 35, SPR_IVOR35
    mfspr   r3, SPR_SPRG2               /* ppc_cpu_init ran first */
    addi    r3, r3, CPU_BOOT_FRAME
    mtspr   SPR_SPRG0, r3
    isync
    blr

/* void ppc_enter_guest(struct ppc_frame *f): load f and rfi to the guest. */
    .globl ppc_enter_guest
ppc_enter_guest:
    mtspr   SPR_SPRG0, r3
    lwz     r4, FR_CR(r3)
    mtcr    r4
    lwz     r4, FR_LR(r3)
    mtlr    r4
    lwz     r4, FR_CTR(r3)
    mtctr   r4
    lwz     r4, FR_XER(r3)
    mtxer   r4
    lwz     r4, FR_PC(r3)
    mtsrr0  r4
    lwz     r4, FR_MSR(r3)
    mtsrr1  r4
    mr      r1, r3
    lwz     r0, FR_GPR(0)(r1)
    lwz     r2, FR_GPR(2)(r1)
    lwz     r3, FR_GPR(3)(r1)
    lmw     r4, FR_GPR(4)(r1)
    lwz     r1, FR_GPR(1)(r1)
    rfi

    .section .bss.stack, "aw", @nobits
    .balign 16
    .space  16384
    .globl ppc_hyp_stack_top
ppc_hyp_stack_top:

    .section .note.GNU-stack, "", @progbits
