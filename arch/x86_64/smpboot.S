/* SPDX-License-Identifier: MIT */
/*
 * The secondary CPUs' way from the start-up IPI to C (smp.c).  A CPU
 * leaves INIT in real mode at the trampoline page pc_smp_boot() copied
 * below 1 MiB: the shared steps (x86_common/smpboot.h) take it to
 * protected mode with PAE and smp.c's bring-up PML4 (the hypervisor's
 * upper half plus an identity map of the low 4 GiB, so this page stays
 * reachable); here it turns on long mode and jumps to the image in the
 * upper half, where it takes the stack pc_smp_boot() left for it.
 */
#include <x86_common/smpboot.h>

#include "asm-offsets.h" /* BOOT_CR4, BOOT_EFER, BOOT_CR0, TRAMPOLINE_PHYS, ... */

    .section .rodata.trampoline, "a"
    .globl x86_64_trampoline, x86_64_trampoline_end, x86_64_trampoline_cr3
    X86_SMPBOOT_START x86_64_trampoline, TRAMPOLINE_PHYS, BOOT_CR4   /* PAE | PGE */
    mov $MSR_EFER, %ecx
    rdmsr
    or $BOOT_EFER, %eax         /* LME | NXE | SCE */
    wrmsr
    X86_SMPBOOT_PAGING BOOT_CR0, X86_CR0_EM   /* PG | WP | NE | MP | PE */
    ljmp $0x18, $(TRAMPOLINE_PHYS + tramp64 - x86_64_trampoline)

    .code64
tramp64:
    movabs $ap_entry_high, %rax
    jmp *%rax

    X86_SMPBOOT_DATA x86_64_trampoline, TRAMPOLINE_PHYS, TRAMP_GDT_CODE32, TRAMP_GDT_DATA32, BOOT_GDT_CODE64

    .text
ap_entry_high:
    mov pc_smp_booting_stack(%rip), %rsp
    xor %ebp, %ebp
    call x86_64_ap_start
1:  cli
    hlt
    jmp 1b

	.section .note.GNU-stack,"",@progbits
