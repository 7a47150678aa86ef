/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 entry (protected mode, paging off): build the hypervisor's
 * PAE tables (direct map of physical [0, 3 GiB) at 0, the image at
 * KERNEL_VBASE + phys, the APICs), enable paging and jump to the top
 * 64 MiB.  This part is linked at its physical address (.boot).
 */
#define KERNEL_VBASE 0xfc000000
#define PHYS(x) ((x) - KERNEL_VBASE)
#define PDE_2M 0x83         /* P | W | PS (no G: nothing global survives a CR3 switch) */

#include <pc/multiboot_entry.h>

    X86_MULTIBOOT_ENTRY _start, PHYS(__bss_start), PHYS(__bss_end)

    /* PD 0..2: physical [0, 3 GiB) 1:1 in 2 MiB pages (the direct map). */
    mov $PHYS(x86_hyp_pd), %edi
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $PDE_2M, %eax
    mov %eax, (%edi,%ecx,8)
    movl $0, 4(%edi,%ecx,8)
    inc %ecx
    cmp $1536, %ecx
    jb 1b
    /* PD 3: the image (physical [0, 32 MiB)) at 0xfc000000 = entries 480..495. */
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    or $PDE_2M, %eax
    mov %eax, (1536+480)*8(%edi,%ecx,8)
    inc %ecx
    cmp $16, %ecx
    jb 2b
    /* I/O APIC and local APIC 1:1, uncached (entries 502, 503). */
    movl $(0xfec00000 | PDE_2M | 0x18), (1536+502)*8(%edi)
    movl $(0xfee00000 | PDE_2M | 0x18), (1536+503)*8(%edi)

    /* PDPT: the four PDs (PAE PDPTEs carry only P). */
    mov $PHYS(x86_hyp_pdpt), %ebx
    mov $PHYS(x86_hyp_pd), %eax
    or $1, %eax
    mov %eax, 0(%ebx)
    add $4096, %eax
    mov %eax, 8(%ebx)
    add $4096, %eax
    mov %eax, 16(%ebx)
    add $4096, %eax
    mov %eax, 24(%ebx)

    mov %cr4, %eax
    or $0x20, %eax              /* PAE */
    mov %eax, %cr4
    mov %ebx, %cr3
    mov %cr0, %eax
    or $0x80010023, %eax        /* PG | WP | NE | MP | PE */
    and $~0x4, %eax             /* EM off */
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
    .align 4096
    .globl x86_hyp_pdpt, x86_hyp_pd, boot_stack_top
x86_hyp_pd:
    .skip 4 * 4096
x86_hyp_pdpt:
    .skip 4096
    .align 16
boot_stack:
    .skip 32768
boot_stack_top:
    .section .note.GNU-stack,"",@progbits
