/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot v1 header and the first instructions both x86 backends
 * run in 32-bit protected mode with paging off: interrupts off, the
 * loader's magic in esi and its information block in ebp, .bss cleared
 * (the loader zeroes it for ELF images, but nothing says it must).  The
 * code after the macro builds the backend's own page tables.
 */
#ifndef PC_MULTIBOOT_ENTRY_H
#define PC_MULTIBOOT_ENTRY_H

#ifdef __ASSEMBLER__
/* Assembler macros: clang-format would join them into C. */
/* clang-format off */
#define X86_MB_MAGIC 0x1badb002
#define X86_MB_FLAGS 0x00000003 /* modules page aligned, memory information */

    /* label: the entry symbol; bss_start / bss_end: physical addresses. */
    .macro X86_MULTIBOOT_ENTRY label, bss_start, bss_end
    .section .multiboot, "a"
    .align 4
    .long X86_MB_MAGIC
    .long X86_MB_FLAGS
    .long -(X86_MB_MAGIC + X86_MB_FLAGS)

    .section .boot, "ax"
    .code32
    .globl \label
\label:
    cli
    cld
    mov %eax, %esi              /* Multiboot magic */
    mov %ebx, %ebp              /* Multiboot information (physical) */
    mov $\bss_start, %edi
    mov $\bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl
    .endm
/* clang-format on */
#endif

#endif
