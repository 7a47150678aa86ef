/* SPDX-License-Identifier: MIT */
/*
 * The interruption vector table, the guest exit path (state collection and
 * the register stack switch) and the guest entry path.
 *
 * Guest exit: the CPU enters the IVT with PSR.ic = 0, bank 0 registers and
 * the guest's frame still current.  `cover` moves that frame into the dirty
 * partition (CR.IFS describes it); the RSE is then pointed at the vCPU's
 * own hypervisor backing store and `flushrs` writes every dirty guest
 * register there, never to the guest's (untrusted) ar.bspstore.  The
 * hypervisor then runs on its per-CPU stacks, which start empty on every
 * exit: no hypervisor state survives a guest entry.
 * Guest entry: drop the hypervisor's stacked registers (loadrs with 0),
 * `loadrs` the vCPU's saved dirty partition back, point ar.bspstore at the
 * guest's store again, restore everything and `rfi` (IFS.v brings the
 * interrupted frame back).
 */
#include <ia64/arch.h>

#include "asm-offsets.h" /* generated from asm-offsets.c: HV_* */

/* Two pointers fill or drain alternate slots, so each steps over two registers. */
#define REG_PAIR_STEP (2 * HV_REG_SIZE)
#define FREG_PAIR_STEP (2 * HV_FREG_SIZE)

    .section .text.ivt, "ax"
    .balign IA64_IVT_SIZE
    .global ia64_ivt
ia64_ivt:
.macro IVT_ENTRY vec
    .org ia64_ivt + \vec
    mov     r16 = \vec
    /* Data TLB misses try the assembly refill first (tlbmiss.S). */
    .if (\vec == IA64_IVT_DTLB) || (\vec == IA64_IVT_ALT_DTLB)
    br.sptk.many ia64_dtlb_fast
    .else
    br.sptk.many ia64_common_entry
    .endif
    ;;
.endm
    /* Every entry, named or reserved, passes its offset (ia64/vectors.h) to C. */
    .set ivt_off, 0
    .rept IA64_IVT_LONG_ENTRIES
    IVT_ENTRY ivt_off
    .set ivt_off, ivt_off + IA64_IVT_LONG_SIZE
    .endr
    .rept (IA64_IVT_SIZE - IA64_IVT_SHORT_BASE) / IA64_IVT_SHORT_SIZE
    IVT_ENTRY ivt_off
    .set ivt_off, ivt_off + IA64_IVT_SHORT_SIZE
    .endr
    .org ia64_ivt + IA64_IVT_SIZE

    /* ia64_enter_guest walks these slots with two post-incremented pointers. */
    .if (HV_IPSR != HV_IIP + 8) || (HV_IFS != HV_IIP + 16) || (HV_PFS != HV_IIP + 24)
    .error "hal_vcpu: iip, ipsr, ifs, pfs are no longer consecutive (ia64_enter_guest)"
    .endif
    .if (HV_LC != HV_IIP + 40) || (HV_EC != HV_IIP + 48) || (HV_CCV != HV_IIP + 56)
    .error "hal_vcpu: lc, ec, ccv no longer follow iip as ia64_enter_guest expects"
    .endif
    .if (HV_FPSR != HV_IIP + 64) || (HV_NAT_UNAT != HV_IIP + 96)
    .error "hal_vcpu: fpsr, nat_unat no longer where ia64_enter_guest expects them"
    .endif
    /* ia64_common_entry: pr .. rnat and isr .. rbs_rnat, post-incremented. */
    .if (HV_IIP != HV_PR + 8) || (HV_UNAT != HV_IIP + 32) || (HV_RSC != HV_IIP + 72)
    .error "hal_vcpu: pr, iip, unat, rsc no longer where ia64_common_entry expects them"
    .endif
    .if (HV_BSPSTORE != HV_RSC + 8) || (HV_RNAT != HV_RSC + 16)
    .error "hal_vcpu: bspstore, rnat no longer follow rsc (ia64_common_entry)"
    .endif
    .if (HV_IFA != HV_ISR + 8) || (HV_IIM != HV_ISR + 16) || (HV_VECTOR != HV_ISR + 24)
    .error "hal_vcpu: isr, ifa, iim, vector no longer consecutive (ia64_common_entry)"
    .endif
    .if (HV_RBS_BASE != HV_ISR + 32) || (HV_RBS_BYTES != HV_ISR + 40) || (HV_RBS_RNAT != HV_ISR + 48)
    .error "hal_vcpu: rbs_base, rbs_bytes, rbs_rnat no longer follow vector (ia64_common_entry)"
    .endif

    .text
    .global ia64_common_entry
    .proc ia64_common_entry
ia64_common_entry:
    /*
     * bank 0: r16 = vector; r17.. scratch.  The guest's predicates first: p6
     * is used below.  r20 and r21 walk the consecutive slots pr .. rnat and
     * isr .. rbs_rnat of struct hal_vcpu (checked above), so nearly every
     * group is one bundle with no nop.
     */
    mov     r24 = pr
    mov     r17 = cr.ipsr
    mov     r18 = ar.k7             /* this CPU's struct hal_cpu; current is first */
    ;;
    ld8     r18 = [r18]
    mov     r22 = cr.iip
    extr.u  r19 = r17, PSR_CPL_SHIFT, 2
    ;;
    mov     r23 = cr.isr
    add     r20 = HV_PR, r18
    cmp.eq  p6, p0 = 0, r19
    ;;
    mov     r25 = cr.ifa
    add     r21 = HV_ISR, r18
(p6) br.cond.spnt.many ia64_hyp_fault
    ;;
    mov     r26 = cr.iim
    st8     [r20] = r24, HV_IIP - HV_PR
    ;;
    st8     [r20] = r22, HV_IPSR - HV_IIP
    st8     [r21] = r23, HV_IFA - HV_ISR
    ;;
    st8     [r20] = r17, HV_IFS - HV_IPSR
    st8     [r21] = r25, HV_IIM - HV_IFA
    cover
    ;;
    mov     r22 = cr.ifs
    st8     [r21] = r26, HV_VECTOR - HV_IIM
    ;;
    st8     [r20] = r22, HV_UNAT - HV_IFS
    st8     [r21] = r16, HV_RBS_BASE - HV_VECTOR
    ;;
    ld8     r27 = [r21], HV_RBS_BYTES - HV_RBS_BASE
    mov     r23 = ar.unat               /* the guest's: nothing spilled yet */
    ;;
    mov     r24 = ar.rsc
    st8     [r20] = r23, HV_RSC - HV_UNAT
    ;;
    st8     [r20] = r24, HV_BSPSTORE - HV_RSC
    mov     ar.rsc = 0
    ;;
    mov     r22 = ar.bspstore
    mov     r23 = ar.rnat
    ;;
    st8     [r20] = r22, HV_RNAT - HV_BSPSTORE
    mov     ar.bspstore = r27           /* the vCPU's own store (hal_vcpu.rbs) */
    ;;
    st8     [r20] = r23
    mov     r28 = ar.k7
    ;;
    flushrs
    add     r29 = CPU_HYP_RBS, r28
    ;;
    mov     r23 = ar.bsp
    ld8     r29 = [r29]
    ;;
    mov     r24 = ar.rnat
    sub     r23 = r23, r27
    ;;
    st8     [r21] = r23, HV_RBS_RNAT - HV_RBS_BYTES
    mov     ar.bspstore = r29           /* the hypervisor's, empty */
    ;;
    st8     [r21] = r24
    add     r20 = HV_GR + HV_REG_SIZE * 1, r18
    add     r21 = HV_GR + HV_REG_SIZE * 2, r18
    ;;
    /* r1-r15 but the kept r4-r7 and r13 (kept.inc): two pointers, odd and even. */
    st8.spill [r20] = r1, 2 * HV_REG_SIZE   /* on to r3 */
    st8.spill [r21] = r2, 6 * HV_REG_SIZE   /* r8 */
    ;;
    st8.spill [r20] = r3, 6 * HV_REG_SIZE   /* r9 */
    st8.spill [r21] = r8, REG_PAIR_STEP
    ;;
    st8.spill [r20] = r9, REG_PAIR_STEP
    st8.spill [r21] = r10, REG_PAIR_STEP
    ;;
    st8.spill [r20] = r11, 3 * HV_REG_SIZE  /* r14 */
    st8.spill [r21] = r12, 3 * HV_REG_SIZE  /* r15 */
    ;;
    st8.spill [r20] = r14
    st8.spill [r21] = r15
    mov     r2 = r18
    ;;
    add     r3 = HV_GR + HV_REG_SIZE * 16, r2   /* r3, r14: not banked */
    add     r14 = HV_GR + HV_REG_SIZE * 17, r2
    bsw.1                               /* last in its group: one bundle */
    ;;
    /*
     * The guest's bank 1 (r16-r31) is kept too: the hypervisor runs in
     * bank 0.  Only the hypercall arguments r16-r18 are copied, for
     * ia64_trap (the CPU's stay the current ones).  b0, b6 and b7 go
     * through non-banked registers already spilled; b1-b5 and ar.lc are
     * kept: only b0, b6, b7, pfs, ec, ccv and fpsr are stored, then f6-f11.
     */
    st8.spill [r3] = r16, REG_PAIR_STEP
    st8.spill [r14] = r17
    mov     r8 = b0
    ;;
    st8.spill [r3] = r18
    mov     r9 = b6
    bsw.0
    ;;
    mov     r15 = ar.unat               /* the spills' NaT bits */
    mov.m   r28 = ar.ccv
    mov     r10 = b7
    ;;
    mov.m   r29 = ar.fpsr
    add     r21 = HV_BR, r2
    mov.i   r19 = ar.pfs
    ;;
    st8     [r21] = r8, HV_REG_SIZE * 6 /* b0 */
    add     r23 = HV_NAT_UNAT, r2
    mov.i   r20 = ar.ec
    ;;
    st8     [r21] = r9, HV_REG_SIZE     /* b6 */
    st8     [r23] = r15
    add     r24 = HV_PFS, r2
    ;;
    st8     [r21] = r10                 /* b7 */
    st8     [r24] = r19, HV_EC - HV_PFS /* pfs */
    add     r14 = HV_FR + HV_FREG_SIZE * 7, r2
    ;;
    st8     [r24] = r20, HV_CCV - HV_EC /* ec */
    add     r3 = HV_FR + HV_FREG_SIZE * 6, r2
    ;;
    st8     [r24] = r28, HV_FPSR - HV_CCV /* ccv */
    ;;
    /*
     * f6-f11.  The kept registers stay in the CPU: they move only when
     * another vCPU is entered here or this one leaves the CPU (vcpu.c).
     */
    st8     [r24] = r29                 /* fpsr */
    stf.spill [r3] = f6, FREG_PAIR_STEP
    stf.spill [r14] = f7, FREG_PAIR_STEP
    ;;
    stf.spill [r3] = f8, FREG_PAIR_STEP
    stf.spill [r14] = f9, FREG_PAIR_STEP
    ;;
    stf.spill [r3] = f10
    stf.spill [r14] = f11
    movl    gp = __gp
    mov     r12 = ar.k7                 /* this CPU's struct hal_cpu */
    ;;
    add     r12 = CPU_HYP_STACK_TOP, r12
    ;;
    ld8     r12 = [r12]
    ;;
    add     r12 = -16, r12
    ;;
    ssm     psr.ic
    rsm     psr.dfh                     /* the guest's lazy-FP state (vcpu.c) is not ours */
    ;;
    srlz.d
    alloc   r14 = ar.pfs, 0, 0, 1, 0
    mov     out0 = r2
    br.call.sptk.many b0 = ia64_trap
    ;;
1:  br.sptk.few 1b
    .endp ia64_common_entry

/* A fault at PL0: report it on this CPU's fault stacks (struct hal_cpu) and stop. */
    .proc ia64_hyp_fault
ia64_hyp_fault:
    mov     ar.rsc = 0
    mov     r17 = ar.k7                 /* this CPU's struct hal_cpu */
    ;;
    add     r17 = CPU_FAULT_RBS, r17
    ;;
    ld8     r17 = [r17]
    ;;
    mov     ar.bspstore = r17
    ;;
    alloc   r18 = ar.pfs, 0, 0, 4, 0
    mov     out0 = r16
    mov     out1 = cr.iip
    mov     out2 = cr.isr
    mov     out3 = cr.ifa
    ;;
    bsw.1
    ;;
    movl    gp = __gp
    mov     r12 = ar.k7
    ;;
    add     r12 = CPU_FAULT_STACK_TOP, r12
    ;;
    ld8     r12 = [r12]
    ;;
    add     r12 = -16, r12
    br.call.sptk.many b0 = ia64_hyp_fault_c
    ;;
1:  br.sptk.few 1b
    .endp ia64_hyp_fault

/* void ia64_enter_guest(struct hal_vcpu *hv): never returns. */
    .global ia64_enter_guest
    .proc ia64_enter_guest
ia64_enter_guest:
    rsm     psr.i | psr.ic
    mov     r2 = r32
    bsw.0                               /* the boot stacks' C ran in bank 1; bank 1 is the guest's */
    ;;
    srlz.d
    alloc   r14 = ar.pfs, 0, 0, 0, 0
    ;;
    mov     ar.rsc = 0
    ;;
    loadrs                              /* RSC.loadrs = 0: forget the hypervisor's frames */
    ;;
    add     r3 = HV_RBS_BASE, r2
    add     r14 = HV_RBS_BYTES, r2
    add     r15 = HV_RBS_RNAT, r2
    ;;
    ld8     r3 = [r3]
    ld8     r14 = [r14]
    ;;
    ld8     r15 = [r15]
    add     r3 = r3, r14
    shl     r14 = r14, IA64_RSC_LOADRS_SHIFT
    ;;
    mov     ar.bspstore = r3
    ;;
    mov     ar.rnat = r15
    mov     ar.rsc = r14
    ;;
    loadrs                              /* the guest's dirty partition comes back */
    ;;
    add     r3 = HV_BSPSTORE, r2
    add     r14 = HV_RNAT, r2
    ;;
    ld8     r3 = [r3]
    ld8     r14 = [r14]
    mov     ar.rsc = 0
    ;;
    mov     ar.bspstore = r3
    ;;
    mov     ar.rnat = r14
    add     r3 = HV_FR + HV_FREG_SIZE * 6, r2
    add     r14 = HV_FR + HV_FREG_SIZE * 7, r2
    ;;
    /*
     * f6-f11 (f2-f5 are kept); the pointers for the branch, application and
     * control register loads are set up in the fills' free slots, and each
     * loaded value is moved to its register while the next two load (bank
     * 1's r16-r31 are free until their fills).  r19 / r20 walk the
     * consecutive slots iip, ipsr, ifs, pfs, unat, lc, ec, ccv, fpsr (the
     * .if at the top checks the layout): r19 iip, ifs, ec, fpsr, nat_unat;
     * r20 ipsr, pfs, ccv.
     */
    ldf.fill f6 = [r3], FREG_PAIR_STEP
    ldf.fill f7 = [r14], FREG_PAIR_STEP
    add     r16 = HV_BR, r2
    ;;
    ldf.fill f8 = [r3], FREG_PAIR_STEP
    ldf.fill f9 = [r14], FREG_PAIR_STEP
    add     r17 = HV_BR + HV_REG_SIZE * 6, r2
    ;;
    ldf.fill f10 = [r3]
    ldf.fill f11 = [r14]
    add     r18 = HV_PR_ENTRY, r2
    ;;
    ld8     r21 = [r16]                 /* b0 */
    ld8     r22 = [r17], HV_REG_SIZE    /* b6 */
    add     r19 = HV_IIP, r2
    ;;
    ld8     r23 = [r17]                 /* b7 */
    ld8     r24 = [r18]                 /* pr_entry */
    add     r20 = HV_IPSR, r2
    ;;
    ld8     r25 = [r19], 16             /* iip */
    ld8     r26 = [r20], 16             /* ipsr */
    mov     b0 = r21
    ;;
    ld8     r27 = [r19], 32             /* ifs */
    ld8     r28 = [r20], 32             /* pfs */
    mov     b6 = r22
    ;;
    ld8     r29 = [r19], 16             /* ec */
    ld8     r31 = [r20]                 /* ccv */
    mov     b7 = r23
    ;;
    ld8     r30 = [r19], 32             /* fpsr */
    mov     cr.iip = r25
    mov     pr = r24, -1
    ;;
    ld8     r18 = [r19]                 /* nat_unat */
    mov     cr.ipsr = r26
    mov.i   ar.pfs = r28
    ;;
    mov     cr.ifs = r27
    mov     ar.ccv = r31
    add     r26 = HV_UNAT, r2
    ;;
    mov     ar.fpsr = r30
    mov     ar.unat = r18
    mov.i   ar.ec = r29
    ;;
    /* Bank 1 (the guest's r16-r31) is kept: it was never left (bank 0 here). */
    ld8     r17 = [r26]
    add     r27 = HV_RSC, r2
    add     r19 = HV_GR + HV_REG_SIZE * 1, r2
    ;;
    ld8     r18 = [r27]
    add     r20 = HV_GR + HV_REG_SIZE * 2, r2
    ;;
    /* r1-r15 but the kept r4-r7 and r13, as the exit spilled them. */
    ld8.fill r1 = [r19], 2 * HV_REG_SIZE    /* on to r3 */
    ld8.fill r2 = [r20], 6 * HV_REG_SIZE    /* r8 */
    ;;
    ld8.fill r3 = [r19], 6 * HV_REG_SIZE    /* r9 */
    ld8.fill r8 = [r20], REG_PAIR_STEP
    ;;
    ld8.fill r9 = [r19], REG_PAIR_STEP
    ld8.fill r10 = [r20], REG_PAIR_STEP
    ;;
    ld8.fill r11 = [r19], 3 * HV_REG_SIZE   /* r14 */
    ld8.fill r12 = [r20], 3 * HV_REG_SIZE   /* r15 */
    ;;
    ld8.fill r14 = [r19]
    ld8.fill r15 = [r20]
    ;;
    mov     ar.unat = r17
    mov     ar.rsc = r18
    invala                              /* no advanced load survives a world switch */
    ;;
    rfi
    ;;
    .endp ia64_enter_guest

    .section .note.GNU-stack, "", @progbits
