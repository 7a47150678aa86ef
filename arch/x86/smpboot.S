/* SPDX-License-Identifier: MIT */
/*
 * The secondary CPUs' way from the start-up IPI to C (smp.c).  A CPU
 * leaves INIT in real mode at the trampoline page pc_smp_boot() copied
 * below 1 MiB: the shared steps (x86_common/smpboot.h) take it to
 * protected mode with PAE paging on the hypervisor's own tables (their
 * direct map is 1:1 at 0, so this page stays reachable), and it jumps to
 * the image in the top 64 MiB, where it takes the stack pc_smp_boot()
 * left for it.
 */
#include <x86_common/smpboot.h>

#include "asm-offsets.h" /* BOOT_CR4, BOOT_CR0, TRAMPOLINE_PHYS, ... */

    .section .rodata.trampoline, "a"
    .globl x86_trampoline, x86_trampoline_end, x86_trampoline_cr3
    X86_SMPBOOT_START x86_trampoline, TRAMPOLINE_PHYS, BOOT_CR4   /* PAE */
    X86_SMPBOOT_PAGING BOOT_CR0, X86_CR0_EM   /* PG | WP | NE | MP | PE */
    mov $ap_entry_high, %eax
    jmp *%eax
    X86_SMPBOOT_DATA x86_trampoline, TRAMPOLINE_PHYS, TRAMP_GDT_CODE32, TRAMP_GDT_DATA32, 0

    .text
ap_entry_high:
    mov pc_smp_booting_stack, %esp
    xor %ebp, %ebp
    call x86_ap_start
1:  cli
    hlt
    jmp 1b

	.section .note.GNU-stack,"",@progbits
