/* SPDX-License-Identifier: MIT */
/*
 * void x86_vstate_spin(void): the register half of the vcpu-state test
 * (ports/x86/vstate.c).  Loads the FPU/SSE image and every GPR but ebp
 * from x86_vstate_in, nulls FS and GS, sets DF, spins while ebp is 0 (dom0
 * releases it through DOMCTL_set_vcpu_state), then stores every GPR,
 * EFLAGS, FS, GS and the FPU/SSE image into x86_vstate_out and puts FS and
 * GS back.  Offsets: struct vstate_regs in vstate.c (gpr[8] at 0 in
 * trap-record order, eflags 32, fs 36, gs 40, fx 48), checked there with
 * _Static_assert.  Events are masked by the caller.
 */
    .text
    .globl x86_vstate_spin
x86_vstate_spin:
    push %ebx
    push %ebp
    push %esi
    push %edi
    mov %esp, vstate_saved_esp
    mov %fs, vstate_saved_fs
    mov %gs, vstate_saved_gs
    fxrstor x86_vstate_in+48
    std
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    xor %ebp, %ebp
    mov x86_vstate_in+0, %eax
    mov x86_vstate_in+4, %ebx
    mov x86_vstate_in+8, %ecx
    mov x86_vstate_in+12, %edx
    mov x86_vstate_in+16, %esi
    mov x86_vstate_in+28, %esp
    mov x86_vstate_in+20, %edi  /* the last: edi right means we are in the spin */
1:  test %ebp, %ebp
    jz 1b
    mov %eax, x86_vstate_out+0
    mov %ebx, x86_vstate_out+4
    mov %ecx, x86_vstate_out+8
    mov %edx, x86_vstate_out+12
    mov %esi, x86_vstate_out+16
    mov %edi, x86_vstate_out+20
    mov %ebp, x86_vstate_out+24
    mov %esp, x86_vstate_out+28
    fxsave x86_vstate_out+48
    mov vstate_saved_esp, %esp
    pushf
    pop x86_vstate_out+32
    cld
    xor %eax, %eax
    mov %fs, %ax
    mov %eax, x86_vstate_out+36
    mov %gs, %ax
    mov %eax, x86_vstate_out+40
    mov vstate_saved_fs, %fs
    mov vstate_saved_gs, %gs
    pop %edi
    pop %esi
    pop %ebp
    pop %ebx
    ret

    .section .bss
    .balign 4
vstate_saved_esp:
    .skip 4
vstate_saved_fs:
    .skip 2
vstate_saved_gs:
    .skip 2

    .section .note.GNU-stack, "", @progbits
