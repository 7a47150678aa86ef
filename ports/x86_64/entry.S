/* SPDX-License-Identifier: MIT */
/*
 * x86_64 guest entry points.  The hypervisor enters _start in guest-kernel
 * mode (ring 3) with the start info in rsi; trap/event/syscall entries find
 * the interrupted context in vcpu_info.trap, so they only need a stack.
 */
#include "asm-offsets.h" /* generated from asm-offsets.c: CTX_*, HYPERCALL_VERSION */

    .section .text.entry, "ax"
    .globl _start
_start:
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %rsi, %rdi
    call port_start
    ud2

/* VCPUOP_up enters another vCPU here: rsp = its own stack, rsi = its struct cpu. */
    .globl arch_secondary_entry
arch_secondary_entry:
    and $-16, %rsp
    xor %ebp, %ebp
    mov %rsi, %rdi
    call port_secondary_start
    ud2

/* Leave room below the interrupted stack pointer, keep the ABI alignment. */
.macro ENTRY name, handler
    .globl \name
    .type \name, @function
\name:
    sub $128, %rsp
    and $-16, %rsp
    xor %ebp, %ebp
    call \handler
    ud2
.endm

    .text
    ENTRY arch_event_entry, port_event_handler
    ENTRY arch_exception_entry, port_exception_handler
    ENTRY arch_syscall_entry, port_syscall_handler

#ifndef PORT_NATIVE /* the native kernel calls ports/common/native/hcall.c instead */
/* long arch_hypercall(nr, a0, a1, a2, a3, a4): syscall, rax = nr,
 * rdi rsi rdx r10 r8 = a0..a4; rcx and r11 are clobbered by syscall. */
    .globl arch_hypercall
    .type arch_hypercall, @function
arch_hypercall:
    mov %rdi, %rax
    mov %rsi, %rdi
    mov %rdx, %rsi
    mov %rcx, %rdx
    mov %r8, %r10
    mov %r9, %r8
    syscall
    ret
#endif

    .globl arch_read_counter
arch_read_counter:
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    ret

/* struct arch_ctx slots (port/arch_ctx.h): rbx rbp r12 r13 r14 r15 rsp rip rdi */
.macro SAVE_CTX reg
    mov %rbx, CTX_RBX(\reg)
    mov %rbp, CTX_RBP(\reg)
    mov %r12, CTX_R12(\reg)
    mov %r13, CTX_R13(\reg)
    mov %r14, CTX_R14(\reg)
    mov %r15, CTX_R15(\reg)
    lea 8(%rsp), %rax           /* past the return address */
    mov %rax, CTX_RSP(\reg)
    mov (%rsp), %rax
    mov %rax, CTX_RIP(\reg)
.endm
.macro LOAD_CTX reg
    mov CTX_RBX(\reg), %rbx
    mov CTX_RBP(\reg), %rbp
    mov CTX_R12(\reg), %r12
    mov CTX_R13(\reg), %r13
    mov CTX_R14(\reg), %r14
    mov CTX_R15(\reg), %r15
    mov CTX_RSP(\reg), %rsp
.endm

    .globl arch_switch
arch_switch:
    SAVE_CTX %rdi
    LOAD_CTX %rsi
    mov CTX_RDI(%rsi), %rdi
    jmp *CTX_RIP(%rsi)

    .globl arch_setjmp
arch_setjmp:
    SAVE_CTX %rdi
    xor %eax, %eax
    ret

    .globl arch_longjmp
arch_longjmp:
    LOAD_CTX %rdi
    mov %rsi, %rax
    jmp *CTX_RIP(%rdi)

/* Probes: the faulting instruction and its recovery point are listed in
 * probe_table; arch_probe_fixup() moves rip there and the probe returns -1. */
.macro PROBE_FIX fault, fix
    .pushsection .rodata.probes, "a"
    .quad \fault, \fix
    .popsection
.endm

    .globl arch_probe_read
arch_probe_read:
1:  mov (%rdi), %rax
    mov %rax, (%rsi)
    xor %eax, %eax
    ret
2:  mov $-1, %rax
    ret
    PROBE_FIX 1b, 2b

    .globl arch_probe_write
arch_probe_write:
1:  mov %rsi, (%rdi)
    xor %eax, %eax
    ret
2:  mov $-1, %rax
    ret
    PROBE_FIX 1b, 2b

    .globl arch_probe_invalid_op
arch_probe_invalid_op:
1:  ud2
    xor %eax, %eax
    ret
2:  mov $-1, %rax
    ret
    PROBE_FIX 1b, 2b

.macro PRIV name, insn:vararg
    .globl \name
\name:
1:  \insn
    xor %eax, %eax
    ret
2:  mov $-1, %rax
    ret
    PROBE_FIX 1b, 2b
.endm
    PRIV priv_cli, cli
    PRIV priv_sti, sti
    PRIV priv_hlt, hlt
    PRIV priv_mov_cr3, mov %rax, %cr3
    PRIV priv_read_cr0, mov %cr0, %rax
    PRIV priv_lgdt, lgdt (%rsp)
    PRIV priv_lidt, lidt (%rsp)
    PRIV priv_wrmsr, wrmsr
    PRIV priv_rdmsr, rdmsr
    PRIV priv_in, inb $0x60, %al
    PRIV priv_out, outb %al, $0x80
    PRIV priv_invlpg, invlpg (%rsp)

/* long arch_probe_call(addr): call addr and return its result, or -1 if
 * the call faulted (arch_probe_fixup pops the return address). */
    .globl probe_call_asm
    .globl probe_call_return
probe_call_asm:
    call *%rdi
    ret
probe_call_return:
    mov $-1, %rax
    ret

/* long arch_hypercall_wild_stack(sp): a null hypercall made with rsp = sp
 * (the hypervisor must not use the guest's stack pointer). */
    .globl arch_hypercall_wild_stack
arch_hypercall_wild_stack:
    push %r12
    mov %rsp, %r12
    mov %rdi, %rsp
    mov $HYPERCALL_VERSION, %eax
    mov $VERSION_ABI, %edi
    syscall
    mov %r12, %rsp
    pop %r12
    ret

/* Position-independent code returning 7, copied by the exec tests. */
    .globl arch_ret7_code
    .globl arch_ret7_end
arch_ret7_code:
    mov $7, %eax
    ret
arch_ret7_end:

    .section .bss
    .balign 16
boot_stack:
    .skip 16384
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
