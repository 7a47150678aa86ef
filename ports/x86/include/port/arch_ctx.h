/* SPDX-License-Identifier: MIT */
/*
 * The slots of struct arch_ctx (port/arch.h) as the x86 port uses them:
 * arch.c fills them for a new thread, entry.S saves and loads them (at the
 * byte offsets asm-offsets.c generates from these names).
 */
#ifndef PORT_ARCH_CTX_H
#define PORT_ARCH_CTX_H

enum x86_ctx_slot {
    CTX_SLOT_EBX, /* callee-saved registers */
    CTX_SLOT_ESI,
    CTX_SLOT_EDI,
    CTX_SLOT_EBP,
    CTX_SLOT_ESP, /* the stack pointer after the return */
    CTX_SLOT_EIP, /* where the context resumes */
    CTX_SLOTS
};

#endif
