/* SPDX-License-Identifier: MIT */
/*
 * ppc half of the vcpu-state round trip (vstate.c, port/vstate.h).
 *
 * void ppc_vstate_spin(void): load every guest-writable register from
 * ppc_vstate_in (struct vstate_regs in vstate.c: r0-r31, CR, LR, CTR, XER,
 * USPRG0, SPEFSCR), spin at ppc_vstate_spin_loop while CR bit 31 (the
 * release register) is 0, then store them all into ppc_vstate_out and
 * return with the C context restored.  r1's pattern is &ppc_vstate_out:
 * after the spin no register is free, so the one that addresses memory
 * is part of the pattern (dom0 knows it: same image, same address).
 */
#define V_CR 128
#define V_LR 132
#define V_CTR 136
#define V_XER 140
#define V_USPRG0 144
#define V_SPEFSCR 148
#define V_SPRG3 152 /* SPRG3-7 as a guest reads them (SPR 259-263) */
#define FRAME 96

    .text
    .globl ppc_vstate_spin
    .type ppc_vstate_spin, @function
ppc_vstate_spin:
    stwu    r1, -FRAME(r1)
    mflr    r0
    stw     r0, FRAME + 4(r1)
    stw     r2, 8(r1)
    stmw    r13, 12(r1)                 /* r13-r31: 12 .. 87 */
    mfcr    r0
    stw     r0, 88(r1)
    lis     r5, ppc_vstate_sp@ha
    stw     r1, ppc_vstate_sp@l(r5)
    lis     r4, ppc_vstate_out@ha
    addi    r4, r4, ppc_vstate_out@l
    mfspr   r5, 259                     /* SPRG3-7: readable, never the guest's */
    stw     r5, V_SPRG3(r4)
    mfspr   r5, 260
    stw     r5, V_SPRG3 + 4(r4)
    mfspr   r5, 261
    stw     r5, V_SPRG3 + 8(r4)
    mfspr   r5, 262
    stw     r5, V_SPRG3 + 12(r4)
    mfspr   r5, 263
    stw     r5, V_SPRG3 + 16(r4)
    lis     r3, ppc_vstate_in@ha
    addi    r3, r3, ppc_vstate_in@l
    lwz     r5, V_USPRG0(r3)
    mtspr   256, r5
    lwz     r5, V_SPEFSCR(r3)
    mtspr   512, r5
    lwz     r5, V_LR(r3)
    mtlr    r5
    lwz     r5, V_CTR(r3)
    mtctr   r5
    lwz     r5, V_XER(r3)
    mtxer   r5
    lwz     r5, V_CR(r3)
    mtcr    r5
    lmw     r4, 16(r3)
    lwz     r0, 0(r3)
    lwz     r1, 4(r3)
    lwz     r2, 8(r3)
    lwz     r3, 12(r3)
    .globl ppc_vstate_spin_loop
ppc_vstate_spin_loop:
    bf      31, ppc_vstate_spin_loop    /* no side effect: every register stays */
    stw     r0, 0(r1)
    stw     r1, 4(r1)
    stmw    r2, 8(r1)
    mfcr    r3
    stw     r3, V_CR(r1)
    mflr    r3
    stw     r3, V_LR(r1)
    mfctr   r3
    stw     r3, V_CTR(r1)
    mfxer   r3
    stw     r3, V_XER(r1)
    mfspr   r3, 256
    stw     r3, V_USPRG0(r1)
    mfspr   r3, 512
    stw     r3, V_SPEFSCR(r1)
    lis     r5, ppc_vstate_sp@ha
    lwz     r1, ppc_vstate_sp@l(r5)
    lwz     r0, 88(r1)
    mtcr    r0
    lmw     r13, 12(r1)
    lwz     r2, 8(r1)
    lwz     r0, FRAME + 4(r1)
    mtlr    r0
    addi    r1, r1, FRAME
    blr

    .section .bss
    .balign 4
ppc_vstate_sp:
    .space  4

    .section .note.GNU-stack, "", @progbits
