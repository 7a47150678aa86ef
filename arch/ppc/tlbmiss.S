/* SPDX-License-Identifier: MIT */
/*
 * The guest TLB-miss fast path (IVOR13 data, IVOR14 instruction).
 *
 * A guest TLB miss whose page is mapped needs no C and no full save: with
 * five guest registers and CR parked in the vCPU's frame it walks the
 * space's software table (hal/pt_soft.h, three levels: the 4-entry root in
 * struct hal_as, then 512 and 512 entries), writes the TLB0 entry the C
 * refill would (ppc_tlb_refill, mmu.c) and `rfi`s straight back.  Anything
 * else goes to the common exit path with the guest's registers as they
 * were, and C decides as before: a miss from supervisor state (a
 * hypervisor bug), an address outside the mode's window, no space, a PID
 * of an old generation or not in the PID registers (ppc_load_pids first),
 * a missing table or page (a page fault for the guest), device memory
 * (WIMG I|G).  Nothing here can fault: the hypervisor's tables are in its
 * TLB1 direct map (TS 0) and interrupts stay off.
 *
 * In: r1 = the vCPU's frame (SPRG0; frame is the first member of struct
 * hal_vcpu), the guest's r1 in SPRG1, its r3 in the frame, r3 = the IVOR.
 */
#include <ppc/vectors.h>

#include "asm-offsets.h"

#define FR_GPR(n) (FR_GPR0 + (n) * FR_GPR_SIZE)

    .text
    .globl ppc_tlb_miss_fast
ppc_tlb_miss_fast:
    stw     r4, FR_GPR(4)(r1)
    stw     r5, FR_GPR(5)(r1)
    stw     r6, FR_GPR(6)(r1)
    stw     r7, FR_GPR(7)(r1)
    mfcr    r4
    stw     r4, FR_CR(r1)
    stw     r3, FR_VEC(r1)
    mfsrr1  r4
    andi.   r4, r4, MSR_PR_BIT
    beq-    slow                        /* from the hypervisor: C dumps and stops */
    /*
     * One CPU only.  With a second CPU up (ppc_sprs_eager, smp.c) under
     * QEMU's multi-threaded TCG, this path made multi-domain-2cpu's
     * cross-CPU ping-pong 2 to 10 times slower (and QEMU died of SIGSEGV
     * once); the cause is not found yet, so several CPUs refill in C.
     */
    lis     r4, ppc_sprs_eager@ha
    lbz     r4, ppc_sprs_eager@l(r4)
    cmpwi   r4, 0
    bne-    slow
    cmpwi   r3, PPC_IVOR_DTLB
    mfsrr0  r4                          /* instruction miss: the pc */
    bne     1f
    mfspr   r4, SPR_DEAR                /* data miss: the address */
1:  /* r4 = ea.  The space: the user window for either mode, the kernel's in kernel mode. */
    lis     r5, USER_VA_END_HI
    cmplw   r4, r5
    bge     2f
    cmplwi  r4, USER_VA_START
    blt-    slow
    lwz     r5, HV_USER(r1)
    b       3f
2:  lbz     r5, HV_IN_USER(r1)
    cmpwi   r5, 0
    bne-    slow
    lis     r5, KERNEL_VA_END_HI
    cmplw   r4, r5
    bge-    slow
    lwz     r5, HV_KERNEL(r1)
3:  cmpwi   r5, 0
    beq-    slow
    /* The space's PID must be current and in a PID register, else C reloads them. */
    lis     r6, ppc_pid_gen@ha
    lwz     r6, ppc_pid_gen@l(r6)
    lwz     r7, AS_PID_GEN(r5)
    cmplw   r6, r7
    bne-    slow
    isync                               /* acquire: the PID below is of that generation */
    lwz     r6, AS_PID(r5)
    mfspr   r7, SPR_PID0
    cmplw   r6, r7
    beq     4f
    mfspr   r7, SPR_PID1
    cmplw   r6, r7
    bne-    slow
4:  /* r6 = PID.  Root entry (ea >> 30), big-endian: the low word holds valid and the frame. */
    rlwinm  r7, r4, 5, 27, 28           /* (ea >> 30) * 8 */
    add     r7, r7, r5
    lwz     r3, AS_ROOT + 4(r7)
    andi.   r7, r3, PTE_VALID
    beq-    slow
    rlwinm  r3, r3, 0, 0, 19            /* the table's address (direct map: = physical) */
    rlwinm  r7, r4, 14, 20, 28          /* ((ea >> 21) & 511) * 8 */
    add     r3, r3, r7
    lwz     r3, 4(r3)
    andi.   r7, r3, PTE_VALID
    beq-    slow
    rlwinm  r3, r3, 0, 0, 19
    rlwinm  r7, r4, 23, 20, 28          /* ((ea >> 12) & 511) * 8 */
    add     r3, r3, r7
    lwz     r7, 0(r3)                   /* high word: frame bits 32.. = MAS7 */
    lwz     r3, 4(r3)
    andi.   r5, r3, PTE_VALID | PTE_UNCACHED
    cmpwi   r5, PTE_VALID
    bne-    slow                        /* absent, or device memory (C sets I|G) */
    mtspr   SPR_MAS7, r7
    /*
     * MAS3: the frame and the user permissions (pte bits 1..3 = MMU_PERM_READ,
     * WRITE, EXEC << 1; bit 5 = write allowed now, clear while dirty tracking
     * write-protects the page): UR = pte 0x2, UX = pte 0x8 << 2,
     * UW = (pte 0x4 << 1) & (pte 0x20 >> 2).
     */
    rlwinm  r5, r3, 0, 0, 19
    andi.   r7, r3, 0x2
    or      r5, r5, r7
    rlwinm  r7, r3, 2, 26, 26
    or      r5, r5, r7
    rlwinm  r7, r3, 1, 28, 28
    rlwinm  r3, r3, 30, 28, 28
    and     r7, r7, r3
    or      r5, r5, r7
    mtspr   SPR_MAS3, r5
    /* MAS1: valid, TID = PID, TS 1, 4 KiB.  MAS2: the page, M (coherent). */
    rlwinm  r5, r6, 16, 8, 15
    oris    r5, r5, 0x8000
    ori     r5, r5, 0x1100
    mtspr   SPR_MAS1, r5
    rlwinm  r5, r4, 0, 0, 19
    ori     r5, r5, 0x4
    mtspr   SPR_MAS2, r5
    /* MAS0: TLB0, the next way of this CPU's round robin. */
    mfspr   r5, SPR_SPRG2
    lwz     r6, CPU_TLB0_VICTIM(r5)
    lis     r7, ppc_tlb0_ways@ha
    lwz     r7, ppc_tlb0_ways@l(r7)
    addi    r6, r6, 1
    cmplw   r6, r7
    blt     5f
    li      r6, 0
5:  stw     r6, CPU_TLB0_VICTIM(r5)
    slwi    r6, r6, 16
    mtspr   SPR_MAS0, r6
    isync
    tlbwe
    isync
    msync
    lwz     r4, FR_CR(r1)
    mtcr    r4
    lwz     r3, FR_GPR(3)(r1)
    lwz     r4, FR_GPR(4)(r1)
    lwz     r5, FR_GPR(5)(r1)
    lwz     r6, FR_GPR(6)(r1)
    lwz     r7, FR_GPR(7)(r1)
    mfspr   r1, SPR_SPRG1
    rfi

slow:   /* the guest's registers back as the vector found them, then the common path */
    lwz     r4, FR_CR(r1)
    mtcr    r4
    lwz     r3, FR_VEC(r1)
    lwz     r4, FR_GPR(4)(r1)
    lwz     r5, FR_GPR(5)(r1)
    lwz     r6, FR_GPR(6)(r1)
    lwz     r7, FR_GPR(7)(r1)
    b       ppc_exc_common

    .section .note.GNU-stack, "", @progbits
