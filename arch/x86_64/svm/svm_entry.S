/* SPDX-License-Identifier: MIT */
/*
 * VMRUN and the #VMEXIT path of HVM vCPUs (svm.c).
 *
 * VMRUN saves the host's RAX, RSP, RIP, segments and control registers in
 * the host save area (VM_HSAVE_PA) and #VMEXIT restores them; the state
 * VMRUN does not switch (FS, GS, TR, LDTR bases, KERNEL_GS_BASE, STAR,
 * LSTAR, CSTAR, SFMASK, SYSENTER_*) is swapped here with VMLOAD / VMSAVE
 * between the guest's VMCB and this CPU's host VMCB.  No C code runs while
 * the guest's GS base is loaded.  GIF is clear (svm.c) across all of it.
 */

/* Offsets in struct svm_regs (svm.h; checked by a _Static_assert in svm.c). */
#define R_RBX 0
#define R_RCX 8
#define R_RDX 16
#define R_RSI 24
#define R_RDI 32
#define R_RBP 40
#define R_R8 48
#define R_R9 56
#define R_R10 64
#define R_R11 72
#define R_R12 80
#define R_R13 88
#define R_R14 96
#define R_R15 104

    .text
    /* void svm_vmrun(struct svm_regs *regs, uint64_t vmcb_pa, uint64_t host_save_pa) */
    .globl svm_vmrun
svm_vmrun:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi                   /* regs */
    push %rdx                   /* host save VMCB */
    mov %rdx, %rax
    vmsave %rax                 /* host FS/GS/TR/... */
    mov %rsi, %rax              /* guest VMCB: RAX for vmload / vmrun / vmsave */
    vmload %rax
    mov R_RBX(%rdi), %rbx
    mov R_RCX(%rdi), %rcx
    mov R_RDX(%rdi), %rdx
    mov R_RSI(%rdi), %rsi
    mov R_RBP(%rdi), %rbp
    mov R_R8(%rdi), %r8
    mov R_R9(%rdi), %r9
    mov R_R10(%rdi), %r10
    mov R_R11(%rdi), %r11
    mov R_R12(%rdi), %r12
    mov R_R13(%rdi), %r13
    mov R_R14(%rdi), %r14
    mov R_R15(%rdi), %r15
    mov R_RDI(%rdi), %rdi
    vmrun %rax
    vmsave %rax                 /* RAX is the host's again: the guest VMCB */
    push %rdi                   /* guest RDI */
    mov 16(%rsp), %rdi          /* regs */
    mov %rbx, R_RBX(%rdi)
    mov %rcx, R_RCX(%rdi)
    mov %rdx, R_RDX(%rdi)
    mov %rsi, R_RSI(%rdi)
    mov %rbp, R_RBP(%rdi)
    mov %r8, R_R8(%rdi)
    mov %r9, R_R9(%rdi)
    mov %r10, R_R10(%rdi)
    mov %r11, R_R11(%rdi)
    mov %r12, R_R12(%rdi)
    mov %r13, R_R13(%rdi)
    mov %r14, R_R14(%rdi)
    mov %r15, R_R15(%rdi)
    pop %rax
    mov %rax, R_RDI(%rdi)
    pop %rax                    /* host save VMCB */
    vmload %rax
    pop %rdi
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

    /* void svm_enter_on_stack(struct hal_vcpu *hv, uint64_t stack_top): a fresh stack per entry. */
    .globl svm_enter_on_stack
svm_enter_on_stack:
    mov %rsi, %rsp
    call svm_run_on_stack
    ud2

	.section .note.GNU-stack,"",@progbits
