/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 entry (32-bit protected mode, paging off) and the switch to
 * long mode with the hypervisor in the upper half.  This part is linked at
 * its physical address (.boot); everything else at KERNEL_VBASE + phys.
 */
#define KERNEL_VBASE 0xffffffff80000000
#define PHYS(x) ((x) - KERNEL_VBASE)

#include <pc/multiboot_entry.h>

    X86_MULTIBOOT_ENTRY _start32, PHYS(__bss_start), PHYS(__bss_end)

    /* 2048 2 MiB pages: physical [0, 4 GiB); uncached above 3 GiB (MMIO). */
    mov $PHYS(boot_pd), %edi
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x183, %eax             /* P | W | PS | G */
    cmp $1536, %ecx
    jb 2f
    or $0x18, %eax              /* PWT | PCD */
2:  mov %eax, (%edi,%ecx,8)
    movl $0, 4(%edi,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jb 1b

    /* Direct map PDPT: 4 entries -> the 4 PDs. */
    mov $PHYS(boot_pdpt_dm), %edi
    mov $PHYS(boot_pd), %eax
    or $3, %eax
    mov %eax, 0(%edi)
    add $4096, %eax
    mov %eax, 8(%edi)
    add $4096, %eax
    mov %eax, 16(%edi)
    add $4096, %eax
    mov %eax, 24(%edi)

    /* Image PDPT: entry 510 (0xffffffff80000000) -> first PD (phys 0..1 GiB). */
    mov $PHYS(boot_pdpt_hi), %edi
    mov $PHYS(boot_pd), %eax
    or $3, %eax
    mov %eax, 510*8(%edi)

    /* PML4: 0 = identity (only until we run high), 256 = direct map, 511 = image. */
    mov $PHYS(boot_pml4), %edi
    mov $PHYS(boot_pdpt_dm), %eax
    or $3, %eax
    mov %eax, 0(%edi)
    mov %eax, 256*8(%edi)
    mov $PHYS(boot_pdpt_hi), %eax
    or $3, %eax
    mov %eax, 511*8(%edi)

    mov %cr4, %eax
    or $0xa0, %eax              /* PAE | PGE */
    mov %eax, %cr4
    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or $0x901, %eax             /* LME | NXE | SCE */
    wrmsr
    mov %cr0, %eax
    or $0x80010023, %eax        /* PG | WP | NE | MP | PE */
    and $~0x4, %eax             /* EM off */
    mov %eax, %cr0
    lgdt boot_gdtr
    ljmp $0x08, $start64_low

    .code64
start64_low:
    movabs $start64_high, %rax
    jmp *%rax

    .align 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff    /* 0x08: 64-bit code, ring 0 */
    .quad 0x00cf92000000ffff    /* 0x10: data, ring 0 */
boot_gdt_end:
boot_gdtr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .text
start64_high:
    mov $0x10, %eax
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
    .align 4096
    .globl boot_pml4, boot_pdpt_dm, boot_pdpt_hi, boot_pd
boot_pml4:
    .skip 4096
boot_pdpt_dm:
    .skip 4096
boot_pdpt_hi:
    .skip 4096
boot_pd:
    .skip 4 * 4096
    .align 16
    .globl boot_stack_top
boot_stack:
    .skip 32768
boot_stack_top:
	.section .note.GNU-stack,"",@progbits
