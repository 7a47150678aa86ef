/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 entry (protected mode, paging off): build the hypervisor's
 * PAE tables (direct map of physical [0, 3 GiB) at 0, the image at
 * KERNEL_VBASE + phys, the APICs), enable paging and jump to the top
 * 64 MiB.  This part is linked at its physical address (.boot).
 */
#include <pc/multiboot_entry.h>

#include "asm-offsets.h" /* generated from asm-offsets.c: KERNEL_VBASE, BOOT_PDE, ... */

#define PHYS(x) ((x) - KERNEL_VBASE)
/* The four page directories are contiguous: the PDE of va is entry va >> 21 of them all. */
#define PDE_OFFSET(va) (((va) >> LARGE_PAGE_SHIFT) * 8)

    X86_MULTIBOOT_ENTRY _start, PHYS(__bss_start), PHYS(__bss_end)

    /* PD 0..2: physical [0, 3 GiB) 1:1 in 2 MiB pages (the direct map). */
    mov $PHYS(x86_hyp_pd), %edi
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $LARGE_PAGE_SHIFT, %eax
    or $BOOT_PDE, %eax
    mov %eax, (%edi,%ecx,8)
    movl $0, 4(%edi,%ecx,8)
    inc %ecx
    cmp $BOOT_DIRECTMAP_PDES, %ecx
    jb 1b
    /* PD 3: the image (physical [0, IMAGE_MAP_SIZE)) at KERNEL_VBASE. */
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $LARGE_PAGE_SHIFT, %eax
    or $BOOT_PDE, %eax
    mov %eax, PDE_OFFSET(KERNEL_VBASE)(%edi,%ecx,8)
    inc %ecx
    cmp $BOOT_IMAGE_PDES, %ecx
    jb 2b
    /* I/O APIC and local APIC 1:1, uncached. */
    movl $(PC_IOAPIC_PHYS | BOOT_PDE_UNCACHED), PDE_OFFSET(PC_IOAPIC_PHYS)(%edi)
    movl $(PC_LAPIC_PHYS | BOOT_PDE_UNCACHED), PDE_OFFSET(PC_LAPIC_PHYS)(%edi)

    /* PDPT: the four PDs (PAE PDPTEs carry only P). */
    mov $PHYS(x86_hyp_pdpt), %ebx
    mov $PHYS(x86_hyp_pd), %eax
    or $BOOT_PDPTE, %eax
    mov %eax, 0(%ebx)
    add $PAGE_SIZE, %eax
    mov %eax, 8(%ebx)
    add $PAGE_SIZE, %eax
    mov %eax, 16(%ebx)
    add $PAGE_SIZE, %eax
    mov %eax, 24(%ebx)

    mov %cr4, %eax
    or $BOOT_CR4, %eax          /* PAE */
    mov %eax, %cr4
    mov %ebx, %cr3
    mov %cr0, %eax
    or $BOOT_CR0, %eax          /* PG | WP | NE | MP | PE */
    and $~X86_CR0_EM, %eax      /* the FPU is real */
    mov %eax, %cr0
    mov $start_high, %eax
    jmp *%eax

    .text
start_high:
    mov $boot_stack_top, %esp
    xor %eax, %eax
    push %ebp                   /* information block (physical) */
    push %esi                   /* magic */
    xor %ebp, %ebp
    call x86_start
1:  cli
    hlt
    jmp 1b

    .section .bss
    .align PAGE_SIZE
    .globl x86_hyp_pdpt, x86_hyp_pd, boot_stack_top
x86_hyp_pd:                     /* four page directories, one per PDPT entry */
    .skip 4 * PAGE_SIZE
x86_hyp_pdpt:
    .skip PAGE_SIZE
    .align 16
boot_stack:
    .skip 32768
boot_stack_top:
    .section .note.GNU-stack,"",@progbits
