/* SPDX-License-Identifier: MIT */
/*
 * Native x86 (32-bit) trap entry and exit (docs/native.md).  Every vector
 * builds one frame (struct nat_frame in platform.c): pusha, vector, error
 * code and the CPU's frame (eip cs eflags, and esp ss from user mode);
 * nat_trap(frame) (trap_ops.h) either delivers the trap to the kernel's handler
 * (and never returns) or returns to resume the frame as it is.
 */

#include "native_asm.h"

    .text
    /* Exceptions, the LAPIC timer (48), the event interrupt (49), int 0x80, spurious. */
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,48,49,128,255
    NAT_VEC \n
    .endr

nat_common:
    pusha
    mov %esp, %eax
    push %eax
    call nat_trap
    add $4, %esp
    popa
    add $8, %esp                /* vector, error code */
    iret

/*
 * void nat_resume_frame(void *f): f = pusha image, then the address of an
 * iret frame (on the target stack for kernel mode, with esp ss for user
 * mode).  Interrupts are off until the iret.
 */
    .globl nat_resume_frame
nat_resume_frame:
    mov 4(%esp), %esp
    popa
    pop %esp
    iret

    .section .rodata
    .balign 4
    .globl nat_vector_stubs
nat_vector_stubs:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,48,49,128,255
    .long nat_vec\n
    .endr

    .bss
    NAT_ENTRY_STACK

    .section .note.GNU-stack, "", @progbits
