/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 entry (32-bit protected mode, paging off) and the switch to
 * long mode with the hypervisor in the upper half.  This part is linked at
 * its physical address (.boot); everything else at KERNEL_VBASE + phys.
 */
#include <pc/multiboot_entry.h>

#include "asm-offsets.h" /* generated from asm-offsets.c: KERNEL_VBASE, BOOT_PDE, ... */

#define PHYS(x) ((x) - KERNEL_VBASE)

    X86_MULTIBOOT_ENTRY _start32, PHYS(__bss_start), PHYS(__bss_end)

    /* 2 MiB pages: physical [0, DIRECTMAP_SIZE); uncached from PC_MMIO_START (MMIO). */
    mov $PHYS(boot_pd), %edi
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $LARGE_PAGE_SHIFT, %eax
    or $BOOT_PDE, %eax          /* P | W | PS | G */
    cmp $BOOT_MMIO_PDE, %ecx
    jb 2f
    or $BOOT_PDE_UNCACHED, %eax /* PWT | PCD */
2:  mov %eax, (%edi,%ecx,8)
    movl $0, 4(%edi,%ecx,8)
    inc %ecx
    cmp $BOOT_DIRECTMAP_PDES, %ecx
    jb 1b

    /* Direct map PDPT: 4 entries -> the 4 PDs. */
    mov $PHYS(boot_pdpt_dm), %edi
    mov $PHYS(boot_pd), %eax
    or $BOOT_TABLE, %eax
    mov %eax, 0(%edi)
    add $PAGE_SIZE, %eax
    mov %eax, 8(%edi)
    add $PAGE_SIZE, %eax
    mov %eax, 16(%edi)
    add $PAGE_SIZE, %eax
    mov %eax, 24(%edi)

    /* Image PDPT: KERNEL_VBASE's entry -> first PD (phys 0..1 GiB). */
    mov $PHYS(boot_pdpt_hi), %edi
    mov $PHYS(boot_pd), %eax
    or $BOOT_TABLE, %eax
    mov %eax, BOOT_IMAGE_PDPTE*8(%edi)

    /* PML4: 0 = identity (only until we run high), then the direct map and the image. */
    mov $PHYS(boot_pml4), %edi
    mov $PHYS(boot_pdpt_dm), %eax
    or $BOOT_TABLE, %eax
    mov %eax, 0(%edi)
    mov %eax, BOOT_DIRECTMAP_PML4E*8(%edi)
    mov $PHYS(boot_pdpt_hi), %eax
    or $BOOT_TABLE, %eax
    mov %eax, BOOT_IMAGE_PML4E*8(%edi)

    mov %cr4, %eax
    or $BOOT_CR4, %eax          /* PAE | PGE */
    mov %eax, %cr4
    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $BOOT_EFER, %eax         /* LME | NXE | SCE */
    wrmsr
    mov %cr0, %eax
    or $BOOT_CR0, %eax          /* PG | WP | NE | MP | PE */
    and $~X86_CR0_EM, %eax      /* the FPU is real */
    mov %eax, %cr0
    lgdt boot_gdtr
    ljmp $SEL_KCODE, $start64_low

    .code64
start64_low:
    movabs $start64_high, %rax
    jmp *%rax

    .align 8
boot_gdt:
    .quad 0
    .quad BOOT_GDT_CODE64       /* SEL_KCODE: 64-bit code, ring 0 */
    .quad BOOT_GDT_DATA         /* SEL_KDATA: data, ring 0 */
boot_gdt_end:
boot_gdtr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .text
start64_high:
    mov $SEL_KDATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    mov $boot_stack_top, %rsp
    mov %esi, %edi              /* magic (zero-extended) */
    mov %ebp, %esi              /* information block (physical) */
    xor %ebp, %ebp
    call x86_64_start
1:  cli
    hlt
    jmp 1b

    .section .bss
    .align PAGE_SIZE
    .globl boot_pml4, boot_pdpt_dm, boot_pdpt_hi, boot_pd
boot_pml4:
    .skip PAGE_SIZE
boot_pdpt_dm:
    .skip PAGE_SIZE
boot_pdpt_hi:
    .skip PAGE_SIZE
boot_pd:                        /* the direct map's page directories, one per GiB */
    .skip 4 * PAGE_SIZE
    .align 16
    .globl boot_stack_top
boot_stack:
    .skip 32768
boot_stack_top:
	.section .note.GNU-stack,"",@progbits
