/* SPDX-License-Identifier: MIT */
/*
 * The native IA-64 kernel's machine layer (docs/native.md): the entry from
 * ia64sim (physical mode, r28 = the boot table), the interruption vector
 * table, the save of an interrupted context into nat_save (the trap
 * record's layout, native_ia64.h), the software TLB refill, and the two
 * ways back: nat_load (a whole context, rfi) and nat_branch (a handler's
 * first instruction on fresh stacks).
 *
 * The kernel runs at PL0 with bank 1, interruption collection and
 * translation on; its user tasks at PL3.  Region 5 maps physical memory
 * 1:1 through one pinned 4 GiB translation register pair (PL0 only), the
 * PV image's kernel window at the same addresses; everything else
 * (user spaces in region 0, the kernel's own mappings above 4 GiB in
 * region 5) is refilled from the software page tables by nat_tlb_fast.
 */
#include "native_ia64.h"

#define TR_PTE (NAT_PTE_P | NAT_PTE_A | NAT_PTE_D | NAT_PTE_PL(0) | NAT_PTE_AR(3))
#define PAIR 16         /* two pointers fill alternate 8-byte slots */
#define FPAIR 32        /* ... and alternate 16-byte ones */
#define SLOT(n) ((n) * 8)
#define SSC_BREAK 0x80001

    .section .text.natboot, "ax"
    .global nat_start
    .proc nat_start
nat_start:
    /* Physical mode: every region a dead RID but the kernel's (5). */
    movl    r2 = NAT_RR(NAT_RID_DEAD)
    mov     r3 = r0
    movl    r4 = 0x2000000000000000
    ;;
    mov     rr[r3] = r2
    add     r3 = r3, r4
    ;;
    mov     rr[r3] = r2
    add     r3 = r3, r4
    ;;
    mov     rr[r3] = r2
    add     r3 = r3, r4
    ;;
    mov     rr[r3] = r2
    add     r3 = r3, r4
    ;;
    mov     rr[r3] = r2
    add     r3 = r3, r4
    movl    r5 = NAT_RR(NAT_RID_KERNEL)
    ;;
    mov     rr[r3] = r5                 /* region 5 */
    add     r3 = r3, r4
    ;;
    mov     rr[r3] = r2
    add     r3 = r3, r4
    ;;
    mov     rr[r3] = r2
    ;;
    srlz.d
    movl    r3 = NAT_VBASE
    mov     r4 = (NAT_TR_PS << 2)
    movl    r5 = TR_PTE
    mov     r6 = 0
    ;;
    mov     cr.ifa = r3
    mov     cr.itir = r4
    ;;
    itr.i   itr[r6] = r5
    ;;
    srlz.i
    itr.d   dtr[r6] = r5
    ;;
    srlz.d
    movl    r9 = NAT_PSR_IT | NAT_PSR_DT | NAT_PSR_RT | NAT_PSR_BN | NAT_PSR_IC
    movl    r10 = nat_virt
    ;;
    mov     cr.ipsr = r9
    mov     cr.iip = r10
    mov     cr.ifs = r0
    ;;
    rfi
    ;;
nat_virt:
    movl    gp = __gp
    movl    r12 = nat_boot_stack_top - 16
    mov     ar.rsc = 0
    ;;
    movl    r14 = nat_boot_rbs
    ;;
    mov     ar.bspstore = r14
    movl    r15 = nat_ivt
    ;;
    mov     cr.iva = r15
    ;;
    srlz.i
    alloc   r2 = ar.pfs, 0, 0, 1, 0
    movl    r3 = NAT_VBASE
    ;;
    or      out0 = r28, r3
    br.call.sptk.many b0 = nat_ia64_main
    ;;
1:  br.sptk.few 1b
    .endp nat_start

/*
 * The IVT: every vector passes its offset in r16 (bank 0); TLB misses try
 * the refill first.
 */
    .section .text.ivt, "ax"
    .balign 32768
    .global nat_ivt
nat_ivt:
.macro IVT_ENTRY vec
    .org nat_ivt + \vec
    mov     r16 = \vec
    .if (\vec == 0x0400) || (\vec == 0x0800) || (\vec == 0x0c00) || (\vec == 0x1000)
    br.sptk.many nat_tlb_fast
    .else
    br.sptk.many nat_entry
    .endif
    ;;
.endm
    .set ivt_off, 0
    .rept 20                            /* long entries, 0x400 apart */
    IVT_ENTRY ivt_off
    .set ivt_off, ivt_off + 0x400
    .endr
    .rept (0x8000 - 0x5000) / 0x100     /* short entries */
    IVT_ENTRY ivt_off
    .set ivt_off, ivt_off + 0x100
    .endr
    .org nat_ivt + 0x8000

    .text
/*
 * A TLB miss (psr.ic 0, bank 0): the address's region picks the table
 * (nat_roots[region]: the current user space for region 0, the kernel's
 * for region 5), a 3-level walk of 512-entry tables over the 512 GiB
 * window, and the leaf (a hardware PTE) goes into the TC.  No register of
 * the interrupted context but its predicates (kept in r31) is touched.
 * Anything else is a page fault for nat_entry.
 */
    .proc nat_tlb_fast
nat_tlb_fast:
    mov     r31 = pr
    mov     r17 = cr.ifa
    movl    r19 = nat_roots
    ;;
    extr.u  r18 = r17, 61, 3
    movl    r20 = 0x1fffff8000000000    /* above the window */
    ;;
    shladd  r19 = r18, 3, r19
    and     r20 = r17, r20
    ;;
    ld8     r19 = [r19]
    cmp.ne  p6, p0 = r20, r0
(p6) br.cond.spnt.few 9f
    extr.u  r20 = r17, 30, 9
    ;;
    cmp.eq  p6, p0 = r19, r0
    shladd  r19 = r20, 3, r19
(p6) br.cond.spnt.few 9f
    ;;
    ld8     r19 = [r19]
    extr.u  r20 = r17, 21, 9
    ;;
    cmp.eq  p6, p0 = r19, r0
    shladd  r19 = r20, 3, r19
(p6) br.cond.spnt.few 9f
    ;;
    ld8     r19 = [r19]
    extr.u  r20 = r17, 12, 9
    ;;
    cmp.eq  p6, p0 = r19, r0
    shladd  r19 = r20, 3, r19
(p6) br.cond.spnt.few 9f
    ;;
    ld8     r21 = [r19]
    mov     r22 = (12 << 2)
    mov     r23 = 0x0c00
    ;;
    tbit.z  p6, p0 = r21, 0
    cmp.eq  p7, p8 = r23, r16
(p6) br.cond.spnt.few 9f
    mov     cr.itir = r22
    mov     r23 = 0x0400
    ;;
(p8) cmp.eq p7, p8 = r23, r16          /* instruction misses: 0x0c00 or 0x0400 */
    ;;
(p7) itc.i  r21
    ;;
(p8) itc.d  r21
    ;;
    mov     pr = r31, -1
    ;;
    rfi
    ;;
9:  mov     pr = r31, -1
    br.sptk.many nat_entry
    ;;
    .endp nat_tlb_fast

/*
 * Every other interruption (psr.ic 0, bank 0, r16 = the vector): save the
 * interrupted context into nat_save, write its register stack frame and
 * dirty partition to its own backing store (cover, flushrs: the trap
 * record's BSP and RNAT), then call nat_trap(nat_save) on the entry
 * stacks with interruption collection on (a user store's pages may miss
 * in the TLB: nat_tlb_fast refills them) and interrupts off.
 */
    .global nat_entry
    .proc nat_entry
nat_entry:
    mov     r24 = pr
    movl    r17 = nat_flushing
    ;;
    ld8     r17 = [r17]
    movl    r18 = nat_save
    ;;
    cmp.ne  p6, p0 = r0, r17
(p6) br.cond.spnt.many nat_flush_fault
    mov     r17 = cr.ipsr
    ;;
    adds    r20 = SLOT(NS_PR), r18
    adds    r21 = SLOT(NS_PSR), r18
    mov     r22 = cr.iip
    ;;
    st8     [r20] = r24
    st8     [r21] = r17
    st8     [r18] = r22                 /* NS_IP */
    adds    r20 = SLOT(NS_VEC), r18
    adds    r21 = SLOT(NS_ISR), r18
    mov     r22 = cr.isr
    ;;
    st8     [r20] = r16
    st8     [r21] = r22
    adds    r20 = SLOT(NS_IFA), r18
    adds    r21 = SLOT(NS_IIM), r18
    mov     r22 = cr.ifa
    mov     r23 = cr.iim
    ;;
    st8     [r20] = r22
    st8     [r21] = r23
    cover
    ;;
    mov     r22 = cr.ifs
    adds    r20 = SLOT(NS_CFM), r18
    mov     r23 = ar.rsc
    adds    r21 = SLOT(NS_RSC), r18
    ;;
    st8     [r20] = r22
    st8     [r21] = r23
    mov     ar.rsc = 0
    adds    r20 = SLOT(NS_PFS), r18
    adds    r21 = SLOT(NS_UNAT), r18
    mov     r22 = ar.pfs
    mov     r23 = ar.unat
    ;;
    st8     [r20] = r22
    st8     [r21] = r23
    adds    r20 = SLOT(NS_LC), r18
    adds    r21 = SLOT(NS_CCV), r18
    mov     r22 = ar.lc
    mov     r23 = ar.ccv
    ;;
    st8     [r20] = r22
    st8     [r21] = r23
    adds    r20 = SLOT(NS_EC), r18
    mov     r22 = ar.ec
    ;;
    st8     [r20] = r22
    adds    r20 = SLOT(1), r18
    adds    r21 = SLOT(2), r18
    ;;
    st8.spill [r20] = r1, PAIR
    st8.spill [r21] = r2, PAIR
    ;;
    st8.spill [r20] = r3, PAIR
    st8.spill [r21] = r4, PAIR
    ;;
    st8.spill [r20] = r5, PAIR
    st8.spill [r21] = r6, PAIR
    ;;
    st8.spill [r20] = r7, PAIR
    st8.spill [r21] = r8, PAIR
    ;;
    st8.spill [r20] = r9, PAIR
    st8.spill [r21] = r10, PAIR
    ;;
    st8.spill [r20] = r11, PAIR
    st8.spill [r21] = r12, PAIR
    ;;
    st8.spill [r20] = r13, PAIR
    st8.spill [r21] = r14, PAIR
    ;;
    st8.spill [r20] = r15
    mov     r2 = r18
    ;;
    bsw.1
    ;;
    adds    r3 = SLOT(16), r2
    adds    r14 = SLOT(17), r2
    ;;
    st8.spill [r3] = r16, PAIR
    st8.spill [r14] = r17, PAIR
    ;;
    st8.spill [r3] = r18, PAIR
    st8.spill [r14] = r19, PAIR
    ;;
    st8.spill [r3] = r20, PAIR
    st8.spill [r14] = r21, PAIR
    ;;
    st8.spill [r3] = r22, PAIR
    st8.spill [r14] = r23, PAIR
    ;;
    st8.spill [r3] = r24, PAIR
    st8.spill [r14] = r25, PAIR
    ;;
    st8.spill [r3] = r26, PAIR
    st8.spill [r14] = r27, PAIR
    ;;
    st8.spill [r3] = r28, PAIR
    st8.spill [r14] = r29, PAIR
    ;;
    st8.spill [r3] = r30
    st8.spill [r14] = r31
    adds    r3 = SLOT(NS_NATS), r2
    ;;
    mov     r15 = ar.unat               /* the NaT bits of r1-r31 the spills collected */
    ;;
    st8     [r3] = r15
    adds    r3 = SLOT(NS_BR(0)), r2
    adds    r14 = SLOT(NS_BR(1)), r2
    mov     r15 = b0
    mov     r16 = b1
    ;;
    st8     [r3] = r15, PAIR
    st8     [r14] = r16, PAIR
    mov     r15 = b2
    mov     r16 = b3
    ;;
    st8     [r3] = r15, PAIR
    st8     [r14] = r16, PAIR
    mov     r15 = b4
    mov     r16 = b5
    ;;
    st8     [r3] = r15, PAIR
    st8     [r14] = r16, PAIR
    mov     r15 = b6
    mov     r16 = b7
    ;;
    st8     [r3] = r15
    st8     [r14] = r16
    adds    r3 = SLOT(NS_FP), r2
    adds    r14 = SLOT(NS_FP) + 16, r2
    ;;
    stf.spill [r3] = f6, FPAIR
    stf.spill [r14] = f7, FPAIR
    ;;
    stf.spill [r3] = f8, FPAIR
    stf.spill [r14] = f9, FPAIR
    ;;
    stf.spill [r3] = f10
    stf.spill [r14] = f11
    ssm     psr.ic
    adds    r3 = SLOT(NS_PSR), r2
    movl    r14 = nat_flushing
    mov     r15 = 1
    ;;
    srlz.d
    ld8     r3 = [r3]
    st8     [r14] = r15
    ;;
    extr.u  r3 = r3, 32, 2              /* with the context's own rights (rsc.pl = its cpl): */
    ;;
    shl     r3 = r3, 2                  /* a user store in the kernel must fault */
    ;;
    mov     ar.rsc = r3
    ;;
    flushrs                             /* the interrupted stacked registers: its own store */
    ;;
    mov     ar.rsc = 0
    st8     [r14] = r0
    ;;
    mov     r3 = ar.bsp
    adds    r15 = SLOT(NS_BSP), r2
    adds    r16 = SLOT(NS_RNAT), r2
    ;;
    mov     r14 = ar.rnat
    st8     [r15] = r3
    movl    r3 = nat_entry_rbs
    ;;
    st8     [r16] = r14
    mov     ar.bspstore = r3
    ;;
nat_call_trap:                          /* r2 = nat_save, the entry register stack in place */
    movl    r12 = nat_entry_stack_top - 16
    movl    gp = __gp
    ;;
    alloc   r14 = ar.pfs, 0, 0, 1, 0
    mov     out0 = r2
    br.call.sptk.many b0 = nat_trap
    ;;
1:  br.sptk.few 1b
    .endp nat_entry

/*
 * The interrupted context's store refused its registers during nat_entry's
 * flushrs (bank 0 again, psr.ic 0; a user task pointed ar.bspstore at
 * nothing, at the kernel): those registers are dropped, the context's
 * frame with them (CFM 0), and nat_trap gets this fault (vector, isr,
 * ifa) instead, as a page fault of the context, not of the kernel.
 */
    .proc nat_flush_fault
nat_flush_fault:
    mov     r22 = cr.isr
    mov     r23 = cr.ifa
    adds    r20 = SLOT(NS_VEC), r18
    adds    r21 = SLOT(NS_ISR), r18
    ;;
    st8     [r20] = r16
    st8     [r21] = r22
    adds    r20 = SLOT(NS_IFA), r18
    adds    r21 = SLOT(NS_CFM), r18
    ;;
    st8     [r20] = r23
    st8     [r21] = r0
    movl    r20 = nat_flushing
    ;;
    st8     [r20] = r0
    mov     ar.rsc = 0
    ;;
    loadrs                              /* RSC.loadrs = 0: drop what was not written */
    ;;
    mov     r22 = ar.bspstore
    adds    r20 = SLOT(NS_BSP), r18
    adds    r21 = SLOT(NS_RNAT), r18
    ;;
    st8     [r20] = r22
    st8     [r21] = r0
    movl    r20 = nat_entry_rbs
    ;;
    mov     ar.bspstore = r20
    mov     r2 = r18
    ;;
    bsw.1
    ;;
    ssm     psr.ic
    ;;
    srlz.d
    br.sptk.many nat_call_trap
    ;;
    .endp nat_flush_fault

/*
 * void nat_load(const uint64_t *ctx, const void *fp): continue in the
 * context ctx (save-area layout, the PSR and RSC as the CPU takes them)
 * with f6-f11 from fp (0: as they are).  The stacked registers of ctx's
 * frame (CFM) are filled by rfi from [.., BSP) of its store; every
 * register of the caller is dropped (loadrs with 0).  The caller has made
 * sure that store is in the TLB: rfi runs with psr.ic 0.
 */
    .global nat_load
    .proc nat_load
nat_load:
    cmp.eq  p6, p7 = 0, r33
    adds    r3 = 16, r33
    ;;
(p7) ldf.fill f6 = [r33], FPAIR
(p7) ldf.fill f7 = [r3], FPAIR
    ;;
(p7) ldf.fill f8 = [r33], FPAIR
(p7) ldf.fill f9 = [r3], FPAIR
    ;;
(p7) ldf.fill f10 = [r33]
(p7) ldf.fill f11 = [r3]
    rsm     psr.i | psr.ic
    mov     r2 = r32
    ;;
    srlz.d
    alloc   r14 = ar.pfs, 0, 0, 0, 0
    ;;
    mov     ar.rsc = 0
    ;;
    loadrs                              /* RSC.loadrs = 0: forget the caller's frames */
    adds    r3 = SLOT(NS_BSP), r2
    adds    r14 = SLOT(NS_RNAT), r2
    ;;
    ld8     r3 = [r3]
    ld8     r14 = [r14]
    ;;
    mov     ar.bspstore = r3
    ;;
    mov     ar.rnat = r14
    adds    r3 = SLOT(NS_BR(0)), r2
    adds    r14 = SLOT(NS_BR(1)), r2
    ;;
    ld8     r15 = [r3], PAIR
    ld8     r16 = [r14], PAIR
    ;;
    mov     b0 = r15
    mov     b1 = r16
    ld8     r15 = [r3], PAIR
    ld8     r16 = [r14], PAIR
    ;;
    mov     b2 = r15
    mov     b3 = r16
    ld8     r15 = [r3], PAIR
    ld8     r16 = [r14], PAIR
    ;;
    mov     b4 = r15
    mov     b5 = r16
    ld8     r15 = [r3]
    ld8     r16 = [r14]
    ;;
    mov     b6 = r15
    mov     b7 = r16
    adds    r3 = SLOT(NS_PFS), r2
    adds    r14 = SLOT(NS_LC), r2
    ;;
    ld8     r15 = [r3]
    ld8     r16 = [r14]
    adds    r3 = SLOT(NS_CCV), r2
    adds    r14 = SLOT(NS_EC), r2
    ;;
    mov     ar.pfs = r15
    mov     ar.lc = r16
    ld8     r15 = [r3]
    ld8     r16 = [r14]
    ;;
    mov     ar.ccv = r15
    mov     ar.ec = r16
    ld8     r15 = [r2]                  /* NS_IP */
    adds    r3 = SLOT(NS_PSR), r2
    adds    r14 = SLOT(NS_CFM), r2
    ;;
    ld8     r16 = [r3]
    ld8     r17 = [r14]
    adds    r3 = SLOT(NS_PR), r2
    ;;
    mov     cr.iip = r15
    mov     cr.ipsr = r16
    ld8     r15 = [r3]
    ;;
    mov     cr.ifs = r17
    mov     pr = r15, -1
    adds    r3 = SLOT(NS_NATS), r2
    ;;
    ld8     r3 = [r3]
    ;;
    mov     ar.unat = r3                /* for the fills: the NaT bits of r1-r31 */
    adds    r3 = SLOT(16), r2
    adds    r14 = SLOT(17), r2
    ;;
    ld8.fill r16 = [r3], PAIR
    ld8.fill r17 = [r14], PAIR
    ;;
    ld8.fill r18 = [r3], PAIR
    ld8.fill r19 = [r14], PAIR
    ;;
    ld8.fill r20 = [r3], PAIR
    ld8.fill r21 = [r14], PAIR
    ;;
    ld8.fill r22 = [r3], PAIR
    ld8.fill r23 = [r14], PAIR
    ;;
    ld8.fill r24 = [r3], PAIR
    ld8.fill r25 = [r14], PAIR
    ;;
    ld8.fill r26 = [r3], PAIR
    ld8.fill r27 = [r14], PAIR
    ;;
    ld8.fill r28 = [r3], PAIR
    ld8.fill r29 = [r14], PAIR
    ;;
    ld8.fill r30 = [r3]
    ld8.fill r31 = [r14]
    ;;
    bsw.0
    ;;
    mov     r16 = r2
    ;;
    adds    r17 = SLOT(NS_UNAT), r16
    adds    r18 = SLOT(NS_RSC), r16
    adds    r19 = SLOT(1), r16
    adds    r20 = SLOT(2), r16
    ;;
    ld8     r17 = [r17]
    ld8     r18 = [r18]
    ;;
    ld8.fill r1 = [r19], PAIR
    ld8.fill r2 = [r20], PAIR
    ;;
    ld8.fill r3 = [r19], PAIR
    ld8.fill r4 = [r20], PAIR
    ;;
    ld8.fill r5 = [r19], PAIR
    ld8.fill r6 = [r20], PAIR
    ;;
    ld8.fill r7 = [r19], PAIR
    ld8.fill r8 = [r20], PAIR
    ;;
    ld8.fill r9 = [r19], PAIR
    ld8.fill r10 = [r20], PAIR
    ;;
    ld8.fill r11 = [r19], PAIR
    ld8.fill r12 = [r20], PAIR
    ;;
    ld8.fill r13 = [r19], PAIR
    ld8.fill r14 = [r20], PAIR
    ;;
    ld8.fill r15 = [r19]
    mov     ar.unat = r17
    mov     ar.rsc = r18
    ;;
    rfi
    ;;
    .endp nat_load

/*
 * void nat_branch(entry, sp, bspstore, rnat, fp): a handler's entry (the
 * trap record's rules, hestia/arch/ia64.h): kernel mode, an empty frame,
 * r12 = sp, the register stack continuing at bspstore, f6-f11 from fp,
 * interrupts on.  Every register of the caller is dropped.
 */
    .global nat_branch
    .proc nat_branch
nat_branch:
    rsm     psr.i
    adds    r3 = 16, r36
    ;;
    srlz.d
    ldf.fill f6 = [r36], FPAIR
    ldf.fill f7 = [r3], FPAIR
    ;;
    ldf.fill f8 = [r36], FPAIR
    ldf.fill f9 = [r3], FPAIR
    ;;
    ldf.fill f10 = [r36]
    ldf.fill f11 = [r3]
    mov     r2 = r32
    mov     r3 = r33
    mov     r14 = r34
    mov     r15 = r35
    ;;
    alloc   r16 = ar.pfs, 0, 0, 0, 0
    ;;
    mov     ar.rsc = 0
    ;;
    loadrs
    ;;
    mov     ar.bspstore = r14
    ;;
    mov     ar.rnat = r15
    mov     r12 = r3
    mov     b6 = r2
    ;;
    ssm     psr.i
    ;;
    srlz.d
    br.sptk.many b6
    ;;
    .endp nat_branch

/* The event interrupt: a software interrupt, served at once (platform.c). */
    .global nat_raise_event
    .proc nat_raise_event
nat_raise_event:
    break   NAT_EVENT_BREAK
    ;;
    br.ret.sptk.many b0
    .endp nat_raise_event

/*
 * long nat_ssc(a0, a1, a2, a3, nr): an SSC call of the simulator (PL0
 * only).  No alloc: the caller's outputs are this frame's r32.., where
 * the simulator reads the arguments.
 */
    .global nat_ssc
    .proc nat_ssc
nat_ssc:
    mov     r15 = r36
    ;;
    break   SSC_BREAK
    ;;
    br.ret.sptk.many b0
    .endp nat_ssc

    .section .bss
    .balign 16
    .global nat_save
nat_save:
    .skip   NS_SLOTS * 8
nat_flushing:                           /* nat_entry's flushrs is running */
    .skip   8
    .balign 16
nat_boot_rbs:                           /* register stacks grow up, memory stacks down */
    .skip   32768
nat_boot_stack:
    .skip   32768
nat_boot_stack_top:
nat_entry_rbs:
    .skip   16384
    .skip   16384
nat_entry_stack_top:

    .section .note.GNU-stack, "", @progbits
