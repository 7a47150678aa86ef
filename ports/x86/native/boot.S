/* SPDX-License-Identifier: MIT */
/*
 * The native x86 (32-bit) kernel's entry (docs/native.md): Multiboot v1 in
 * protected mode, paging off.  Builds PAE boot page tables (2 MiB pages:
 * physical [0, 1 GiB) at 0 and at NATIVE_VIRT_BASE, where the kernel is
 * linked), turns paging on and calls nat_x86_main(magic, info) at its
 * linked address.  This part is linked at its physical address (.boot).
 */
#define NATIVE_VIRT_BASE 0x40000000
#define PHYS(x) ((x) - NATIVE_VIRT_BASE)
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00000003 /* page-aligned modules, memory information */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .boot, "ax"
    .globl native_start32
native_start32:
    cli
    cld
    mov %eax, %esi              /* Multiboot magic */
    mov %ebx, %ebp              /* Multiboot information (physical) */
    mov $PHYS(__bss_start), %edi
    mov $PHYS(__bss_end), %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl

    /* 512 x 2 MiB pages: physical [0, 1 GiB), present | write | PS. */
    mov $PHYS(nat_boot_pd), %edi
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax
    mov %eax, (%edi,%ecx,8)
    movl $0, 4(%edi,%ecx,8)
    inc %ecx
    cmp $512, %ecx
    jb 1b
    /* PDPT (PAE: present bit only): [0] identity until we run high, [1] 1 GiB. */
    mov $PHYS(nat_boot_pdpt), %edi
    mov $PHYS(nat_boot_pd), %eax
    or $0x1, %eax
    mov %eax, 0(%edi)
    mov %eax, 8(%edi)

    mov %cr4, %eax
    or $0x20, %eax              /* PAE */
    mov %eax, %cr4
    mov $PHYS(nat_boot_pdpt), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx       /* EFER: NXE (MMU_PERM_EXEC; -cpu qemu32,+nx) */
    rdmsr
    or $0x800, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80010023, %eax        /* PG | WP | NE | MP | PE */
    and $~0x4, %eax
    mov %eax, %cr0
    lgdt boot_gdtr
    ljmp $0x08, $1f
1:  mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov $start_high, %eax
    jmp *%eax

    .align 8
boot_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff    /* 0x08: ring-0 code */
    .quad 0x00cf92000000ffff    /* 0x10: ring-0 data */
boot_gdtr:
    .word 3 * 8 - 1
    .long boot_gdt

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
    .globl nat_boot_pdpt, nat_boot_pd
nat_boot_pdpt:
    .skip 4096
nat_boot_pd:
    .skip 4096
    .balign 16
nat_boot_stack:
    .skip 16384
nat_boot_stack_top:

    .section .note.GNU-stack, "", @progbits
