/* SPDX-License-Identifier: MIT */
/*
 * The guest TLB-miss fast path (IVOR13 data, IVOR14 instruction), on every
 * CPU.
 *
 * A guest TLB miss whose page is mapped needs no C and no full save: with
 * four guest registers and CR parked in the vCPU's frame it walks the
 * space's software table (hal/pt_soft.h, three levels: the 4-entry root in
 * struct hal_as, then 512 and 512 entries), writes the TLB0 entry the C
 * refill would (ppc_tlb_refill, mmu.c) and `rfi`s straight back.  Anything
 * else goes to the common exit path with the guest's registers as they
 * were, and C decides as before: a miss from supervisor state (a
 * hypervisor bug), an address outside the mode's window, no space, a PID
 * not of this CPU's TLB generation or not in the PID registers
 * (ppc_load_pids first), a missing table or page (a page fault for the
 * guest), device memory (WIMG I|G).  Nothing here can fault: the
 * hypervisor's tables are in its TLB1 direct map (TS 0) and interrupts
 * stay off.
 *
 * MAS0 and MAS2 are the ones the miss itself loaded (e500 MAS register
 * updates on a TLB miss; QEMU's booke206_update_mas_tlb_miss): TLB0, the
 * way of the MMU's own next-victim counter, the missed page and MAS4's
 * default WIMGE, which ppc_mmu_init and ppc_mmu_secondary_init set to M
 * (coherent).  Only MAS1 (the space's PID: with PID1 the miss cannot know
 * which PID register matched), MAS3 and MAS7 are written.
 *
 * Several CPUs.  Everything it reads of the CPU is the CPU's own (the PID
 * registers, MAS, SPRG2's struct hal_cpu); the space's PID is used only if
 * it was handed out in the generation this CPU's TLB0 is clean for
 * (hal_cpu.tlb_gen, which only this CPU writes) and is in this CPU's PID
 * registers, so this CPU loaded it under pid_lock (ppc_load_pids) and is
 * in the space's running mask: a shootdown elsewhere interrupts it
 * (ppc_pt_flush_cpus), and that IPI is taken only after the rfi, so an
 * entry made from a PTE read before the change is gone before the
 * shootdown returns.  A space that gave up its PID (pid_gen 0) fails the
 * generation test and takes a new PID in C.
 *
 * In: r1 = the vCPU's frame (SPRG0; frame is the first member of struct
 * hal_vcpu), the guest's r1 in SPRG1, its r3 in the frame, r3 = the IVOR.
 * The slow path gives ppc_exc_common r3 = the IVOR again from cr1.
 */
#include <ppc/vectors.h>

#include "asm-offsets.h"
#include "fastpath.inc"

    .text
    .globl ppc_tlb_miss_fast
ppc_tlb_miss_fast:
    stw     r4, FR_GPR(4)(r1)
    stw     r5, FR_GPR(5)(r1)
    stw     r6, FR_GPR(6)(r1)
    mfcr    r4
    stw     r4, FR_CR(r1)
    cmpwi   cr1, r3, PPC_IVOR_DTLB      /* kept until slow: which vector */
    mfsrr1  r4
    andi.   r4, r4, MSR_PR_BIT
    beq-    slow                        /* from the hypervisor: C dumps and stops */
    mfsrr0  r4                          /* instruction miss: the pc */
    bne     cr1, 1f
    mfspr   r4, SPR_DEAR                /* data miss: the address */
1:  /* r4 = ea.  The space: the user window for either mode, the kernel's above it. */
    lis     r5, USER_VA_END_HI
    cmplw   r4, r5
    bge     2f
    cmplwi  r4, USER_VA_START
    blt-    slow
    lwz     r5, HV_USER(r1)
    b       3f
2:  lis     r5, KERNEL_VA_END_HI
    cmplw   r4, r5
    bge-    slow
    /*
     * The kernel window in user mode is no space either, but that needs no
     * test: user mode has PID0 = the user space's PID (or 255) and PID1 = 0,
     * never the kernel space's (1..254, another than the user space's).
     */
    lwz     r5, HV_KERNEL(r1)
3:  cmpwi   r5, 0
    beq-    slow
    /* The space's PID must be of this CPU's TLB generation and in a PID register. */
    mfspr   r3, SPR_SPRG2
    lwz     r3, CPU_TLB_GEN(r3)
    lwz     r6, AS_PID_GEN(r5)
    cmplw   r3, r6
    bne-    slow
    isync                               /* acquire: the PID below is of that generation */
    lwz     r6, AS_PID(r5)
    mfspr   r3, SPR_PID0
    cmplw   r6, r3
    beq     4f
    mfspr   r3, SPR_PID1
    cmplw   r6, r3
    bne-    slow
4:  /* MAS1: valid, TID = PID, TS 1, 4 KiB. */
    rlwinm  r6, r6, 16, 8, 15
    oris    r6, r6, 0x8000
    ori     r6, r6, 0x1100
    mtspr   SPR_MAS1, r6
    /* Root entry (ea >> 30), big-endian: the low word holds valid and the frame. */
    rlwinm  r6, r4, 5, 27, 28           /* (ea >> 30) * 8 */
    add     r6, r6, r5
    lwz     r3, AS_ROOT + 4(r6)
    andi.   r6, r3, PTE_VALID
    beq-    slow
    rlwinm  r3, r3, 0, 0, 19            /* the table's address (direct map: = physical) */
    rlwinm  r6, r4, 14, 20, 28          /* ((ea >> 21) & 511) * 8 */
    add     r3, r3, r6
    lwz     r3, 4(r3)
    andi.   r6, r3, PTE_VALID
    beq-    slow
    rlwinm  r3, r3, 0, 0, 19
    rlwinm  r6, r4, 23, 20, 28          /* ((ea >> 12) & 511) * 8 */
    add     r3, r3, r6
    lwz     r6, 0(r3)                   /* high word: frame bits 32.. = MAS7 */
    lwz     r3, 4(r3)
    andi.   r5, r3, PTE_VALID | PTE_UNCACHED
    cmpwi   r5, PTE_VALID
    bne-    slow                        /* absent, or device memory (C sets I|G) */
    mtspr   SPR_MAS7, r6
    /*
     * MAS3: the frame and the user permissions (pte bits 1..3 = MMU_PERM_READ,
     * WRITE, EXEC << 1; bit 5 = write allowed now, clear while dirty tracking
     * write-protects the page): UR 0x2 = pte 0x2, UX 0x20 = pte 0x8 << 2,
     * UW 0x8 = (pte 0x4 & pte 0x20 >> 3) << 1.
     */
    rlwinm  r5, r3, 0, 0, 19
    rlwimi  r5, r3, 0, 30, 30
    rlwimi  r5, r3, 2, 26, 26
    srwi    r6, r3, 3
    and     r6, r6, r3
    rlwimi  r5, r6, 1, 28, 28
    mtspr   SPR_MAS3, r5
    /* MAS0 and MAS2 as the miss loaded them; rfi synchronizes the context. */
    tlbwe
    UNPARK_CR_R4_R6
    lwz     r3, FR_GPR(3)(r1)
    mfspr   r1, SPR_SPRG1
    rfi

slow:
    li      r3, PPC_IVOR_ITLB
    bne     cr1, ppc_fast_fallback
    li      r3, PPC_IVOR_DTLB
/*
 * A fast path's way out (here and syscall.S) with r3 = the vector and the
 * guest's r4-r6 and CR parked in the frame: put them back as the vector
 * found them, then the common path.
 */
    .globl ppc_fast_fallback
ppc_fast_fallback:
    UNPARK_CR_R4_R6
    b       ppc_exc_common

    .section .note.GNU-stack, "", @progbits
