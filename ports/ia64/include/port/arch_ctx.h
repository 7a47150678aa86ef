/* SPDX-License-Identifier: MIT */
/*
 * struct arch_ctx (port/arch.h) as the ia64 port uses it, filled by arch.c
 * for a new thread and saved and loaded by entry.S at the byte offsets
 * asm-offsets.c generates from these names; and the f6-f11 save area the
 * entry stubs keep below the handler's stack (arch.c finds it again).
 */
#ifndef PORT_ARCH_CTX_H
#define PORT_ARCH_CTX_H

enum ia64_ctx_slot {
    CTX_SLOT_GP,
    CTX_SLOT_R4, /* r4..r7; a new thread's fn and argument in r4, r5 */
    CTX_SLOT_SP = CTX_SLOT_R4 + 4,
    /* entry.S stores from here on with one pointer, in this order: */
    CTX_SLOT_B0, /* b0..b5 */
    CTX_SLOT_PFS = CTX_SLOT_B0 + 6,
    CTX_SLOT_LC,
    CTX_SLOT_PR,
    CTX_SLOT_UNAT,
    CTX_SLOT_BSPSTORE, /* after flushrs */
    CTX_SLOT_RNAT,
    CTX_SLOTS
};

/*
 * The entry stubs spill f6-f11 (scratch for C, not in the trap record) to
 * six 16-byte slots just below the interrupted stack pointer, then leave
 * the ABI's 16-byte scratch area below them.
 */
#define IA64_FP_SAVE_SLOT 16
#define IA64_FP_SAVE_BYTES (6 * IA64_FP_SAVE_SLOT)
#define IA64_ABI_SCRATCH 16

#ifndef __ASSEMBLER__
#include <stdint.h>
struct hestia_trap_record;
/* Where the f6-f11 of the context in r were saved (that area's address), or 0. */
uint64_t ia64_fp_area(const struct hestia_trap_record *r);
struct tctx;
/* User tasks spilling their registers to wild backing stores must fault (arch.c). */
void ia64_check_bad_rbs(struct tctx *t);
#endif

#endif
