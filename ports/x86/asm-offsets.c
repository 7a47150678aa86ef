/* SPDX-License-Identifier: MIT */
/*
 * The struct offsets and ABI numbers entry.S uses, generated
 * (tools/asm_offsets.py -> asm-offsets.h) from their C definitions.
 */
#include <hestia/arch/x86.h>
#include <port/arch.h>
#include <port/arch_ctx.h>
#include <port/asm_offsets.h>

#define CTX(slot) offsetof(struct arch_ctx, r[CTX_SLOT_##slot])
_Static_assert(CTX_SLOTS <= sizeof(((struct arch_ctx *)0)->r) / sizeof(uint64_t), "room");

void port_asm_offsets(void);

void port_asm_offsets(void)
{
    ASM_OFFSET(CTX_EBX, CTX(EBX));
    ASM_OFFSET(CTX_ESI, CTX(ESI));
    ASM_OFFSET(CTX_EDI, CTX(EDI));
    ASM_OFFSET(CTX_EBP, CTX(EBP));
    ASM_OFFSET(CTX_ESP, CTX(ESP));
    ASM_OFFSET(CTX_EIP, CTX(EIP));
    ASM_OFFSET(HYPERCALL_VECTOR, HESTIA_X86_HYPERCALL_VECTOR);
}
