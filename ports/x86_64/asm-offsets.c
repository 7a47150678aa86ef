/* SPDX-License-Identifier: MIT */
/*
 * The struct offsets and ABI numbers entry.S uses, generated
 * (tools/asm_offsets.py -> asm-offsets.h) from their C definitions.
 */
#include <hestia/hestia.h>
#include <port/arch.h>
#include <port/arch_ctx.h>
#include <port/asm_offsets.h>

#define CTX(slot) offsetof(struct arch_ctx, r[CTX_SLOT_##slot])
_Static_assert(CTX_SLOTS <= sizeof(((struct arch_ctx *)0)->r) / sizeof(uint64_t), "room");

void port_asm_offsets(void);

void port_asm_offsets(void)
{
    ASM_OFFSET(CTX_RBX, CTX(RBX));
    ASM_OFFSET(CTX_RBP, CTX(RBP));
    ASM_OFFSET(CTX_R12, CTX(R12));
    ASM_OFFSET(CTX_R13, CTX(R13));
    ASM_OFFSET(CTX_R14, CTX(R14));
    ASM_OFFSET(CTX_R15, CTX(R15));
    ASM_OFFSET(CTX_RSP, CTX(RSP));
    ASM_OFFSET(CTX_RIP, CTX(RIP));
    ASM_OFFSET(CTX_RDI, CTX(RDI));
    ASM_OFFSET(HYPERCALL_VERSION, HYPERCALL_version);
    ASM_OFFSET(VERSION_ABI, VERSION_abi);
}
