/* SPDX-License-Identifier: MIT */
/*
 * The smp scenario's FPU token (ports/common/smp_fpu.c): xmm7's low word,
 * for the x86 and x86_64 ports alike (ports/x86_64 builds this file).
 * The guest kernel is built without SSE (-mgeneral-regs-only), so nothing
 * else touches xmm7; the hypervisor keeps it with the vCPU's FPU state
 * (fxsave image), lazily: the first use after an entry traps (#NM).
 */
    .text
/* bool arch_has_fpu_token(void) */
    .globl arch_has_fpu_token
arch_has_fpu_token:
    mov $1, %eax
    ret
/* void arch_fpu_token_set(uint32_t v): the argument in edi (SysV x86_64) or on the stack (i386) */
    .globl arch_fpu_token_set
arch_fpu_token_set:
#ifdef __x86_64__
    movd %edi, %xmm7
#else
    movd 4(%esp), %xmm7
#endif
    ret
/* uint32_t arch_fpu_token_get(void) */
    .globl arch_fpu_token_get
arch_fpu_token_get:
    movd %xmm7, %eax
    ret

	.section .note.GNU-stack,"",@progbits
