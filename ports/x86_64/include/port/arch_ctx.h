/* SPDX-License-Identifier: MIT */
/*
 * The slots of struct arch_ctx (port/arch.h) as the x86_64 port uses them:
 * arch.c fills them for a new thread, entry.S saves and loads them (at the
 * byte offsets asm-offsets.c generates from these names).
 */
#ifndef PORT_ARCH_CTX_H
#define PORT_ARCH_CTX_H

enum x86_64_ctx_slot {
    CTX_SLOT_RBX, /* callee-saved registers */
    CTX_SLOT_RBP,
    CTX_SLOT_R12,
    CTX_SLOT_R13,
    CTX_SLOT_R14,
    CTX_SLOT_R15,
    CTX_SLOT_RSP, /* the stack pointer after the return */
    CTX_SLOT_RIP, /* where the context resumes */
    CTX_SLOT_RDI, /* a new thread's argument (arch_switch loads it) */
    CTX_SLOTS
};

#endif
