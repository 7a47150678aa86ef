/* SPDX-License-Identifier: MIT */
/*
 * The IDT entry stubs both x86 backends assemble (the same text pushes
 * 4-byte slots in 32-bit mode and 8-byte slots in long mode): 256 stubs of
 * 16 bytes, stub n at label + 16 n, each pushing a zero error code where
 * the CPU pushes none, then the vector, then jumping to target.
 */
#ifndef X86_COMMON_VECTORS_H
#define X86_COMMON_VECTORS_H

#ifdef __ASSEMBLER__
/* Assembler macros: clang-format would join them into C. */
/* clang-format off */
    .macro X86_VECTOR_STUBS label, target
    .align 16
    .globl \label
\label:
    .set vec, 0
    .rept 256
    .align 16
    .if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    push $vec                   /* the CPU pushed an error code */
    .else
    push $0
    push $vec
    .endif
    jmp \target
    .set vec, vec + 1
    .endr
    .endm
/* clang-format on */
#endif

#endif
