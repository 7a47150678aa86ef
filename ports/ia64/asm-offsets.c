/* SPDX-License-Identifier: MIT */
/*
 * The struct offsets and ABI numbers entry.S uses, generated
 * (tools/asm_offsets.py -> asm-offsets.h) from their C definitions.
 */
#include <hestia/arch/ia64.h>
#include <hestia/hestia.h>
#include <port/arch.h>
#include <port/arch_ctx.h>
#include <port/asm_offsets.h>
#include <port/kernel.h>

#define CTX(slot) offsetof(struct arch_ctx, r[CTX_SLOT_##slot])
_Static_assert(CTX_SLOTS <= sizeof(((struct arch_ctx *)0)->r) / sizeof(uint64_t), "room");

void port_asm_offsets(void);

void port_asm_offsets(void)
{
    ASM_OFFSET(CTX_SLOT_SIZE, sizeof(uint64_t));
    ASM_OFFSET(CTX_GP, CTX(GP));
    ASM_OFFSET(CTX_R4, CTX(R4));
    ASM_OFFSET(CTX_SP, CTX(SP)); /* then b0-b5, ar.pfs, ar.lc, pr, one slot each */
    ASM_OFFSET(CTX_UNAT, CTX(UNAT));
    ASM_OFFSET(CTX_BSPSTORE, CTX(BSPSTORE));
    ASM_OFFSET(CTX_RNAT, CTX(RNAT));
    ASM_OFFSET(FP_SAVE_SLOT, IA64_FP_SAVE_SLOT);
    ASM_OFFSET(FP_SAVE_BYTES, IA64_FP_SAVE_BYTES);
    ASM_OFFSET(ABI_SCRATCH, IA64_ABI_SCRATCH);
    ASM_OFFSET(HYPERCALL_BREAK, HESTIA_IA64_HYPERCALL_BREAK);
    ASM_OFFSET(HYPERCALL_VERSION, HYPERCALL_version);
    ASM_OFFSET(VERSION_ABI, VERSION_abi);
    ASM_OFFSET(HYPERCALL_SCHED_OP, HYPERCALL_sched_op); /* ia64_regs_kept */
    ASM_OFFSET(SCHEDOP_YIELD, SCHEDOP_yield);
    ASM_OFFSET(STACK_BLOCK_BYTES, STACK_BYTES); /* cpu.c: stacks are aligned blocks */
}
