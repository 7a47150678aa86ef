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
 * stack), then the flags, FROM_USER and EVENTS_ENABLED as trap_deliver
 * would set them but not BUSY, which tells the guest's entry that the
 * other registers are still live and are its to store (ports/ppc/arch.c).
 * Events are masked as by any delivery, so no upcall can take the record
 * before the entry has filled it.  No C, no lock, no scheduler: nothing
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

#define FR_GPR(n) (FR_GPR0 + (n) * FR_GPR_SIZE)

    .text
    .globl ppc_syscall_fast
ppc_syscall_fast:
    stw     r4, FR_GPR(4)(r1)
    stw     r5, FR_GPR(5)(r1)
    stw     r6, FR_GPR(6)(r1)
    mfcr    r4
    stw     r4, FR_CR(r1)
    mfsrr1  r4
    andi.   r4, r4, MSR_PR_BIT
    beq-    slow                        /* from the hypervisor: C dumps and stops */
    lbz     r4, HV_IN_USER(r1)
    cmpwi   r4, 0
    beq     slow                        /* guest kernel: a hypercall */
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
    li      r4, TRAP_FROM_USER | TRAP_EVENTS_ENABLED
    cmpwi   r5, 0
    beq     1f
    li      r4, TRAP_FROM_USER
1:  stw     r4, VI_FLAGS(r3)
    li      r5, 1
    stb     r5, VI_MASK(r3)
    /* The vCPU as hal_vcpu_enter_handler leaves it; SRR1 stays GUEST_MSR (both modes'). */
    stb     r6, HV_IN_USER(r1)
    stw     r6, HV_VMSR(r1)
    lwz     r5, HV_SYS_ENTRY(r1)
    mtsrr0  r5
    lwz     r4, FR_CR(r1)
    mtcr    r4
    lwz     r3, FR_GPR(3)(r1)
    lwz     r4, FR_GPR(4)(r1)
    lwz     r5, FR_GPR(5)(r1)
    lwz     r6, FR_GPR(6)(r1)
    lwz     r1, HV_SYS_STACK(r1)
    rfi

slow:   /* the guest's registers back as the vector found them, then the common path */
    lwz     r4, FR_CR(r1)
    mtcr    r4
    lwz     r4, FR_GPR(4)(r1)
    lwz     r5, FR_GPR(5)(r1)
    lwz     r6, FR_GPR(6)(r1)
    li      r3, PPC_IVOR_SYSCALL
    b       ppc_exc_common

    .section .note.GNU-stack, "", @progbits
