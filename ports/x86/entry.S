/* SPDX-License-Identifier: MIT */
/*
 * x86 (32-bit) guest entry points.  The hypervisor enters _start in ring 1
 * with the start info in esi; trap/event/syscall entries find the
 * interrupted context in vcpu_info.trap, so they only need a stack.
 */
#include "asm-offsets.h" /* generated from asm-offsets.c: CTX_*, HYPERCALL_VECTOR */

    .section .text.entry, "ax"
    .globl _start
_start:
    call 1f
1:  pop %ebx
    lea (boot_stack_top - 1b)(%ebx), %esp
    xor %ebp, %ebp
    push %esi
    call port_start
    ud2

/* VCPUOP_up enters another vCPU here: esp = its own stack, esi = its struct cpu. */
    .globl arch_secondary_entry
arch_secondary_entry:
    and $-16, %esp
    sub $12, %esp
    xor %ebp, %ebp
    push %esi
    call port_secondary_start
    ud2

/* Leave room below the interrupted stack pointer, keep the ABI alignment. */
.macro ENTRY name, handler
    .globl \name
    .type \name, @function
\name:
    sub $128, %esp
    and $-16, %esp
    xor %ebp, %ebp
    call \handler
    ud2
.endm

    .text
    ENTRY arch_event_entry, port_event_handler
    ENTRY arch_exception_entry, port_exception_handler

/*
 * System calls arrive two ways (hestia/arch/x86.h): delivered by the
 * hypervisor through the trap record like every trap (the first of a
 * thread), or straight from the CPU through the int 0x80 trap gate, with
 * the user's eip cs eflags esp ss on this (kernel) stack and its other
 * registers live.  x86_syscall_entry() tells them apart by the record's
 * busy flag and turns the second into the first.
 */
    .globl arch_syscall_entry
    .type arch_syscall_entry, @function
arch_syscall_entry:
    pusha
    mov %esp, %eax
    and $-16, %esp
    sub $12, %esp
    push %eax
    xor %ebp, %ebp
    call x86_syscall_entry
    ud2

/*
 * x86_user_iret(const struct sys_frame *f): the user's registers as
 * arch_syscall_entry saved them (pusha order, then eip cs eflags esp ss):
 * load them and iret to ring 3 (arch_syscall_resume in arch.c).  Nothing
 * below esp is needed once it points at the frame.
 */
    .globl x86_user_iret
    .type x86_user_iret, @function
x86_user_iret:
    mov 4(%esp), %esp
    popa
    iret

#ifndef PORT_NATIVE /* the native kernel calls ports/common/native/hcall.c instead */
/* long arch_hypercall(nr, a0, a1, a2, a3, a4): int 0x82, eax = nr, ebx ecx edx esi edi. */
    .globl arch_hypercall
    .type arch_hypercall, @function
arch_hypercall:
    push %ebx
    push %esi
    push %edi
    mov 16(%esp), %eax
    mov 20(%esp), %ebx
    mov 24(%esp), %ecx
    mov 28(%esp), %edx
    mov 32(%esp), %esi
    mov 36(%esp), %edi
    int $HYPERCALL_VECTOR
    pop %edi
    pop %esi
    pop %ebx
    ret
#endif

    .globl arch_read_counter
arch_read_counter:
    rdtsc
    ret

/* struct arch_ctx slots (port/arch_ctx.h): ebx esi edi ebp esp eip */
.macro SAVE_CTX reg
    mov %ebx, CTX_EBX(\reg)
    mov %esi, CTX_ESI(\reg)
    mov %edi, CTX_EDI(\reg)
    mov %ebp, CTX_EBP(\reg)
    lea 4(%esp), %eax           /* past the return address */
    mov %eax, CTX_ESP(\reg)
    mov (%esp), %eax
    mov %eax, CTX_EIP(\reg)
.endm
.macro LOAD_CTX reg
    mov CTX_EBX(\reg), %ebx
    mov CTX_ESI(\reg), %esi
    mov CTX_EDI(\reg), %edi
    mov CTX_EBP(\reg), %ebp
    mov CTX_ESP(\reg), %esp
.endm

    .globl arch_switch
arch_switch:
    mov 4(%esp), %ecx
    mov 8(%esp), %edx
    SAVE_CTX %ecx
    LOAD_CTX %edx
    jmp *CTX_EIP(%edx)

    .globl arch_setjmp
arch_setjmp:
    mov 4(%esp), %ecx
    SAVE_CTX %ecx
    xor %eax, %eax
    ret

    .globl arch_longjmp
arch_longjmp:
    mov 4(%esp), %ecx
    mov 8(%esp), %eax
    LOAD_CTX %ecx
    jmp *CTX_EIP(%ecx)

/* Probes: the faulting instruction and its recovery point are listed in
 * .rodata.probes; arch_probe_fixup() moves eip there and the probe returns -1. */
.macro PROBE_FIX fault, fix
    .pushsection .rodata.probes, "a"
    .long \fault, 0, \fix, 0
    .popsection
.endm

    .globl arch_probe_read
arch_probe_read:
    mov 4(%esp), %ecx
1:  mov (%ecx), %eax
3:  mov 4(%ecx), %edx
    mov 8(%esp), %ecx
    mov %eax, (%ecx)
    mov %edx, 4(%ecx)
    xor %eax, %eax
    ret
2:  mov $-1, %eax
    ret
    PROBE_FIX 1b, 2b
    PROBE_FIX 3b, 2b

    .globl arch_probe_write
arch_probe_write:
    mov 4(%esp), %ecx
    mov 8(%esp), %eax
    mov 12(%esp), %edx
1:  mov %eax, (%ecx)
3:  mov %edx, 4(%ecx)
    xor %eax, %eax
    ret
2:  mov $-1, %eax
    ret
    PROBE_FIX 1b, 2b
    PROBE_FIX 3b, 2b

    .globl arch_probe_invalid_op
arch_probe_invalid_op:
1:  ud2
    xor %eax, %eax
    ret
2:  mov $-1, %eax
    ret
    PROBE_FIX 1b, 2b

/* A probe that restores the segment registers and stack it may have changed
 * on recovery; eax = eaxval before the one instruction that must fault. */
.macro PRIVA name, eaxval, insn:vararg
    .globl \name
\name:
    push %ebx
    push %ds
    push %es
    push %fs
    push %gs
    mov %esp, %ebx
    mov $\eaxval, %eax
    .ifc \insn,iret
    push $0x202             /* a forged ring-0 frame: eflags, cs 0x08, eip */
    push $0x08
    push $0
    .endif
    .ifc \insn,lret
    push $0x08
    push $0
    .endif
    .ifc \insn,popf
    pushf                   /* IOPL 3 is silently ignored by popf; cli must still fault */
    orl $0x3000, (%esp)
    popf
    .endif
1:  .ifc \insn,popf
    cli
    .else
    \insn
    .endif
    xor %eax, %eax
    jmp 4f
2:  mov $-1, %eax
4:  mov %ebx, %esp
    pop %gs
    pop %fs
    pop %es
    pop %ds
    pop %ebx
    ret
    PROBE_FIX 1b, 2b
.endm
.macro PRIV name, insn:vararg
    PRIVA \name, 0, \insn
.endm
    PRIV priv_cli, cli
    PRIV priv_sti, sti
    PRIV priv_hlt, hlt
    PRIV priv_mov_cr3, mov %eax, %cr3
    PRIV priv_read_cr0, mov %cr0, %eax
    PRIV priv_lgdt, lgdt (%esp)
    PRIV priv_lidt, lidt (%esp)
    PRIV priv_wrmsr, wrmsr
    PRIV priv_rdmsr, rdmsr
    PRIV priv_in, inb $0x60, %al
    PRIV priv_out, outb %al, $0x80
    PRIV priv_invlpg, invlpg (%esp)
    /* Segmentation: every way toward ring 0 or a segment that covers the hypervisor. */
    PRIVA priv_ltr, 0x38, ltr %ax
    PRIVA priv_lldt, 0x38, lldt %ax
    PRIVA priv_ds_hyp, 0x10, mov %eax, %ds
    PRIVA priv_es_hyp, 0x10, mov %eax, %es
    PRIVA priv_fs_hyp, 0x10, mov %eax, %fs
    PRIVA priv_gs_hyp, 0x10, mov %eax, %gs
    PRIVA priv_ss_hyp, 0x10, mov %eax, %ss
    PRIVA priv_ss_user, 0x33, mov %eax, %ss
    PRIVA priv_ds_tss, 0x38, mov %eax, %ds
    PRIVA priv_ds_code0, 0x08, mov %eax, %ds
    PRIV priv_ljmp_ring0, ljmp $0x08, $0
    PRIV priv_lcall_ring0, lcall $0x08, $0
    PRIV priv_lcall_tss, lcall $0x38, $0
    PRIV priv_int_ring0, int $0x20
    PRIV priv_iret_ring0, iret
    PRIV priv_lret_ring0, lret
    PRIV priv_popf_iopl, popf

/* long x86_seg_read_<s>(addr) / x86_seg_write_<s>(addr): one 32-bit read,
 * or a locked or-with-0 (a write that changes nothing if it is allowed),
 * through segment register s: 0, or -1 if it faulted. */
.macro SEGPROBE seg
    .globl x86_seg_read_\seg
x86_seg_read_\seg:
    mov 4(%esp), %ecx
1:  mov %\seg:(%ecx), %eax
    xor %eax, %eax
    ret
2:  mov $-1, %eax
    ret
    PROBE_FIX 1b, 2b
    .globl x86_seg_write_\seg
x86_seg_write_\seg:
    mov 4(%esp), %ecx
1:  lock orl $0, %\seg:(%ecx)
    xor %eax, %eax
    ret
2:  mov $-1, %eax
    ret
    PROBE_FIX 1b, 2b
.endm
    SEGPROBE ds
    SEGPROBE es
    SEGPROBE fs
    SEGPROBE gs
    SEGPROBE ss
    SEGPROBE cs

/* Unprivileged descriptor-table instructions (no UMIP here). */
    .globl x86_sgdt, x86_sidt
x86_sgdt:
    mov 4(%esp), %eax
    sgdt (%eax)
    ret
x86_sidt:
    mov 4(%esp), %eax
    sidt (%eax)
    ret
/* long x86_lsl(sel): the segment limit, or -1 if the selector is not visible from here. */
    .globl x86_lsl
x86_lsl:
    mov $-1, %eax
    lsl 4(%esp), %edx
    jnz 1f
    mov %edx, %eax
1:  ret

/* long probe_call_asm(addr): call addr and return its result, or -1 if the
 * call faulted (arch_probe_fixup pops the return address). */
    .globl probe_call_asm
    .globl probe_call_return
probe_call_asm:
    mov 4(%esp), %eax
    call *%eax
    ret
probe_call_return:
    mov $-1, %eax
    ret

/* long arch_hypercall_wild_stack(sp): a null hypercall made with esp = sp
 * (the hypervisor must not use the guest's stack pointer). */
    .globl arch_hypercall_wild_stack
arch_hypercall_wild_stack:
    push %ebp
    push %ebx
    mov %esp, %ebp
    mov 12(%esp), %esp
    xor %eax, %eax          /* HYPERCALL_version(VERSION_abi) */
    xor %ebx, %ebx
    int $0x82
    mov %ebp, %esp
    pop %ebx
    pop %ebp
    ret

/* Position-independent code returning 7, copied by the exec tests. */
    .globl arch_ret7_code
    .globl arch_ret7_end
arch_ret7_code:
    mov $7, %eax
    ret
arch_ret7_end:

/* Ring-3 start of a user task at USER_BASE: eax, edx = the two arguments of
 * the function at ecx (cdecl wants them on the stack). */
    .section .user.text.entry, "ax"
    .globl x86_user_start
x86_user_start:
    and $-16, %esp
    sub $8, %esp
    push %edx
    push %eax
    call *%ecx
    ud2

    .section .bss
    .balign 16
boot_stack:
    .skip 16384
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
