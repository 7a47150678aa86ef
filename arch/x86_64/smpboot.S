/* SPDX-License-Identifier: MIT */
/*
 * The secondary CPUs' way from the start-up IPI to C (smp.c).  A CPU
 * leaves INIT in real mode at the trampoline page smp.c copied below
 * 1 MiB: it loads the trampoline's own GDT, enters protected mode, turns
 * on PAE paging with smp.c's bring-up PML4 (the hypervisor's upper half
 * plus an identity map of the low 4 GiB, so this page stays reachable),
 * long mode, and jumps to the image in the upper half, where it takes the
 * stack smp.c left for it.
 */
#include "asm-offsets.h" /* BOOT_CR4, BOOT_EFER, BOOT_CR0, TRAMPOLINE_PHYS, ... */

/* Where a trampoline label is once the page is copied to TRAMPOLINE_PHYS. */
#define T(x) (TRAMPOLINE_PHYS + (x) - x86_64_trampoline)

    .section .rodata.trampoline, "a"
    .globl x86_64_trampoline, x86_64_trampoline_end, x86_64_trampoline_cr3
    .code16
x86_64_trampoline:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl T(tramp_gdtr)
    mov %cr0, %eax
    or $1, %eax                 /* PE */
    mov %eax, %cr0
    ljmpl $0x08, $T(tramp32)

    .code32
tramp32:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %cr4, %eax
    or $BOOT_CR4, %eax          /* PAE | PGE */
    mov %eax, %cr4
    mov T(x86_64_trampoline_cr3), %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $BOOT_EFER, %eax         /* LME | NXE | SCE */
    wrmsr
    mov %cr0, %eax
    or $BOOT_CR0, %eax          /* PG | WP | NE | MP | PE */
    and $~X86_CR0_EM, %eax
    mov %eax, %cr0
    ljmp $0x18, $T(tramp64)

    .code64
tramp64:
    movabs $ap_entry_high, %rax
    jmp *%rax

    .align 8
tramp_gdt:
    .quad 0
    .quad TRAMP_GDT_CODE32      /* 0x08: flat 32-bit code */
    .quad TRAMP_GDT_DATA32      /* 0x10: flat data */
    .quad BOOT_GDT_CODE64       /* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdtr:
    .word tramp_gdt_end - tramp_gdt - 1
    .long T(tramp_gdt)
    .align 4
x86_64_trampoline_cr3:          /* smp.c writes the bring-up PML4's address here */
    .long 0
x86_64_trampoline_end:

    .text
ap_entry_high:
    mov x86_64_ap_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call x86_64_ap_start
1:  cli
    hlt
    jmp 1b

	.section .note.GNU-stack,"",@progbits
