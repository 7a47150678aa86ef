/* SPDX-License-Identifier: MIT */
/*
 * The entry trampoline: IDT stubs, the common entry and the return to a
 * guest.  While a guest runs its page tables map nothing of the hypervisor
 * but these pages (read-only), the IDT/GDT/TSS next to them and this CPU's
 * entry stack (read-write), so this code must switch CR3 to the
 * hypervisor's tables before it touches anything else.
 *
 * An exit from ring 1/3 lands on the entry stack (TSS.ESP0); the frame is
 * completed there, CR3 switched, and C (x86_trap_guest, which copies the
 * frame into the vCPU) runs on the hypervisor stack and never returns
 * here: it ends in hal_vcpu_run -> x86_enter_guest.  An interrupt in
 * ring 0 (hal_cpu_idle) or a hypervisor fault (even one in the exit path,
 * under the guest's CR3) builds the same frame on the current stack and
 * returns with iret to the CR3 it came from.
 */
#include <x86_common/vectors.h>

#include "asm-offsets.h" /* generated from asm-offsets.c: FRAME_CS, SEL_KDATA, ... */

/* Pop a struct x86_frame and return from the interrupt. */
    .macro POP_FRAME_IRET
    pop %gs
    pop %fs
    pop %es
    pop %ds
    popa
    add $FRAME_VECTOR_ERROR_SIZE, %esp
    iret
    .endm

    .section .tramp.text, "ax"
    X86_VECTOR_STUBS x86_vector_base, tramp_common

tramp_common:
    pusha
    push %ds
    push %es
    push %fs
    push %gs
    mov $SEL_KDATA, %eax
    mov %eax, %ds
    mov %eax, %es
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    cld
    mov %cr3, %edx
    mov x86_hyp_cr3, %eax
    cmp %eax, %edx
    je 1f
    mov %eax, %cr3
1:  mov %esp, %eax
    testb $SEL_RPL, FRAME_CS(%esp)   /* from ring 1 or 3? */
    jz 2f
    str %cx                     /* this CPU's struct hal_cpu: TSS selector -> index */
    movzwl %cx, %ecx
    sub $SEL_TSS, %ecx
    shr $TSS_DESC_SHIFT, %ecx
    imul $CPU_SIZE, %ecx
    mov x86_cpus + CPU_HYP_STACK_TOP(%ecx), %esp
    push %eax
    call x86_trap_guest
    ud2
2:  push %edx                   /* the CR3 we came from */
    push %eax
    call x86_trap_hyp
    add $4, %esp
    pop %edx
    mov %cr3, %eax
    cmp %eax, %edx
    je 3f
    mov %edx, %cr3
3:
    POP_FRAME_IRET

    /*
     * x86_enter_guest(cr3, frame): frame is already on the entry stack
     * (the only stack mapped after the switch); load the guest view and
     * iret to ring 1 or 3.
     */
    .globl x86_enter_guest
x86_enter_guest:
    mov 4(%esp), %eax
    mov 8(%esp), %esp
    mov %eax, %cr3
    POP_FRAME_IRET

    .section .tramp.data, "aw"
    .align 4
    .globl x86_hyp_cr3
x86_hyp_cr3:
    .long 0

    .section .note.GNU-stack,"",@progbits
