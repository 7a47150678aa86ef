/* SPDX-License-Identifier: MIT */
/*
 * struct arch_ctx (port/arch.h) as the ppc port uses it: 32-bit words,
 * filled by arch.c for a new thread, saved and loaded by entry.S (at the
 * byte offsets asm-offsets.c generates from these names).
 */
#ifndef PORT_ARCH_CTX_H
#define PORT_ARCH_CTX_H

enum ppc_ctx_word {
    CTX_WORD_R1,  /* stack pointer */
    CTX_WORD_LR,  /* where the context resumes */
    CTX_WORD_CR,  /* the non-volatile condition fields */
    CTX_WORD_R3,  /* a new thread's argument (arch_switch loads it) */
    CTX_WORD_R14, /* r14..r31, one stmw */
    CTX_WORDS = CTX_WORD_R14 + 18
};

#endif
