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
#include "asm-offsets.h" /* generated from asm-offsets.c: HV_* */
#include "ia64.h"

    .section .text.ivt, "ax"
    .balign 32768
    .global ia64_ivt
ia64_ivt:
.macro IVT_ENTRY vec
    .org ia64_ivt + \vec
    mov     r16 = \vec
    br.sptk.many ia64_common_entry
    ;;
.endm
    .irp v, 0x0000,0x0400,0x0800,0x0c00,0x1000,0x1400,0x1800,0x1c00,0x2000,0x2400,0x2800,0x2c00,0x3000,0x3400,0x3800,0x3c00,0x4000,0x4400,0x4800,0x4c00
    IVT_ENTRY \v
    .endr
    .irp v, 0x5000,0x5100,0x5200,0x5300,0x5400,0x5500,0x5600,0x5700,0x5800,0x5900,0x5a00,0x5b00,0x5c00,0x5d00,0x5e00,0x5f00
    IVT_ENTRY \v
    .endr
    .irp v, 0x6000,0x6100,0x6200,0x6300,0x6400,0x6500,0x6600,0x6700,0x6800,0x6900,0x6a00,0x6b00,0x6c00,0x6d00,0x6e00,0x6f00
    IVT_ENTRY \v
    .endr
    .irp v, 0x7000,0x7100,0x7200,0x7300,0x7400,0x7500,0x7600,0x7700,0x7800,0x7900,0x7a00,0x7b00,0x7c00,0x7d00,0x7e00,0x7f00
    IVT_ENTRY \v
    .endr
    .org ia64_ivt + 0x8000

    .text
    .proc ia64_common_entry
ia64_common_entry:
    /* bank 0: r16 = vector; r17.. scratch.  The guest's predicates first: p6 is used below. */
    mov     r24 = pr
    mov     r17 = cr.ipsr
    mov     r18 = ar.k7             /* this CPU's struct hal_cpu; current is first */
    ;;
    extr.u  r19 = r17, PSR_CPL_SHIFT, 2
    ld8     r18 = [r18]
    ;;
    cmp.eq  p6, p0 = 0, r19
(p6) br.cond.spnt.many ia64_hyp_fault
    ;;
    add     r20 = HV_IPSR, r18
    add     r21 = HV_IIP, r18
    mov     r22 = cr.iip
    add     r25 = HV_PR, r18
    ;;
    st8     [r20] = r17
    st8     [r21] = r22
    st8     [r25] = r24
    add     r20 = HV_VECTOR, r18
    add     r21 = HV_ISR, r18
    mov     r22 = cr.isr
    ;;
    st8     [r20] = r16
    st8     [r21] = r22
    add     r20 = HV_IFA, r18
    add     r21 = HV_IIM, r18
    mov     r22 = cr.ifa
    mov     r23 = cr.iim
    ;;
    st8     [r20] = r22
    st8     [r21] = r23
    cover
    ;;
    mov     r22 = cr.ifs
    add     r20 = HV_IFS, r18
    mov     r23 = ar.rsc
    add     r21 = HV_RSC, r18
    ;;
    st8     [r20] = r22
    st8     [r21] = r23
    mov     ar.rsc = 0
    ;;
    mov     r22 = ar.bspstore
    add     r20 = HV_BSPSTORE, r18
    ;;
    mov     r23 = ar.rnat
    add     r21 = HV_RNAT, r18
    st8     [r20] = r22
    ;;
    st8     [r21] = r23
    add     r20 = HV_RBS_BASE, r18
    ;;
    ld8     r22 = [r20]
    ;;
    mov     ar.bspstore = r22
    ;;
    flushrs
    ;;
    mov     r23 = ar.bsp
    mov     r24 = ar.rnat
    add     r20 = HV_RBS_BYTES, r18
    add     r21 = HV_RBS_RNAT, r18
    ;;
    sub     r23 = r23, r22
    st8     [r21] = r24
    ;;
    st8     [r20] = r23
    mov     r22 = ar.k7                 /* this CPU's struct hal_cpu */
    ;;
    add     r22 = CPU_HYP_RBS, r22
    ;;
    ld8     r22 = [r22]
    ;;
    mov     ar.bspstore = r22
    mov     r23 = ar.unat
    add     r20 = HV_UNAT, r18
    ;;
    st8     [r20] = r23
    add     r20 = HV_GR + HV_REG_SIZE * 1, r18
    add     r21 = HV_GR + HV_REG_SIZE * 2, r18
    ;;
    st8.spill [r20] = r1, 16
    st8.spill [r21] = r2, 16
    ;;
    st8.spill [r20] = r3, 16
    st8.spill [r21] = r4, 16
    ;;
    st8.spill [r20] = r5, 16
    st8.spill [r21] = r6, 16
    ;;
    st8.spill [r20] = r7, 16
    st8.spill [r21] = r8, 16
    ;;
    st8.spill [r20] = r9, 16
    st8.spill [r21] = r10, 16
    ;;
    st8.spill [r20] = r11, 16
    st8.spill [r21] = r12, 16
    ;;
    st8.spill [r20] = r13, 16
    st8.spill [r21] = r14, 16
    ;;
    st8.spill [r20] = r15
    mov     r2 = r18
    ;;
    bsw.1
    ;;
    add     r3 = HV_GR + HV_REG_SIZE * 16, r2
    add     r14 = HV_GR + HV_REG_SIZE * 17, r2
    ;;
    st8.spill [r3] = r16, 16
    st8.spill [r14] = r17, 16
    ;;
    st8.spill [r3] = r18, 16
    st8.spill [r14] = r19, 16
    ;;
    st8.spill [r3] = r20, 16
    st8.spill [r14] = r21, 16
    ;;
    st8.spill [r3] = r22, 16
    st8.spill [r14] = r23, 16
    ;;
    st8.spill [r3] = r24, 16
    st8.spill [r14] = r25, 16
    ;;
    st8.spill [r3] = r26, 16
    st8.spill [r14] = r27, 16
    ;;
    st8.spill [r3] = r28, 16
    st8.spill [r14] = r29, 16
    ;;
    st8.spill [r3] = r30
    st8.spill [r14] = r31
    ;;
    mov     r15 = ar.unat
    add     r3 = HV_NAT_UNAT, r2
    ;;
    st8     [r3] = r15
    add     r3 = HV_BR, r2
    add     r14 = HV_BR + HV_REG_SIZE, r2
    mov     r15 = b0
    mov     r16 = b1
    ;;
    st8     [r3] = r15, 16
    st8     [r14] = r16, 16
    mov     r15 = b2
    mov     r16 = b3
    ;;
    st8     [r3] = r15, 16
    st8     [r14] = r16, 16
    mov     r15 = b4
    mov     r16 = b5
    ;;
    st8     [r3] = r15, 16
    st8     [r14] = r16, 16
    mov     r15 = b6
    mov     r16 = b7
    ;;
    st8     [r3] = r15
    st8     [r14] = r16
    add     r14 = HV_PFS, r2
    mov     r16 = ar.pfs
    ;;
    st8     [r14] = r16
    add     r3 = HV_LC, r2
    add     r14 = HV_EC, r2
    mov     r15 = ar.lc
    mov     r16 = ar.ec
    ;;
    st8     [r3] = r15
    st8     [r14] = r16
    add     r3 = HV_CCV, r2
    add     r14 = HV_FPSR, r2
    mov     r15 = ar.ccv
    mov     r16 = ar.fpsr
    ;;
    st8     [r3] = r15
    st8     [r14] = r16
    add     r3 = HV_FR + HV_FREG_SIZE * 2, r2
    add     r14 = HV_FR + HV_FREG_SIZE * 3, r2
    ;;
    stf.spill [r3] = f2, 32
    stf.spill [r14] = f3, 32
    ;;
    stf.spill [r3] = f4, 32
    stf.spill [r14] = f5, 32
    ;;
    stf.spill [r3] = f6, 32
    stf.spill [r14] = f7, 32
    ;;
    stf.spill [r3] = f8, 32
    stf.spill [r14] = f9, 32
    ;;
    stf.spill [r3] = f10, 32
    stf.spill [r14] = f11, 32
    ;;
    stf.spill [r3] = f12, 32            /* f12-f15: the hypervisor never uses them, */
    stf.spill [r14] = f13, 32           /* but they are cheaper here than lazily */
    ;;
    stf.spill [r3] = f14, 32
    stf.spill [r14] = f15, 32
    ;;
    stf.spill [r3] = f16, 32
    stf.spill [r14] = f17, 32
    ;;
    stf.spill [r3] = f18, 32
    stf.spill [r14] = f19, 32
    ;;
    stf.spill [r3] = f20, 32
    stf.spill [r14] = f21, 32
    ;;
    stf.spill [r3] = f22, 32
    stf.spill [r14] = f23, 32
    ;;
    stf.spill [r3] = f24, 32
    stf.spill [r14] = f25, 32
    ;;
    stf.spill [r3] = f26, 32
    stf.spill [r14] = f27, 32
    ;;
    stf.spill [r3] = f28, 32
    stf.spill [r14] = f29, 32
    ;;
    stf.spill [r3] = f30
    stf.spill [r14] = f31
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

/* A fault at PL0: report it on its own stacks and stop. */
    .proc ia64_hyp_fault
ia64_hyp_fault:
    mov     ar.rsc = 0
    movl    r17 = ia64_fault_rbs
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
    movl    r12 = ia64_fault_stack_top - 16
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
    shl     r14 = r14, 16
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
    add     r3 = HV_FR + HV_FREG_SIZE * 2, r2
    add     r14 = HV_FR + HV_FREG_SIZE * 3, r2
    ;;
    ldf.fill f2 = [r3], 32
    ldf.fill f3 = [r14], 32
    ;;
    ldf.fill f4 = [r3], 32
    ldf.fill f5 = [r14], 32
    ;;
    ldf.fill f6 = [r3], 32
    ldf.fill f7 = [r14], 32
    ;;
    ldf.fill f8 = [r3], 32
    ldf.fill f9 = [r14], 32
    ;;
    ldf.fill f10 = [r3], 32
    ldf.fill f11 = [r14], 32
    ;;
    ldf.fill f12 = [r3], 32
    ldf.fill f13 = [r14], 32
    ;;
    ldf.fill f14 = [r3], 32
    ldf.fill f15 = [r14], 32
    ;;
    ldf.fill f16 = [r3], 32
    ldf.fill f17 = [r14], 32
    ;;
    ldf.fill f18 = [r3], 32
    ldf.fill f19 = [r14], 32
    ;;
    ldf.fill f20 = [r3], 32
    ldf.fill f21 = [r14], 32
    ;;
    ldf.fill f22 = [r3], 32
    ldf.fill f23 = [r14], 32
    ;;
    ldf.fill f24 = [r3], 32
    ldf.fill f25 = [r14], 32
    ;;
    ldf.fill f26 = [r3], 32
    ldf.fill f27 = [r14], 32
    ;;
    ldf.fill f28 = [r3], 32
    ldf.fill f29 = [r14], 32
    ;;
    ldf.fill f30 = [r3]
    ldf.fill f31 = [r14]
    add     r3 = HV_BR, r2
    add     r14 = HV_BR + HV_REG_SIZE, r2
    ;;
    ld8     r15 = [r3], 16
    ld8     r16 = [r14], 16
    ;;
    mov     b0 = r15
    mov     b1 = r16
    ld8     r15 = [r3], 16
    ld8     r16 = [r14], 16
    ;;
    mov     b2 = r15
    mov     b3 = r16
    ld8     r15 = [r3], 16
    ld8     r16 = [r14], 16
    ;;
    mov     b4 = r15
    mov     b5 = r16
    ld8     r15 = [r3]
    ld8     r16 = [r14]
    ;;
    mov     b6 = r15
    mov     b7 = r16
    add     r3 = HV_PR_ENTRY, r2
    add     r14 = HV_PFS, r2
    ;;
    ld8     r15 = [r3]
    ld8     r16 = [r14]
    ;;
    mov     pr = r15, -1
    mov     ar.pfs = r16
    add     r3 = HV_LC, r2
    add     r14 = HV_EC, r2
    ;;
    ld8     r15 = [r3]
    ld8     r16 = [r14]
    ;;
    mov     ar.lc = r15
    mov     ar.ec = r16
    add     r3 = HV_CCV, r2
    add     r14 = HV_FPSR, r2
    ;;
    ld8     r15 = [r3]
    ld8     r16 = [r14]
    ;;
    mov     ar.ccv = r15
    mov     ar.fpsr = r16
    add     r3 = HV_IIP, r2
    add     r14 = HV_IPSR, r2
    ;;
    ld8     r15 = [r3]
    ld8     r16 = [r14]
    add     r3 = HV_IFS, r2
    ;;
    ld8     r17 = [r3]
    mov     cr.iip = r15
    mov     cr.ipsr = r16
    ;;
    mov     cr.ifs = r17
    add     r3 = HV_NAT_UNAT, r2
    ;;
    ld8     r15 = [r3]
    ;;
    mov     ar.unat = r15
    add     r3 = HV_GR + HV_REG_SIZE * 16, r2
    add     r14 = HV_GR + HV_REG_SIZE * 17, r2
    ;;
    ld8.fill r16 = [r3], 16
    ld8.fill r17 = [r14], 16
    ;;
    ld8.fill r18 = [r3], 16
    ld8.fill r19 = [r14], 16
    ;;
    ld8.fill r20 = [r3], 16
    ld8.fill r21 = [r14], 16
    ;;
    ld8.fill r22 = [r3], 16
    ld8.fill r23 = [r14], 16
    ;;
    ld8.fill r24 = [r3], 16
    ld8.fill r25 = [r14], 16
    ;;
    ld8.fill r26 = [r3], 16
    ld8.fill r27 = [r14], 16
    ;;
    ld8.fill r28 = [r3], 16
    ld8.fill r29 = [r14], 16
    ;;
    ld8.fill r30 = [r3]
    ld8.fill r31 = [r14]
    ;;
    bsw.0
    ;;
    mov     r16 = r2
    ;;
    add     r17 = HV_UNAT, r16
    add     r18 = HV_RSC, r16
    ;;
    ld8     r17 = [r17]
    ld8     r18 = [r18]
    add     r19 = HV_GR + HV_REG_SIZE * 1, r16
    add     r20 = HV_GR + HV_REG_SIZE * 2, r16
    ;;
    ld8.fill r1 = [r19], 16
    ld8.fill r2 = [r20], 16
    ;;
    ld8.fill r3 = [r19], 16
    ld8.fill r4 = [r20], 16
    ;;
    ld8.fill r5 = [r19], 16
    ld8.fill r6 = [r20], 16
    ;;
    ld8.fill r7 = [r19], 16
    ld8.fill r8 = [r20], 16
    ;;
    ld8.fill r9 = [r19], 16
    ld8.fill r10 = [r20], 16
    ;;
    ld8.fill r11 = [r19], 16
    ld8.fill r12 = [r20], 16
    ;;
    ld8.fill r13 = [r19], 16
    ld8.fill r14 = [r20], 16
    ;;
    ld8.fill r15 = [r19]
    ;;
    mov     ar.unat = r17
    mov     ar.rsc = r18
    invala                              /* no advanced load survives a world switch */
    ;;
    rfi
    ;;
    .endp ia64_enter_guest

    .section .note.GNU-stack, "", @progbits
