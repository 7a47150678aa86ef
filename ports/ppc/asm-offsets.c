/* SPDX-License-Identifier: MIT */
/*
 * The struct offsets and ABI numbers entry.S uses, generated
 * (tools/asm_offsets.py -> asm-offsets.h) from their C definitions.
 */
#include <hestia/hestia.h>
#include <port/arch.h>
#include <port/arch_ctx.h>
#include <port/asm_offsets.h>

#define CTX(word) ((long)CTX_WORD_##word * (long)sizeof(uint32_t))
_Static_assert(CTX_WORDS * sizeof(uint32_t) <= sizeof(struct arch_ctx), "room");

void port_asm_offsets(void);

void port_asm_offsets(void)
{
    ASM_OFFSET(CTX_R1, CTX(R1));
    ASM_OFFSET(CTX_LR, CTX(LR));
    ASM_OFFSET(CTX_CR, CTX(CR));
    ASM_OFFSET(CTX_R3, CTX(R3));
    ASM_OFFSET(CTX_R14, CTX(R14));
    ASM_OFFSET(HYPERCALL_VERSION, HYPERCALL_version);
    ASM_OFFSET(VERSION_ABI, VERSION_abi);
}
