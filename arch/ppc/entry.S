/* SPDX-License-Identifier: MIT */
/*
 * Exception vectors and the way back into a guest.
 *
 * Every interrupt (the hypervisor never runs with MSR[EE] set, so in
 * practice every one comes from a guest) saves the full register state into
 * the frame SPRG0 points at (the running vCPU's, or ppc_boot_frame), then
 * switches to the hypervisor stack and calls ppc_exception(frame), which
 * never returns: it ends in hal_vcpu_run -> ppc_enter_guest.  Guest state
 * is saved before anything of the guest is trusted: r1 may point anywhere.
 */
#define FR_GPR(n) ((n) * 4)
#define FR_CR 128
#define FR_LR 132
#define FR_CTR 136
#define FR_XER 140
#define FR_PC 144
#define FR_MSR 148
#define FR_VEC 152
#define FR_DEAR 156
#define FR_ESR 160

#define SPRG0 272
#define SPRG1 273
#define DEAR 61
#define ESR 62
#define IVPR 63

    .section .text.vectors, "ax"
    .balign 0x10000
    .globl ppc_ivpr_base
ppc_ivpr_base:

.macro VEC n
    .balign 16
    .globl ppc_vec_\n
ppc_vec_\n:
    mtspr   SPRG1, r1
    mfspr   r1, SPRG0
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
    mfspr   r4, SPRG1
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
    mfspr   r4, DEAR
    stw     r4, FR_DEAR(r1)
    mfspr   r4, ESR
    stw     r4, FR_ESR(r1)
    mr      r3, r1
    lis     r1, hyp_stack_top@ha
    addi    r1, r1, hyp_stack_top@l
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
    mtspr   IVPR, r3
.macro SETIVOR n, spr
    lis     r4, ppc_vec_\n@ha
    addi    r4, r4, ppc_vec_\n@l
    sub     r4, r4, r3
    mtspr   \spr, r4
.endm
    SETIVOR 0, 400
    SETIVOR 1, 401
    SETIVOR 2, 402
    SETIVOR 3, 403
    SETIVOR 4, 404
    SETIVOR 5, 405
    SETIVOR 6, 406
    SETIVOR 7, 407
    SETIVOR 8, 408
    SETIVOR 9, 409
    SETIVOR 10, 410
    SETIVOR 11, 411
    SETIVOR 12, 412
    SETIVOR 13, 413
    SETIVOR 14, 414
    SETIVOR 15, 415
    SETIVOR 32, 528
    SETIVOR 33, 529
    SETIVOR 34, 530
    SETIVOR 35, 531
    lis     r3, ppc_boot_frame@ha
    addi    r3, r3, ppc_boot_frame@l
    mtspr   SPRG0, r3
    isync
    blr

/* void ppc_enter_guest(struct ppc_frame *f): load f and rfi to the guest. */
    .globl ppc_enter_guest
ppc_enter_guest:
    mtspr   SPRG0, r3
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
hyp_stack_top:

    .section .note.GNU-stack, "", @progbits
