/* SPDX-License-Identifier: MIT */
/*
 * The struct ppc_frame offsets and SPR numbers entry.S uses, generated
 * (tools/asm_offsets.py -> asm-offsets.h) from the same definitions the C
 * code uses, so <ppc/arch.h> is the one place they are written.
 */
#include <hal/asm_offsets.h>

#include <ppc/arch.h>

void ppc_asm_offsets(void);

void ppc_asm_offsets(void)
{
    ASM_OFFSET(FR_GPR0, offsetof(struct ppc_frame, gpr));
    ASM_OFFSET(FR_GPR_SIZE, sizeof(((struct ppc_frame *)0)->gpr[0]));
    ASM_OFFSET(FR_CR, offsetof(struct ppc_frame, cr));
    ASM_OFFSET(FR_LR, offsetof(struct ppc_frame, lr));
    ASM_OFFSET(FR_CTR, offsetof(struct ppc_frame, ctr));
    ASM_OFFSET(FR_XER, offsetof(struct ppc_frame, xer));
    ASM_OFFSET(FR_PC, offsetof(struct ppc_frame, pc));
    ASM_OFFSET(FR_MSR, offsetof(struct ppc_frame, msr));
    ASM_OFFSET(FR_VEC, offsetof(struct ppc_frame, vector));
    ASM_OFFSET(FR_DEAR, offsetof(struct ppc_frame, dear));
    ASM_OFFSET(FR_ESR, offsetof(struct ppc_frame, esr));

    ASM_OFFSET(CPU_HYP_STACK_TOP, offsetof(struct hal_cpu, hyp_stack_top));
    ASM_OFFSET(CPU_BOOT_FRAME, offsetof(struct hal_cpu, boot_frame));

    ASM_OFFSET(SPR_SPRG0, SPR_SPRG0);
    ASM_OFFSET(SPR_SPRG2, SPR_SPRG2);
    ASM_OFFSET(SPR_SPRG1, SPR_SPRG1);
    ASM_OFFSET(SPR_DEAR, SPR_DEAR);
    ASM_OFFSET(SPR_ESR, SPR_ESR);
    ASM_OFFSET(SPR_IVPR, SPR_IVPR);
    ASM_OFFSET(SPR_IVOR0, SPR_IVOR(0));
    ASM_OFFSET(SPR_IVOR1, SPR_IVOR(1));
    ASM_OFFSET(SPR_IVOR2, SPR_IVOR(2));
    ASM_OFFSET(SPR_IVOR3, SPR_IVOR(3));
    ASM_OFFSET(SPR_IVOR4, SPR_IVOR(4));
    ASM_OFFSET(SPR_IVOR5, SPR_IVOR(5));
    ASM_OFFSET(SPR_IVOR6, SPR_IVOR(6));
    ASM_OFFSET(SPR_IVOR7, SPR_IVOR(7));
    ASM_OFFSET(SPR_IVOR8, SPR_IVOR(8));
    ASM_OFFSET(SPR_IVOR9, SPR_IVOR(9));
    ASM_OFFSET(SPR_IVOR10, SPR_IVOR(10));
    ASM_OFFSET(SPR_IVOR11, SPR_IVOR(11));
    ASM_OFFSET(SPR_IVOR12, SPR_IVOR(12));
    ASM_OFFSET(SPR_IVOR13, SPR_IVOR(13));
    ASM_OFFSET(SPR_IVOR14, SPR_IVOR(14));
    ASM_OFFSET(SPR_IVOR15, SPR_IVOR(15));
    ASM_OFFSET(SPR_IVOR32, SPR_IVOR(32));
    ASM_OFFSET(SPR_IVOR33, SPR_IVOR(33));
    ASM_OFFSET(SPR_IVOR34, SPR_IVOR(34));
    ASM_OFFSET(SPR_IVOR35, SPR_IVOR(35));
}
