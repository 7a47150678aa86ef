/* SPDX-License-Identifier: MIT */
/*
 * The x86 exception vector numbers, and the IDT entry stubs both x86
 * backends assemble (the same text pushes 4-byte slots in 32-bit mode and
 * 8-byte slots in long mode): X86_NR_VECTORS stubs of X86_VECTOR_STUB_SIZE
 * bytes, stub n at label + n * X86_VECTOR_STUB_SIZE, each pushing a zero
 * error code where the CPU pushes none, then the vector, then jumping to
 * target.
 */
#ifndef X86_COMMON_VECTORS_H
#define X86_COMMON_VECTORS_H

/* Exception vectors (Intel SDM vol. 3, 6.3.1); plain numbers, for C and assembly. */
#define X86_EXC_DE 0         /* divide error */
#define X86_EXC_DB 1         /* debug */
#define X86_EXC_NMI 2        /* non-maskable interrupt */
#define X86_EXC_BP 3         /* breakpoint (int3) */
#define X86_EXC_OF 4         /* overflow (into) */
#define X86_EXC_BR 5         /* bound range */
#define X86_EXC_UD 6         /* invalid opcode */
#define X86_EXC_NM 7         /* device not available: the lazy FPU switch */
#define X86_EXC_DF 8         /* double fault */
#define X86_EXC_TS 10        /* invalid TSS */
#define X86_EXC_NP 11        /* segment not present */
#define X86_EXC_SS 12        /* stack-segment fault */
#define X86_EXC_GP 13        /* general protection */
#define X86_EXC_PF 14        /* page fault */
#define X86_EXC_MF 16        /* x87 floating point */
#define X86_EXC_AC 17        /* alignment check */
#define X86_EXC_MC 18        /* machine check */
#define X86_EXC_XM 19        /* SIMD floating point */
#define X86_EXC_VE 20        /* virtualization exception */
#define X86_EXC_CP 21        /* control protection */
#define X86_EXC_VC 29        /* VMM communication */
#define X86_EXC_SX 30        /* security exception */
#define X86_NR_EXCEPTIONS 32 /* vectors from here on are interrupts and int n */
#define X86_NR_VECTORS 256
#define X86_VECTOR_STUB_SIZE 16 /* bytes per stub of X86_VECTOR_STUBS */

#ifdef __ASSEMBLER__
/* Assembler macros: clang-format would join them into C. */
/* clang-format off */
    .macro X86_VECTOR_STUBS label, target
    .align X86_VECTOR_STUB_SIZE
    .globl \label
\label:
    .set vec, 0
    .rept X86_NR_VECTORS
    .align X86_VECTOR_STUB_SIZE
    .if (vec == X86_EXC_DF) || (vec == X86_EXC_TS) || (vec == X86_EXC_NP) || (vec == X86_EXC_SS) || (vec == X86_EXC_GP) || (vec == X86_EXC_PF) || (vec == X86_EXC_AC) || (vec == X86_EXC_CP) || (vec == X86_EXC_VC) || (vec == X86_EXC_SX)
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
