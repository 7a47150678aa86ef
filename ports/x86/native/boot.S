/* SPDX-License-Identifier: MIT */
/*
 * The native x86 (32-bit) kernel's entry (docs/native.md): Multiboot v1 in
 * protected mode, paging off.  Builds PAE boot page tables (2 MiB pages:
 * physical [0, 1 GiB) at 0 and at NATIVE_VIRT_BASE, where the kernel is
 * linked), turns paging on and calls nat_x86_main(magic, info) at its
 * linked address.  This part is linked at its physical address (.boot).
 */
#include "native_asm.h"

    NAT_MULTIBOOT_HEADER
    NAT_BOOT_START
    NAT_BOOT_LINK_PD 0x1        /* PAE's PDPT: present bit only */

    /* EFER.NXE for MMU_PERM_EXEC (-cpu qemu32,+nx). */
    NAT_BOOT_PAGING nat_boot_pdpt, 0x800
    ljmp $0x08, $1f
1:  mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov $start_high, %eax
    jmp *%eax

    NAT_BOOT_GDT 0x00cf9a000000ffff /* 32-bit code */

    .text
start_high:
    mov $nat_boot_stack_top, %esp
    xor %eax, %eax
    push %eax                   /* keep the ABI's 16-byte alignment at the call */
    push %eax
    push %ebp                   /* info (physical) */
    push %esi                   /* magic */
    xor %ebp, %ebp
    call nat_x86_main
    ud2

    .section .bss
    .balign 4096
    NAT_BOOT_TABLES
    NAT_BOOT_STACK

    .section .note.GNU-stack, "", @progbits
