/* SPDX-License-Identifier: MIT */
/*
 * Interrupt, exception and syscall entry, and the return to a guest.
 *
 * A guest exit from ring 3 lands with RSP = TSS.RSP0 = the end of the
 * running vCPU's register frame, so the CPU and the code below store the
 * guest registers directly into struct hal_vcpu; then we switch to the
 * hypervisor stack and call C, which never returns here (it ends in
 * hal_vcpu_run).  An interrupt in ring 0 (only possible in hal_cpu_idle)
 * or a hypervisor fault builds the same frame on the current stack and
 * returns with iretq.
 */
#include <x86_common/vectors.h>

#include "asm-offsets.h" /* generated from asm-offsets.c: FRAME_CS, GUEST_CS, ... */

    /* struct x86_64_frame's order, pushed from its end: rdi ends lowest. */
    .macro PUSH_GPRS
    push %r15
    push %r14
    push %r13
    push %r12
    push %rbp
    push %rbx
    push %r11
    push %rcx
    push %rax
    push %r9
    push %r8
    push %r10
    push %rdx
    push %rsi
    push %rdi
    .endm

    .macro POP_GPRS
    pop %rdi
    pop %rsi
    pop %rdx
    pop %r10
    pop %r8
    pop %r9
    pop %rax
    pop %rcx
    pop %r11
    pop %rbx
    pop %rbp
    pop %r12
    pop %r13
    pop %r14
    pop %r15
    .endm

    .text
    X86_VECTOR_STUBS x86_64_vector_base, common_entry

common_entry:
    PUSH_GPRS
    cld
    mov %rsp, %rdi
    testb $SEL_RPL, FRAME_CS(%rsp)   /* from ring 3? */
    jz 1f
    swapgs                      /* from ring 3: GS is now this CPU's struct hal_cpu */
    mov %gs:CPU_HYP_STACK_TOP, %rsp
    call x86_64_trap_guest
    ud2
1:  call x86_64_trap_hyp
    POP_GPRS
    add $FRAME_VECTOR_ERROR_SIZE, %rsp
    iretq

    /*
     * syscall from ring 3 (guest kernel: hypercall; guest user: system
     * call).  FMASK cleared IF, TF, DF and AC; RSP is still the guest's.
     */
    .globl x86_64_syscall_entry
x86_64_syscall_entry:
    swapgs
    mov %rsp, %gs:CPU_SYSCALL_RSP
    mov %gs:CPU_FRAME_TOP, %rsp
    push $GUEST_SS
    push %gs:CPU_SYSCALL_RSP
    push %r11                   /* RFLAGS */
    push $GUEST_CS
    push %rcx                   /* RIP */
    push $0
    push $VEC_SYSCALL
    PUSH_GPRS                   /* no cld: FMASK cleared DF */
    mov %rsp, %rdi
    mov %gs:CPU_SELF, %rsi
    mov %gs:CPU_HYP_STACK_TOP, %rsp
    call x86_64_syscall
    ud2

    /*
     * Load the frame and iretq to ring 3.  iretq rather than sysret: it
     * restores every register and has no non-canonical-RIP trap in ring 0
     * (set_context and enter_handler keep RIP in the lower half anyway).
     */
    .globl x86_64_enter_guest
x86_64_enter_guest:
    mov %rdi, %rsp
    POP_GPRS
    add $FRAME_VECTOR_ERROR_SIZE, %rsp
    swapgs                      /* the guest's GS base back, ours into KERNEL_GS_BASE */
    iretq

	.section .note.GNU-stack,"",@progbits
