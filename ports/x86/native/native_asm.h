/* SPDX-License-Identifier: MIT */
/*
 * The assembler both native x86 platforms share (docs/native.md; the
 * boot.S and stubs.S of ports/x86/native and ports/x86_64/native):
 *
 *   NAT_MULTIBOOT_HEADER         the Multiboot v1 header (.multiboot)
 *   NAT_BOOT_START               native_start32 (32-bit, paging off): keep
 *                                magic in esi and info in ebp (and ebx),
 *                                zero the .bss, fill nat_boot_pd with
 *                                512 x 2 MiB pages of physical [0, 1 GiB)
 *   NAT_BOOT_LINK_PD flags       nat_boot_pdpt[0] (identity until the
 *                                jump high) and [1] (1 GiB) = nat_boot_pd
 *                                with flags (PAE's PDPT: present only)
 *   (x86_64 links its PML4 too)
 *   NAT_BOOT_PAGING root, efer   CR4.PAE, CR3 = root (physical), EFER |=
 *                                efer, paging on (PG WP NE MP PE, EM off),
 *                                the boot GDT loaded
 *   (the backend's jump to its linked address)
 *   NAT_BOOT_GDT code            boot_gdt: 0x08 = the code descriptor
 *                                code, 0x10 flat data; boot_gdtr
 *   NAT_BOOT_TABLES              nat_boot_pdpt, nat_boot_pd (in .bss,
 *                                page-aligned; x86_64's PML4 before them)
 *   NAT_BOOT_STACK               nat_boot_stack[_top] (in .bss)
 *   NAT_VEC n                    trap stub nat_vec<n>: push 0 where the
 *                                CPU pushes no error code, push n, jump to
 *                                nat_common (the backend's)
 *   NAT_ENTRY_STACK              nat_entry_stack[_top] (in .bss)
 *
 * What stays in the backends differs for real: the page-table depth
 * (PAE's 4-entry PDPT against a PML4 and PDPT), the jump into long mode,
 * and the 32- or 64-bit register save, restore and calling convention.
 */
#ifndef NATIVE_ASM_H
#define NATIVE_ASM_H

#ifdef __ASSEMBLER__
/* clang-format off */
#define NATIVE_VIRT_BASE 0x40000000
#define PHYS(x) ((x) - NATIVE_VIRT_BASE)
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00000003 /* page-aligned modules, memory information */

    .macro NAT_MULTIBOOT_HEADER
    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .endm

    .macro NAT_BOOT_START
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
    .endm

    .macro NAT_BOOT_LINK_PD flags
    mov $PHYS(nat_boot_pdpt), %edi
    mov $PHYS(nat_boot_pd), %eax
    or $\flags, %eax
    mov %eax, 0(%edi)
    mov %eax, 8(%edi)
    .endm

    .macro NAT_BOOT_PAGING root, efer
    mov %cr4, %eax
    or $0x20, %eax              /* PAE */
    mov %eax, %cr4
    mov $PHYS(\root), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx       /* EFER */
    rdmsr
    or $\efer, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80010023, %eax        /* PG | WP | NE | MP | PE */
    and $~0x4, %eax             /* EM off: the FPU is real */
    mov %eax, %cr0
    lgdt boot_gdtr
    .endm

    .macro NAT_BOOT_GDT code
    .align 8
boot_gdt:
    .quad 0
    .quad \code                 /* 0x08: ring-0 code */
    .quad 0x00cf92000000ffff    /* 0x10: ring-0 data */
boot_gdtr:
    .word 3 * 8 - 1
    .long boot_gdt
    .endm

    .macro NAT_BOOT_TABLES
    .globl nat_boot_pdpt, nat_boot_pd
nat_boot_pdpt:
    .skip 4096
nat_boot_pd:
    .skip 4096
    .endm

    .macro NAT_BOOT_STACK
    .balign 16
nat_boot_stack:
    .skip 16384
nat_boot_stack_top:
    .endm

    .macro NAT_VEC n
    .globl nat_vec\n
nat_vec\n:
    .if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17)
    .else
    push $0
    .endif
    push $\n
    jmp nat_common
    .endm

    .macro NAT_ENTRY_STACK
    .balign 16
    .globl nat_entry_stack_top
nat_entry_stack:
    .skip 16384
nat_entry_stack_top:
    .endm
/* clang-format on */
#endif

#endif
