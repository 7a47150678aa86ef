/* SPDX-License-Identifier: MIT */
/*
 * The secondary CPUs' trampoline, as far as both x86 backends share it
 * (assembler only; arch/<a>/smpboot.S).  A CPU leaves INIT in real mode at
 * the page pc_smp_boot() copied the trampoline to (phys, below 1 MiB):
 *
 *   X86_SMPBOOT_START name, phys, cr4   real mode -> flat 32-bit protected
 *                                       mode, CR4 |= cr4, CR3 = the word
 *                                       at name_cr3 (pc_smp_boot stores it)
 *   (the backend's own 32-bit steps: x86_64 sets EFER.LME)
 *   X86_SMPBOOT_PAGING cr0, em          CR0 |= cr0, CR0 &= ~em: paging on
 *   (the backend's jump to the image)
 *   X86_SMPBOOT_DATA name, phys, c32, d32, extra
 *                                       the trampoline's GDT (0x08 flat
 *                                       code, 0x10 flat data, 0x18 extra),
 *                                       its pointer, name_cr3, name_end
 *
 * Everything between name and name_end must be position-independent but
 * for the phys-relative addresses the macros compute.
 */
#ifndef X86_COMMON_SMPBOOT_H
#define X86_COMMON_SMPBOOT_H

#ifdef __ASSEMBLER__
/* clang-format off */
    .macro X86_SMPBOOT_START name, phys, cr4
    .code16
\name:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl \phys + (\name\()_gdtr - \name)
    mov %cr0, %eax
    or $1, %eax                 /* PE */
    mov %eax, %cr0
    ljmpl $0x08, $(\phys + (\name\()_32 - \name))

    .code32
\name\()_32:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %cr4, %eax
    or $\cr4, %eax
    mov %eax, %cr4
    mov \phys + (\name\()_cr3 - \name), %eax
    mov %eax, %cr3
    .endm

    .macro X86_SMPBOOT_PAGING cr0, em
    mov %cr0, %eax
    or $\cr0, %eax
    and $~\em, %eax
    mov %eax, %cr0
    .endm

    .macro X86_SMPBOOT_DATA name, phys, code32, data32, extra
    .align 8
\name\()_gdt:
    .quad 0
    .quad \code32               /* 0x08: flat 32-bit code */
    .quad \data32               /* 0x10: flat data */
    .quad \extra                /* 0x18: the backend's (x86_64: 64-bit code) */
\name\()_gdt_end:
\name\()_gdtr:
    .word \name\()_gdt_end - \name\()_gdt - 1
    .long \phys + (\name\()_gdt - \name)
    .align 4
\name\()_cr3:                   /* pc_smp_boot() writes the bring-up CR3 here */
    .long 0
\name\()_end:
    .endm
/* clang-format on */
#endif

#endif
