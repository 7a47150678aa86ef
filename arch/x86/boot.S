/* SPDX-License-Identifier: MIT */
/*
 * 32-bit x86 entry: Multiboot v1 header, stack, C.  Bring-up stage: no
 * paging yet (the full ring-1 port will move the hypervisor to the top
 * 64 MiB with PAE).
 */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00000003 /* modules page aligned, memory information */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .text
    .globl _start
_start:
    cli
    cld
    mov $boot_stack_top, %esp
    push %ebx                   /* Multiboot information */
    push %eax                   /* magic */
    call x86_start
1:  cli
    hlt
    jmp 1b

    .section .bss
    .align 16
boot_stack:
    .skip 16384
boot_stack_top:
    .section .note.GNU-stack,"",@progbits
