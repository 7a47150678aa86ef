/* SPDX-License-Identifier: MIT */
/*
 * The native ppc (e500v2) kernel's entry and interrupt vectors
 * (docs/native.md).
 *
 * QEMU's ppce500 direct boot (-kernel ELF) enters nat_boot at its physical
 * address, supervisor state, translation space 0, with TLB1 entry 0
 * mapping [0, 64 MiB) at 0 and r3 = the device tree.  nat_boot adds a
 * 256 MiB TLB1 entry mapping physical 0 at NATIVE_VIRT_BASE, where the
 * kernel is linked, jumps there and calls nat_ppc_main(dtb).
 *
 * Interrupts: every vector saves all registers into nat_frame (the
 * interrupted r1 parked in SPRG1), then nat_trap(frame) runs in C on the
 * entry stack; it delivers the trap to the kernel (and does not come back)
 * or returns, and the frame is loaded again.  The TLB-miss vectors first
 * try the refill from the page tables (pt.c) here, with four registers
 * and CR parked in nat_tlb_scratch, and rfi straight back; a miss without
 * a mapping goes the common way as a page fault.  Nothing here takes a
 * TLB miss itself: the kernel image, its data and the page tables are in
 * the TLB1 direct map, and interrupts are off (every interrupt clears EE).
 */
#include "native_ppc.h"

#define IVOR_DTLB 13
#define IVOR_ITLB 14

    .section .text.vectors, "ax"
    .balign 65536
    .globl nat_ivpr_base
nat_ivpr_base:

.macro VEC n
    .balign 16
    .globl nat_vec_\n
nat_vec_\n:
    mtspr   SPR_SPRG1, r1
    lis     r1, nat_frame@ha
    addi    r1, r1, nat_frame@l
    stw     r3, FR_GPR(3)(r1)
    li      r3, \n
    b       nat_common
.endm
.macro TLBVEC n, ea
    .balign 16
    .globl nat_vec_\n
nat_vec_\n:
    mtspr   SPR_SPRG1, r1
    lis     r1, nat_tlb_scratch@ha
    addi    r1, r1, nat_tlb_scratch@l
    stw     r3, 0(r1)
    stw     r4, 4(r1)
    li      r3, \n
    mfspr   r4, \ea
    b       nat_tlb_miss
.endm
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,15,32,33,34,35
    VEC \n
    .endr
    TLBVEC IVOR_DTLB, SPR_DEAR
    TLBVEC IVOR_ITLB, SPR_SRR0

/*
 * The refill: r1 = nat_tlb_scratch (r3, r4 saved), r3 = the IVOR, r4 = the
 * address.  The user window [4 KiB, NATIVE_VIRT_BASE) is the current user
 * space's (TID = PID0), the rest the kernel's (TID 0: every PID matches),
 * the latter from supervisor state only.
 */
nat_tlb_miss:
    stw     r5, 8(r1)
    stw     r6, 12(r1)
    stw     r3, 20(r1)
    mfcr    r3
    stw     r3, 16(r1)
    lis     r5, NATIVE_VIRT_BASE@h
    cmplw   r4, r5
    bge     1f
    cmplwi  r4, 0x1000
    blt-    slow
    lis     r5, nat_pt_user@ha
    lwz     r5, nat_pt_user@l(r5)
    mfspr   r6, SPR_PID0
    b       2f
1:  mfsrr1  r5
    andi.   r5, r5, MSR_PR
    bne-    slow
    lis     r5, nat_pt_kernel@ha
    lwz     r5, nat_pt_kernel@l(r5)
    li      r6, 0
2:  cmpwi   r5, 0
    beq-    slow
    rlwinm  r3, r4, 12, 20, 29          /* (ea >> 22) * 4 */
    lwzx    r3, r5, r3                  /* the leaf table's address | PTE_VALID */
    andi.   r5, r3, PTE_VALID
    beq-    slow
    rlwinm  r3, r3, 0, 0, 19
    rlwinm  r5, r4, 22, 20, 29          /* ((ea >> 12) & 1023) * 4 */
    lwzx    r3, r3, r5                  /* the entry: MAS3 | PTE_VALID */
    andi.   r5, r3, PTE_VALID
    beq-    slow
    xori    r3, r3, PTE_VALID
    mtspr   SPR_MAS3, r3
    rlwinm  r5, r6, 16, 8, 15           /* MAS1: valid, TID, TS 0, 4 KiB */
    oris    r5, r5, MAS1_VALID@h
    ori     r5, r5, 0x100
    mtspr   SPR_MAS1, r5
    rlwinm  r5, r4, 0, 0, 19            /* MAS2: the page, M as the hypervisor's */
    ori     r5, r5, MAS2_M
    mtspr   SPR_MAS2, r5
    li      r5, 0
    mtspr   SPR_MAS7, r5
    lis     r6, nat_tlb0_victim@ha      /* MAS0: TLB0, round-robin way */
    lwz     r5, nat_tlb0_victim@l(r6)
    lis     r3, nat_tlb0_ways@ha
    lwz     r3, nat_tlb0_ways@l(r3)
    addi    r5, r5, 1
    cmplw   r5, r3
    blt     3f
    li      r5, 0
3:  stw     r5, nat_tlb0_victim@l(r6)
    slwi    r5, r5, 16
    mtspr   SPR_MAS0, r5
    isync
    tlbwe
    isync
    msync
    lwz     r3, 16(r1)
    mtcr    r3
    lwz     r3, 0(r1)
    lwz     r4, 4(r1)
    lwz     r5, 8(r1)
    lwz     r6, 12(r1)
    mfspr   r1, SPR_SPRG1
    rfi

slow:   /* a page fault: the registers as the vector found them, then the common path */
    lwz     r3, 16(r1)
    mtcr    r3
    lwz     r4, 4(r1)
    lwz     r5, 8(r1)
    lwz     r6, 12(r1)
    lwz     r3, 0(r1)
    lis     r1, nat_frame@ha
    addi    r1, r1, nat_frame@l
    stw     r3, FR_GPR(3)(r1)
    lis     r3, (nat_tlb_scratch + 20)@ha
    lwz     r3, (nat_tlb_scratch + 20)@l(r3)

/* r1 = nat_frame, r3 = the IVOR, the frame holds r3, SPRG1 the interrupted r1. */
nat_common:
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
    lis     r1, nat_entry_stack_top@ha
    addi    r1, r1, nat_entry_stack_top@l
    li      r0, 0
    stwu    r0, -16(r1)
    bl      nat_trap
    lis     r3, nat_frame@ha
    addi    r3, r3, nat_frame@l
    /* fall through: resume the frame as it is */

/*
 * void nat_resume_frame(struct nat_frame *f): load f and rfi there, MSR[WE]
 * cleared (an interrupt that woke nat_idle's doze returns awake).
 */
    .globl nat_resume_frame
nat_resume_frame:
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
    rlwinm  r4, r4, 0, 14, 12           /* WE off */
    mtsrr1  r4
    mr      r1, r3
    lwz     r0, FR_GPR(0)(r1)
    lwz     r2, FR_GPR(2)(r1)
    lwz     r3, FR_GPR(3)(r1)
    lmw     r4, FR_GPR(4)(r1)
    lwz     r1, FR_GPR(1)(r1)
    rfi

/* void nat_enter(entry, sp, msr): continue at entry with r1 = sp and that MSR. */
    .globl nat_enter
nat_enter:
    mtsrr0  r3
    mtsrr1  r5
    mr      r1, r4
    li      r0, 0
    rfi

/*
 * The entry: physical address, QEMU's TLB1 entry 0 maps it.  Position
 * independent until the jump to nat_high.
 */
    .globl nat_boot
nat_boot:
    mr      r31, r3
    lis     r4, (MAS0_TLBSEL1 | (1 << 16))@h   /* TLB1 entry 1 */
    mtspr   SPR_MAS0, r4
    lis     r4, (MAS1_VALID | MAS1_IPROT)@h
    ori     r4, r4, 9 << 8                      /* 4^9 KiB = 256 MiB */
    mtspr   SPR_MAS1, r4
    lis     r4, NATIVE_VIRT_BASE@h
    ori     r4, r4, MAS2_M
    mtspr   SPR_MAS2, r4
    li      r4, MAS3_SX | MAS3_SW | MAS3_SR     /* physical 0 */
    mtspr   SPR_MAS3, r4
    li      r4, 0
    mtspr   SPR_MAS7, r4
    isync
    tlbwe
    isync
    msync
    lis     r4, nat_high@ha
    addi    r4, r4, nat_high@l
    mtctr   r4
    bctr

    .text
nat_high:
    lis     r4, __bss_start@ha
    addi    r4, r4, __bss_start@l
    lis     r5, __bss_end@ha
    addi    r5, r5, __bss_end@l
    li      r0, 0
1:  cmplw   r4, r5
    bge     2f
    stw     r0, 0(r4)
    addi    r4, r4, 4
    b       1b
2:  lis     r1, nat_boot_stack_top@ha
    addi    r1, r1, nat_boot_stack_top@l
    stwu    r0, -16(r1)
    mr      r3, r31
    bl      nat_ppc_main
    trap

/* void nat_tlbwe(mas0, mas1, mas2, mas3, mas7) */
    .globl nat_tlbwe
nat_tlbwe:
    mtspr   SPR_MAS0, r3
    mtspr   SPR_MAS1, r4
    mtspr   SPR_MAS2, r5
    mtspr   SPR_MAS3, r6
    mtspr   SPR_MAS7, r7
    isync
    tlbwe
    isync
    msync
    blr

/* void nat_vectors_init(void): IVPR and the IVORs. */
    .globl nat_vectors_init
nat_vectors_init:
    lis     r3, nat_ivpr_base@ha
    addi    r3, r3, nat_ivpr_base@l
    mtspr   SPR_IVPR, r3
.macro SETIVOR n
    lis     r4, nat_vec_\n@ha
    addi    r4, r4, nat_vec_\n@l
    sub     r4, r4, r3
    .if \n < 16
    mtspr   400 + \n, r4
    .else
    mtspr   528 + \n - 32, r4
    .endif
.endm
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,32,33,34,35
    SETIVOR \n
    .endr
    isync
    blr

    .section .bss
    .balign 16
    .globl nat_frame
nat_frame:
    .space  FR_SIZE
    .balign 16
nat_tlb_scratch:
    .space  32
    .globl nat_tlb0_victim
nat_tlb0_victim:
    .space  4
    .balign 16
    .space  8192
nat_entry_stack_top:
    .space  16384
nat_boot_stack_top:

    .section .note.GNU-stack, "", @progbits
