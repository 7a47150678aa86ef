/* SPDX-License-Identifier: MIT */
/*
 * Native x86_64 trap entry and exit (docs/native.md).  Every vector and
 * the syscall instruction build one frame (struct nat_frame in
 * platform.c): the general registers, vector, error code and the iret
 * frame; nat_trap(frame) (ports/x86/native/trap_ops.h) either delivers the trap to the kernel's
 * handler (and never returns) or returns to resume the frame as it is.
 */
#include "../../x86/native/native_asm.h"

#define VEC_SYSCALL 0x100

.macro PUSH_GPRS
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
.endm

    .text
    /* The exceptions, the LAPIC timer (48), the event interrupt (int $49), spurious (255). */
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,48,49,255
    NAT_VEC \n
    .endr

nat_common:
    PUSH_GPRS
    mov %rsp, %rdi
    call nat_trap
    jmp nat_restore

/* void nat_resume_frame(struct nat_frame *f): load f and iretq (interrupts off). */
    .globl nat_resume_frame
nat_resume_frame:
    mov %rdi, %rsp
nat_restore:
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp               /* vector, error code */
    iretq

/*
 * syscall from user mode: rcx = user rip, r11 = user rflags, rsp still the
 * user's; interrupts are off (SFMASK).  One CPU: a fixed entry stack.
 */
    .globl nat_syscall_entry
nat_syscall_entry:
    mov %rsp, nat_user_rsp(%rip)
    lea nat_entry_stack_top(%rip), %rsp
    push $0x23                  /* user ss */
    push nat_user_rsp(%rip)
    push %r11                   /* rflags */
    push $0x2b                  /* user cs */
    push %rcx                   /* rip */
    push $0
    push $VEC_SYSCALL
    jmp nat_common

    /* Stub addresses for the IDT: vectors 0-31, then 48, 49, 255. */
    .section .rodata
    .balign 8
    .globl nat_vector_stubs
nat_vector_stubs:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,48,49,255
    .quad nat_vec\n
    .endr

    .bss
    NAT_ENTRY_STACK
nat_user_rsp:
    .quad 0

    .section .note.GNU-stack, "", @progbits
