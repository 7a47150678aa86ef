/* SPDX-License-Identifier: MIT */
/*
 * The native x86_64 kernel's entry (docs/native.md): Multiboot v1 in
 * 32-bit protected mode, paging off.  Builds the boot page tables (2 MiB
 * pages: physical [0, 1 GiB) at 0 and at NATIVE_VIRT_BASE, where the
 * kernel is linked), enters long mode and calls nat_x86_64_main(magic,
 * info) at its linked address.  This part is linked at its physical
 * address (.boot); the rest of the image at NATIVE_VIRT_BASE + physical.
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
    .code32
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
    /* PDPT: [0] identity (until we run high), [1] the kernel window at 1 GiB. */
    mov $PHYS(nat_boot_pdpt), %edi
    mov $PHYS(nat_boot_pd), %eax
    or $0x3, %eax
    mov %eax, 0(%edi)
    mov %eax, 8(%edi)
    mov $PHYS(nat_boot_pml4), %edi
    mov $PHYS(nat_boot_pdpt), %eax
    or $0x3, %eax
    mov %eax, 0(%edi)

    mov %cr4, %eax
    or $0x20, %eax              /* PAE */
    mov %eax, %cr4
    mov $PHYS(nat_boot_pml4), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx       /* EFER */
    rdmsr
    or $0x901, %eax             /* LME | NXE | SCE */
    wrmsr
    mov %cr0, %eax
    or $0x80010023, %eax        /* PG | WP | NE | MP | PE */
    and $~0x4, %eax             /* EM off: the FPU is real */
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
    .quad 0x00af9a000000ffff    /* 0x08: 64-bit ring-0 code */
    .quad 0x00cf92000000ffff    /* 0x10: ring-0 data */
boot_gdtr:
    .word 3 * 8 - 1
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
    lea nat_boot_stack_top(%rip), %rsp
    mov %esi, %edi              /* magic */
    mov %ebx, %esi              /* info (physical): ebx kept by the code above */
    xor %ebp, %ebp
    call nat_x86_64_main
    ud2

    .section .bss
    .balign 4096
    .globl nat_boot_pml4, nat_boot_pdpt, nat_boot_pd
nat_boot_pml4:
    .skip 4096
nat_boot_pdpt:
    .skip 4096
nat_boot_pd:
    .skip 4096
    .balign 16
nat_boot_stack:
    .skip 16384
nat_boot_stack_top:

    .section .note.GNU-stack, "", @progbits
