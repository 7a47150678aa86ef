/* SPDX-License-Identifier: MIT */
/*
 * The direct system call (IVOR8 from guest-user mode), the ppc form of
 * x86's int 0x80 trap gate (include/public/hestia/arch/ppc.h, docs/abi.md).
 *
 * A user `sc` is a system call for the guest kernel: the hypervisor only
 * has to switch the vCPU to guest-kernel mode and send it to its syscall
 * entry on its kernel stack.  The C path (trap.c -> core_guest_syscall)
 * saves every register into the frame, copies them all into the trap
 * record, takes the hypervisor lock and goes out through the run loop and
 * a full load of the frame.  Here, with four registers and CR parked in
 * the frame, only what the hypervisor itself overwrites goes into the
 * record: the user's pc (SRR0) and r1 (in SPRG1; r1 becomes the kernel
 * stack), then the flags as trap_deliver sets them (BUSY, FROM_USER,
 * EVENTS_ENABLED) plus TRAP_FLAG_DIRECT, which tells the guest's entry
 * that the other registers are still live and are its to store
 * (ports/ppc/arch.c).  Events are masked and the record busy as after any
 * delivery, so no upcall can take the record before the entry has filled
 * it, and a fault in between is a double fault as it would be then.  No C, no lock, no scheduler: nothing
 * that ran decides anything the C path's exit would (the vCPU stays, its
 * events are masked).
 *
 * Taken only when all of this holds, else the C path as before:
 *  - from guest-user mode (a guest kernel's sc is a hypercall);
 *  - one CPU (ppc_sprs_eager clear): then the PID registers hold what
 *    ppc_load_pids loaded at this vCPU's entry and nothing ran since, so
 *    guest-kernel mode is PID0 = the kernel space's PID, PID1 = the user
 *    space's (now in PID0), as ppc_load_pids's shortcut would write them;
 *    its generation is checked against this CPU's TLB0 anyway, as
 *    tlbmiss.S does;
 *  - an entry, kernel stack and vcpu_info noted (hv->sys_info) by the last
 *    system call C delivered, and no set_callbacks or set_kernel_stack
 *    since (hal_vcpu_callbacks_changed clears them);
 *  - the trap record not busy (else C crashes the domain: a double fault);
 *  - both spaces present.
 *
 * In: r1 = the vCPU's frame (SPRG0; frame is the first member of struct
 * hal_vcpu), the guest's r1 in SPRG1, its r3 in the frame.  Interrupts
 * stay off; everything read is hypervisor memory in the TLB1 direct map.
 */
#include <ppc/vectors.h>

#include "asm-offsets.h"
#include "fastpath.inc"

    .text
    .globl ppc_syscall_fast
ppc_syscall_fast:
    mfcr    r3
    stw     r3, FR_CR(r1)
    mfsrr1  r3
    andi.   r3, r3, MSR_PR_BIT
    beq-    slow_cr                     /* from the hypervisor: C dumps and stops */
    lbz     r3, HV_IN_USER(r1)
    cmpwi   r3, 0
    beq     kernel_sc                   /* guest kernel: a hypercall */
    stw     r4, FR_GPR(4)(r1)
    stw     r5, FR_GPR(5)(r1)
    stw     r6, FR_GPR(6)(r1)
    lis     r4, ppc_sprs_eager@ha
    lbz     r4, ppc_sprs_eager@l(r4)
    cmpwi   r4, 0
    bne-    slow
    lwz     r3, HV_SYS_INFO(r1)
    cmpwi   r3, 0
    beq-    slow
    lwz     r4, VI_FLAGS(r3)
    andi.   r4, r4, TRAP_BUSY
    bne-    slow
    lwz     r4, HV_USER(r1)
    cmpwi   r4, 0
    beq-    slow
    lwz     r4, HV_KERNEL(r1)
    cmpwi   r4, 0
    beq-    slow
    mfspr   r5, SPR_SPRG2
    lwz     r5, CPU_TLB_GEN(r5)
    lwz     r6, AS_PID_GEN(r4)
    cmplw   r5, r6
    bne-    slow
    /* Committed.  Guest-kernel mode: the kernel's PID in PID0, the user's in PID1. */
    lwz     r4, AS_PID(r4)
    mfspr   r5, SPR_PID0
    mtspr   SPR_PID1, r5
    mtspr   SPR_PID0, r4
    /* The record: the user's pc and r1 (high words 0), the flags; events masked. */
    li      r6, 0
    mfsrr0  r5
    stw     r6, VI_PC(r3)
    stw     r5, VI_PC + 4(r3)
    mfspr   r5, SPR_SPRG1
    stw     r6, VI_R1(r3)
    stw     r5, VI_R1 + 4(r3)
    lbz     r5, VI_MASK(r3)
    li      r4, TRAP_BUSY | TRAP_DIRECT | TRAP_FROM_USER | TRAP_EVENTS_ENABLED
    cmpwi   r5, 0
    beq     1f
    li      r4, TRAP_BUSY | TRAP_DIRECT | TRAP_FROM_USER
1:  stw     r4, VI_FLAGS(r3)
    li      r5, 1
    stb     r5, VI_MASK(r3)
    /* The vCPU as hal_vcpu_enter_handler leaves it (its MSR[EE] is the mask just set);
     * SRR1 stays GUEST_MSR (both modes'). */
    stb     r6, HV_IN_USER(r1)
    lwz     r5, HV_SYS_ENTRY(r1)
    mtsrr0  r5
    UNPARK_CR_R4_R6
    lwz     r3, FR_GPR(3)(r1)
    lwz     r1, HV_SYS_STACK(r1)
    rfi

/*
 * HYPERCALL_trap_return(0) from guest-kernel mode, the other half of every
 * system call (and of every event and exception the guest handled): load
 * the context in the record and go there, without the frame, C or the run
 * loop.  The checks are hal_vcpu_set_context's (pc a 4-byte-aligned 32-bit
 * address, mode kernel or user), each word read once; then what
 * do_trap_return does (BUSY cleared, events masked unless the context had
 * them on: TRAP_FLAG_EVENTS_ENABLED decides, a kernel context's MSR[EE]
 * is not read, as in C where the flag's mask replaces the one
 * hal_vcpu_set_context took from MSR[EE]; the virtual MSR[EE] is that
 * mask, so nothing else is written).  C takes it when the context would get its events back with
 * one pending (the run loop delivers it), for TRAP_RETURN_BLOCK (it
 * blocks), on several CPUs, and into user mode without a user space or
 * with its PID not of this CPU's generation.  To user mode the PIDs go
 * back as ppc_load_pids loads them for user mode: the user space's (in
 * PID1 in kernel mode) into PID0, 0 into PID1.
 */
#define RHI(n) (VI_REGS + (n) * 8)
#define RLO(n) (VI_REGS + (n) * 8 + 4)
kernel_sc:
    cmpwi   r0, HC_TRAP_RETURN
    bne     slow_cr                     /* any other hypercall: C */
    lwz     r3, FR_GPR(3)(r1)           /* its flags */
    cmpwi   r3, 0
    bne-    slow_cr
    lis     r3, ppc_sprs_eager@ha
    lbz     r3, ppc_sprs_eager@l(r3)
    cmpwi   r3, 0
    bne-    slow_cr
    lwz     r3, HV_VINFO(r1)
    cmpwi   r3, 0
    beq-    slow_cr
    stw     r4, FR_GPR(4)(r1)
    stw     r5, FR_GPR(5)(r1)
    stw     r6, FR_GPR(6)(r1)
    stw     r7, FR_GPR(7)(r1)
    lwz     r5, RLO(REG_PC)(r3)         /* r5 = pc */
    lwz     r4, RHI(REG_PC)(r3)
    andi.   r6, r5, 3
    or.     r4, r4, r6
    bne-    slow7
    lwz     r6, RLO(REG_MODE)(r3)       /* r6 = mode */
    lwz     r4, RHI(REG_MODE)(r3)
    cmpwi   r4, 0
    bne-    slow7
    cmplwi  r6, MODE_USER
    bgt-    slow7
    lwz     r7, VI_FLAGS(r3)            /* r7 = the record's flags */
    andi.   r4, r7, TRAP_EVENTS_ENABLED
    beq     1f                          /* events stay masked */
    lbz     r4, VI_PENDING(r3)
    cmpwi   r4, 0
    bne-    slow7                       /* unmasked with one pending: C delivers it */
1:  cmpwi   r6, 0
    beq     2f
    lwz     r4, HV_USER(r1)
    cmpwi   r4, 0
    beq-    slow7
    lwz     r4, AS_PID_GEN(r4)
    mfspr   r6, SPR_SPRG2
    lwz     r6, CPU_TLB_GEN(r6)
    cmplw   r4, r6
    bne-    slow7
    /* Committed: guest-user mode. */
    mfspr   r4, SPR_PID1
    mtspr   SPR_PID0, r4
    li      r4, 0
    mtspr   SPR_PID1, r4
    li      r4, 1
    stb     r4, HV_IN_USER(r1)
2:  /* (guest-kernel mode: its MSR[EE] is the mask, set below from the flags) */
    mtsrr0  r5                          /* SRR1 stays GUEST_MSR (both modes') */
    rlwinm  r4, r7, 0, 0, 30            /* flags & ~TRAP_FLAG_BUSY (0x1) */
    stw     r4, VI_FLAGS(r3)
    rlwinm  r4, r7, 30, 31, 31          /* TRAP_FLAG_EVENTS_ENABLED (0x4) */
    xori    r4, r4, 1
    stb     r4, VI_MASK(r3)
    addi    r1, r3, VI_REGS + 4         /* the low words: regs[n] at 8n(r1) */
    lwz     r0, 8 * REG_CR(r1)
    mtcr    r0
    lwz     r0, 8 * REG_LR(r1)
    mtlr    r0
    lwz     r0, 8 * REG_CTR(r1)
    mtctr   r0
    lwz     r0, 8 * REG_XER(r1)
    mtxer   r0
    lwz     r0, 0(r1)
    .irp n, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    lwz     r\n, 8 * \n(r1)
    .endr
    lwz     r1, 8(r1)
    rfi

slow7:
    lwz     r7, FR_GPR(7)(r1)
slow:   /* r4-r6 parked too (tlbmiss.S) */
    li      r3, PPC_IVOR_SYSCALL
    b       ppc_fast_fallback
slow_cr: /* only CR parked: the guest's registers back as the vector found them */
    lwz     r3, FR_CR(r1)
    mtcr    r3
    li      r3, PPC_IVOR_SYSCALL
    b       ppc_exc_common

    .section .note.GNU-stack, "", @progbits
