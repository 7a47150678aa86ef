/* SPDX-License-Identifier: MIT */
/*
 * void x86_64_vstate_spin(void): the register half of the vcpu-state test
 * (ports/x86_64/vstate.c).  Loads the FPU/SSE image and every GPR but r15
 * from x86_64_vstate_in, sets DF, spins while r15 is 0 (dom0 releases it
 * through DOMCTL_set_vcpu_state), then stores every GPR, RFLAGS and the
 * FPU/SSE image into x86_64_vstate_out.  Offsets: struct vstate_regs in
 * vstate.c (gpr[16] at 0 in trap-record order, rflags at 128, fx at 144),
 * checked there with _Static_assert.  Events are masked by the caller: no
 * upcall runs on these registers.
 */
    .text
    .globl x86_64_vstate_spin
x86_64_vstate_spin:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, vstate_saved_rsp(%rip)
    fxrstor64 x86_64_vstate_in+144(%rip)
    std
    xor %r15d, %r15d
    mov x86_64_vstate_in+0(%rip), %rax
    mov x86_64_vstate_in+8(%rip), %rbx
    mov x86_64_vstate_in+16(%rip), %rcx
    mov x86_64_vstate_in+24(%rip), %rdx
    mov x86_64_vstate_in+32(%rip), %rsi
    mov x86_64_vstate_in+40(%rip), %rdi
    mov x86_64_vstate_in+48(%rip), %rbp
    mov x86_64_vstate_in+56(%rip), %rsp
    mov x86_64_vstate_in+64(%rip), %r8
    mov x86_64_vstate_in+72(%rip), %r9
    mov x86_64_vstate_in+80(%rip), %r10
    mov x86_64_vstate_in+88(%rip), %r11
    mov x86_64_vstate_in+96(%rip), %r12
    mov x86_64_vstate_in+104(%rip), %r13
    mov x86_64_vstate_in+112(%rip), %r14  /* the last: r14 right means we are in the spin */
1:  test %r15, %r15
    jz 1b
    mov %rax, x86_64_vstate_out+0(%rip)
    mov %rbx, x86_64_vstate_out+8(%rip)
    mov %rcx, x86_64_vstate_out+16(%rip)
    mov %rdx, x86_64_vstate_out+24(%rip)
    mov %rsi, x86_64_vstate_out+32(%rip)
    mov %rdi, x86_64_vstate_out+40(%rip)
    mov %rbp, x86_64_vstate_out+48(%rip)
    mov %rsp, x86_64_vstate_out+56(%rip)
    mov %r8, x86_64_vstate_out+64(%rip)
    mov %r9, x86_64_vstate_out+72(%rip)
    mov %r10, x86_64_vstate_out+80(%rip)
    mov %r11, x86_64_vstate_out+88(%rip)
    mov %r12, x86_64_vstate_out+96(%rip)
    mov %r13, x86_64_vstate_out+104(%rip)
    mov %r14, x86_64_vstate_out+112(%rip)
    mov %r15, x86_64_vstate_out+120(%rip)
    fxsave64 x86_64_vstate_out+144(%rip)
    mov vstate_saved_rsp(%rip), %rsp
    pushf
    pop x86_64_vstate_out+128(%rip)
    cld
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

    .section .bss
    .balign 8
vstate_saved_rsp:
    .skip 8

    .section .note.GNU-stack, "", @progbits
