/* SPDX-License-Identifier: MIT */
/*
 * The guest copy's one access through a guest address (guest_copy.c):
 *
 *   long x86_64_copy_direct(void *dst, const void *src, size_t len)
 *
 * copies len bytes with rep movsq / rep movsb through whatever CR3 maps
 * now, and returns 0, or -1 if one of them faulted: the two instructions
 * are in the exception table (x86_64_extable_fixup), whose #PF fix-up
 * resumes at 3: with the copy cut short.  DF is clear in the hypervisor
 * (common_entry's cld, FMASK on syscall).  SMAP, when on, is the caller's.
 */
    .text
    .globl x86_64_copy_direct
    .type x86_64_copy_direct, @function
x86_64_copy_direct:
    mov %rdx, %rcx
    shr $3, %rcx
1:  rep movsq
    mov %edx, %ecx
    and $7, %ecx
2:  rep movsb
    xor %eax, %eax
    ret
3:  mov $-1, %rax
    ret
    .size x86_64_copy_direct, . - x86_64_copy_direct

    /* (faulting instruction, where to resume) pairs; linker.ld gathers them. */
    .section .extable, "a"
    .balign 8
    .quad 1b, 3b
    .quad 2b, 3b

    .section .note.GNU-stack, "", @progbits
