/* SPDX-License-Identifier: MIT */
/*
 * The struct ppc_frame offsets and SPR numbers entry.S uses, generated
 * (tools/asm_offsets.py -> asm-offsets.h) from the same definitions the C
 * code uses, so <ppc/arch.h> is the one place they are written.
 */
#include <hal/asm_offsets.h>

#include <hestia/abi.h>
#include <hestia/arch/ppc.h>
#include <hestia/shared_info.h>

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

    /* tlbmiss.S: the vCPU is found from its frame, the space's root and PID. */
    _Static_assert(offsetof(struct hal_vcpu, frame) == 0, "SPRG0 points at the vCPU too");
    ASM_OFFSET(HV_KERNEL, offsetof(struct hal_vcpu, kernel));
    ASM_OFFSET(HV_USER, offsetof(struct hal_vcpu, user));
    ASM_OFFSET(HV_IN_USER, offsetof(struct hal_vcpu, in_user));
    _Static_assert(sizeof(((struct hal_vcpu *)0)->in_user) == 1, "lbz");
    ASM_OFFSET(AS_ROOT, offsetof(struct hal_as, root));
    ASM_OFFSET(AS_PID, offsetof(struct hal_as, pid));
    ASM_OFFSET(AS_PID_GEN, offsetof(struct hal_as, pid_gen));
    ASM_OFFSET(CPU_TLB_GEN, offsetof(struct hal_cpu, tlb_gen));
    ASM_OFFSET(USER_VA_START, HESTIA_PPC_USER_VA_START);
    ASM_OFFSET(USER_VA_END_HI, HESTIA_PPC_USER_VA_END >> 16);
    ASM_OFFSET(KERNEL_VA_END_HI, HESTIA_PPC_KERNEL_VA_END >> 16);
    ASM_OFFSET(PTE_VALID, PT_SOFT_VALID);
    ASM_OFFSET(PTE_UNCACHED, PT_SOFT_UNCACHED);
    ASM_OFFSET(MSR_PR_BIT, MSR_PR);
    ASM_OFFSET(SPR_PID0, SPR_PID0);
    ASM_OFFSET(SPR_PID1, SPR_PID1);
    ASM_OFFSET(SPR_MAS0, SPR_MAS0);
    ASM_OFFSET(SPR_MAS1, SPR_MAS1);
    ASM_OFFSET(SPR_MAS2, SPR_MAS2);
    ASM_OFFSET(SPR_MAS3, SPR_MAS3);
    ASM_OFFSET(SPR_MAS7, SPR_MAS7);

    /* syscall.S: the direct system call. */
    ASM_OFFSET(HV_SYS_INFO, offsetof(struct hal_vcpu, sys_info));
    ASM_OFFSET(HV_SYS_ENTRY, offsetof(struct hal_vcpu, sys_entry));
    ASM_OFFSET(HV_SYS_STACK, offsetof(struct hal_vcpu, sys_stack));
    ASM_OFFSET(VI_MASK, offsetof(struct vcpu_info, evtchn_upcall_mask));
    ASM_OFFSET(VI_FLAGS, offsetof(struct vcpu_info, trap.flags));
    _Static_assert(sizeof(((struct vcpu_info *)0)->trap.flags) == 4, "lwz / stw");
    /* regs[] are big-endian 64-bit: the high word first. */
    ASM_OFFSET(VI_PC, offsetof(struct vcpu_info, trap.regs[HESTIA_PPC_REG_PC]));
    ASM_OFFSET(VI_R1, offsetof(struct vcpu_info, trap.regs[HESTIA_PPC_REG_GPR(1)]));
    ASM_OFFSET(HV_VINFO, offsetof(struct hal_vcpu, vinfo));
    ASM_OFFSET(VI_PENDING, offsetof(struct vcpu_info, evtchn_upcall_pending));
    ASM_OFFSET(VI_REGS, offsetof(struct vcpu_info, trap.regs));
    ASM_OFFSET(REG_PC, HESTIA_PPC_REG_PC);
    ASM_OFFSET(REG_CR, HESTIA_PPC_REG_CR);
    ASM_OFFSET(REG_LR, HESTIA_PPC_REG_LR);
    ASM_OFFSET(REG_CTR, HESTIA_PPC_REG_CTR);
    ASM_OFFSET(REG_XER, HESTIA_PPC_REG_XER);
    ASM_OFFSET(REG_MODE, HESTIA_PPC_REG_MODE);
    ASM_OFFSET(MODE_USER, HESTIA_PPC_MODE_USER);
    ASM_OFFSET(HC_TRAP_RETURN, HYPERCALL_trap_return);
    _Static_assert(TRAP_FLAG_BUSY == 0x1 && TRAP_FLAG_EVENTS_ENABLED == 0x4,
                   "syscall.S's rlwinm masks");
    ASM_OFFSET(TRAP_BUSY, TRAP_FLAG_BUSY);
    ASM_OFFSET(TRAP_DIRECT, TRAP_FLAG_DIRECT);
    ASM_OFFSET(TRAP_FROM_USER, TRAP_FLAG_FROM_USER);
    ASM_OFFSET(TRAP_EVENTS_ENABLED, TRAP_FLAG_EVENTS_ENABLED);

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
