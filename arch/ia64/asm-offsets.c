/* SPDX-License-Identifier: MIT */
/*
 * The struct hal_vcpu offsets ivt.S uses and the constants start.S uses,
 * generated (tools/asm_offsets.py -> asm-offsets.h) so no offset is typed
 * by hand in assembly.  The assertions hold what ivt.S relies on beyond
 * the offsets themselves.
 */
#include <hal/asm_offsets.h>

#include <ia64/arch.h>

#define HV(field) offsetof(struct hal_vcpu, field)
_Static_assert(HV(gr) == 0, "gr first: NaT bits of st8.spill follow the address");
_Static_assert(HV(fr) % 16 == 0, "stf.spill needs 16-byte aligned slots");

void ia64_asm_offsets(void);

void ia64_asm_offsets(void)
{
    ASM_OFFSET(HV_REG_SIZE, sizeof(uint64_t));
    ASM_OFFSET(HV_FREG_SIZE, sizeof(((struct hal_vcpu *)0)->fr[0]));
    ASM_OFFSET(HV_GR, HV(gr)); /* r1..r31 by number (slot 0 unused) */
    ASM_OFFSET(HV_BR, HV(br));
    ASM_OFFSET(HV_PR, HV(pr));             /* as the guest reads it (exit) */
    ASM_OFFSET(HV_PR_ENTRY, HV(pr_entry)); /* physical order for CFM.rrb.pr = 0 (entry) */
    ASM_OFFSET(HV_IIP, HV(iip));
    ASM_OFFSET(HV_IPSR, HV(ipsr));
    ASM_OFFSET(HV_IFS, HV(ifs));
    ASM_OFFSET(HV_PFS, HV(pfs));
    ASM_OFFSET(HV_UNAT, HV(unat)); /* the guest's ar.unat */
    ASM_OFFSET(HV_LC, HV(lc));
    ASM_OFFSET(HV_EC, HV(ec));
    ASM_OFFSET(HV_CCV, HV(ccv));
    ASM_OFFSET(HV_FPSR, HV(fpsr));
    ASM_OFFSET(HV_RSC, HV(rsc));
    ASM_OFFSET(HV_BSPSTORE, HV(bspstore)); /* guest ar.bspstore */
    ASM_OFFSET(HV_RNAT, HV(rnat));         /* guest ar.rnat */
    ASM_OFFSET(HV_NAT_UNAT, HV(nat_unat)); /* ar.unat collected by st8.spill of the GRs */
    ASM_OFFSET(HV_ISR, HV(isr));
    ASM_OFFSET(HV_IFA, HV(ifa));
    ASM_OFFSET(HV_IIM, HV(iim));
    ASM_OFFSET(HV_VECTOR, HV(vector));
    ASM_OFFSET(HV_RBS_BASE, HV(rbs_base));   /* this vCPU's hypervisor backing store */
    ASM_OFFSET(HV_RBS_BYTES, HV(rbs_bytes)); /* guest registers held there (loadrs size) */
    ASM_OFFSET(HV_RBS_RNAT, HV(rbs_rnat));
    ASM_OFFSET(HV_FR, HV(fr)); /* fr[32][16 bytes] by number (ivt.S: f2-f31) */
    ASM_OFFSET(CPU_HYP_RBS, offsetof(struct hal_cpu, hyp_rbs));
    ASM_OFFSET(CPU_HYP_STACK_TOP, offsetof(struct hal_cpu, hyp_stack_top));
    ASM_OFFSET(CPU_FAULT_RBS, offsetof(struct hal_cpu, fault_rbs));
    ASM_OFFSET(CPU_FAULT_STACK_TOP, offsetof(struct hal_cpu, fault_stack_top));
    /* tlbmiss.S: the spaces, a space's root table, the window, ISR.w. */
    ASM_OFFSET(HV_KERNEL, HV(kernel));
    ASM_OFFSET(HV_USER, HV(user));
    ASM_OFFSET(AS_PT_ROOT, offsetof(struct hal_as, pt.root));
    ASM_OFFSET(WINDOW_BITS, IA64_WINDOW_BITS);
    ASM_OFFSET(ISR_W_BIT, 33);
    ASM_OFFSET(PAGE_SHIFT, HAL_PAGE_SHIFT); /* start.S: the region registers' page size */
}
