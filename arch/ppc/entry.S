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
#include <ppc/vectors.h>

#include "asm-offsets.h" /* generated from asm-offsets.c and <ppc/arch.h>: FR_*, SPR_* */

#define FR_GPR(n) (FR_GPR0 + (n) * FR_GPR_SIZE)

    .section .text.vectors, "ax"
    .balign PPC_IVPR_ALIGN
    .globl ppc_ivpr_base
ppc_ivpr_base:

/*
 * Each vector parks r1 and r3, and goes to its path with r3 = its number
 * (syscall.S's path needs no number: it uses r3 at once, and sets it
 * again on the way to exc_common).
 */
.macro VEC n, path=exc_common, number=1
    .balign PPC_VECTOR_ALIGN
    .globl ppc_vec_\n
ppc_vec_\n:
    mtspr   SPR_SPRG1, r1
    mfspr   r1, SPR_SPRG0
    stw     r3, FR_GPR(3)(r1)
    .if \number
    li      r3, \n
    .endif
    b       \path
.endm
    VEC PPC_IVOR_CRITICAL
    VEC PPC_IVOR_MACHINE_CHECK
    VEC PPC_IVOR_DSI
    VEC PPC_IVOR_ISI
    VEC PPC_IVOR_EXTERNAL
    VEC PPC_IVOR_ALIGNMENT
    VEC PPC_IVOR_PROGRAM
    VEC PPC_IVOR_FP_UNAVAIL
    /* System calls from guest-user mode and trap_return try syscall.S first. */
    VEC PPC_IVOR_SYSCALL, ppc_syscall_fast, 0
    VEC PPC_IVOR_APU_UNAVAIL
    VEC PPC_IVOR_DECREMENTER
    VEC PPC_IVOR_FIT
    VEC PPC_IVOR_WATCHDOG
    /* TLB misses try the assembly refill first (tlbmiss.S), which falls back to exc_common. */
    VEC PPC_IVOR_DTLB, ppc_tlb_miss_fast
    VEC PPC_IVOR_ITLB, ppc_tlb_miss_fast
    VEC PPC_IVOR_DEBUG
    VEC PPC_IVOR_SPE_UNAVAIL
    VEC PPC_IVOR_SPE_FP_DATA
    VEC PPC_IVOR_SPE_FP_ROUND
    VEC PPC_IVOR_PERF_MON

    .globl ppc_exc_common
ppc_exc_common:
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
    SETIVOR PPC_IVOR_CRITICAL, SPR_IVOR0
    SETIVOR PPC_IVOR_MACHINE_CHECK, SPR_IVOR1
    SETIVOR PPC_IVOR_DSI, SPR_IVOR2
    SETIVOR PPC_IVOR_ISI, SPR_IVOR3
    SETIVOR PPC_IVOR_EXTERNAL, SPR_IVOR4
    SETIVOR PPC_IVOR_ALIGNMENT, SPR_IVOR5
    SETIVOR PPC_IVOR_PROGRAM, SPR_IVOR6
    SETIVOR PPC_IVOR_FP_UNAVAIL, SPR_IVOR7
    SETIVOR PPC_IVOR_SYSCALL, SPR_IVOR8
    SETIVOR PPC_IVOR_APU_UNAVAIL, SPR_IVOR9
    SETIVOR PPC_IVOR_DECREMENTER, SPR_IVOR10
    SETIVOR PPC_IVOR_FIT, SPR_IVOR11
    SETIVOR PPC_IVOR_WATCHDOG, SPR_IVOR12
    SETIVOR PPC_IVOR_DTLB, SPR_IVOR13
    SETIVOR PPC_IVOR_ITLB, SPR_IVOR14
    SETIVOR PPC_IVOR_DEBUG, SPR_IVOR15
    SETIVOR PPC_IVOR_SPE_UNAVAIL, SPR_IVOR32
    SETIVOR PPC_IVOR_SPE_FP_DATA, SPR_IVOR33
    SETIVOR PPC_IVOR_SPE_FP_ROUND, SPR_IVOR34
    SETIVOR PPC_IVOR_PERF_MON, SPR_IVOR35
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
