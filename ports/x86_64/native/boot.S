/* SPDX-License-Identifier: MIT */
/*
 * The native x86_64 kernel's entry (docs/native.md): Multiboot v1 in
 * 32-bit protected mode, paging off.  Builds the boot page tables (2 MiB
 * pages: physical [0, 1 GiB) at 0 and at NATIVE_VIRT_BASE, where the
 * kernel is linked), enters long mode and calls nat_x86_64_main(magic,
 * info) at its linked address.  This part is linked at its physical
 * address (.boot); the rest of the image at NATIVE_VIRT_BASE + physical.
 */
#include "../../x86/native/native_asm.h"

    NAT_MULTIBOOT_HEADER
    NAT_BOOT_START
    NAT_BOOT_LINK_PD 0x3        /* present | write */
    mov $PHYS(nat_boot_pml4), %edi
    mov $PHYS(nat_boot_pdpt), %eax
    or $0x3, %eax
    mov %eax, 0(%edi)

    NAT_BOOT_PAGING nat_boot_pml4, 0x901 /* EFER: LME | NXE | SCE */
    ljmp $0x08, $start64_low

    .code64
start64_low:
    movabs $start64_high, %rax
    jmp *%rax

    NAT_BOOT_GDT 0x00af9a000000ffff /* 64-bit code */

    .text
start64_high:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    lea nat_boot_stack_top(%rip), %rsp
    mov %esi, %edi              /* magic */
    mov %ebx, %esi              /* info (physical): ebx kept by the code above */
    xor %ebp, %ebp
    call nat_x86_64_main
    ud2

    .section .bss
    .balign 4096
    .globl nat_boot_pml4
nat_boot_pml4:
    .skip 4096
    NAT_BOOT_TABLES
    NAT_BOOT_STACK

    .section .note.GNU-stack, "", @progbits
