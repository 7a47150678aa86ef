/* SPDX-License-Identifier: MIT */
/*
 * The guest data TLB-miss fast path (IVT 0x0800 and 0x1000: ia64sim has
 * no VHPT walker here, so it raises the alternate vector).
 *
 * A guest data TLB miss whose page is mapped needs no state save and no C:
 * in bank 0 with PSR.ic off (the interruption state stays in the CRs) it
 * finds the space (region 5: the kernel's, from kernel mode only; region
 * 0: the user's), walks the space's three 512-entry levels
 * (hal/pt_soft.h), inserts the TC entry ia64_tlb_miss (mmu.c) would and
 * `rfi`s.  Everything else goes to ia64_common_entry with the guest's
 * predicates back and r16 = the vector, where C decides as before: a miss
 * at PL0 (a hypervisor bug), an address outside the mode's window, no
 * space or table, an absent page or one without the access's right (a
 * page fault for the guest), a write to a page write-protected for dirty
 * tracking (logged first), device memory (ma = UC).  Nothing here can
 * fault: the tables are in region 7, which pinned TRs translate.
 * Uses only bank-0 r16-r31 and the predicates (saved in r31).
 */
#include <ia64/arch.h>

#include "asm-offsets.h"

    .text
    .global ia64_dtlb_fast
    .proc ia64_dtlb_fast
ia64_dtlb_fast:
    mov     r31 = pr
    mov     r17 = cr.ipsr
    mov     r18 = ar.k7                 /* this CPU's struct hal_cpu; current is first */
    mov     r19 = cr.ifa
    mov     r20 = cr.isr
    mov     r25 = r0
    mov     r30 = 0x81                  /* pte valid | uncached */
    ;;
    ld8     r18 = [r18]
    extr.u  r21 = r17, PSR_CPL_SHIFT, 2
    extr.u  r22 = r19, 61, 3            /* region */
    extr.u  r26 = r19, 12, 49           /* page number within the region */
    ;;
    cmp.eq  p6, p0 = 0, r21             /* from PL0: C stops */
    cmp.eq  p7, p0 = 0, r22             /* region 0: the user space */
    cmp.eq  p8, p0 = 5, r22             /* region 5: the kernel space ... */
    shr.u   r27 = r26, WINDOW_BITS - 12
    add     r23 = HV_USER, r18
    add     r24 = HV_KERNEL, r18
    ;;
    cmp.ne.and p8, p0 = 3, r21          /* ... from kernel mode only */
    cmp.eq.and p7, p0 = 0, r26          /* page 0 of region 0 is outside the window */
    cmp.ne  p9, p0 = 0, r27             /* above the window */
(p6) br.cond.spnt.few slow
    ;;
    cmp.eq  p10, p0 = 0, r22
(p9) br.cond.spnt.few slow
    ;;
(p10) ld8   r25 = [r23]
    ;;
(p7) mov    r25 = r0                    /* region 0, page 0: no space */
    ;;
(p8) ld8    r25 = [r24]
    ;;
    cmp.eq  p6, p0 = 0, r25
    add     r26 = AS_PT_ROOT, r25
    extr.u  r27 = r19, 30, 9
    movl    r28 = IA64_HYP_BASE
    ;;
(p6) br.cond.spnt.few slow
    ld8     r26 = [r26]                 /* the root table (a region 7 address) */
    ;;
    shladd  r26 = r27, 3, r26
    extr.u  r27 = r19, 21, 9
    ;;
    ld8     r26 = [r26]
    ;;
    tbit.z  p6, p0 = r26, 0
    dep     r26 = 0, r26, 0, 12
    ;;
(p6) br.cond.spnt.few slow
    or      r26 = r26, r28
    ;;
    shladd  r26 = r27, 3, r26
    extr.u  r27 = r19, 12, 9
    ;;
    ld8     r26 = [r26]
    ;;
    tbit.z  p6, p0 = r26, 0
    dep     r26 = 0, r26, 0, 12
    ;;
(p6) br.cond.spnt.few slow
    or      r26 = r26, r28
    ;;
    shladd  r26 = r27, 3, r26
    ;;
    ld8     r26 = [r26]                 /* the leaf: valid, perms << 1, hw-write, uncached */
    ;;
    /*
     * The access needs READ (pte bit 1), or WRITE (bit 2) with the write
     * allowed now (bit 5); valid (bit 0) and not device memory (bit 7).
     */
    tbit.nz p11, p12 = r20, ISR_W_BIT
    and     r27 = r30, r26
    ;;
    cmp.ne  p6, p0 = 1, r27
(p11) and   r29 = 0x24, r26
(p12) and   r29 = 0x02, r26
    ;;
(p11) cmp.ne.or p6, p0 = 0x24, r29
(p12) cmp.eq.or p6, p0 = 0, r29
    ;;
(p6) br.cond.spnt.few slow
    /*
     * The TC entry: the frame, p, ma WB, a, d, pl 3 (user space) or 2
     * (kernel space), ar = write-allowed-now << 1 | exec.
     */
    and     r29 = 0x24, r26
    tbit.nz p13, p0 = r26, 3            /* MMU_PERM_EXEC << 1 */
    dep     r26 = 0, r26, 0, 12
    mov     r27 = 2 << 7 | 0x61         /* pl 2, d, a, p */
    ;;
(p10) mov   r27 = 3 << 7 | 0x61         /* user space: pl 3 */
    cmp.eq  p14, p0 = 0x24, r29
    ;;
(p14) dep   r27 = -1, r27, 10, 1        /* ar bit 1: write */
    ;;
(p13) dep   r27 = -1, r27, 9, 1         /* ar bit 0: exec */
    mov     r29 = 12 << 2               /* itir: 4 KiB, key 0 */
    ;;
    or      r26 = r26, r27
    mov     cr.itir = r29
    ;;
    itc.d   r26
    ;;
    mov     pr = r31, -1
    ;;
    rfi
    ;;
slow:
    mov     pr = r31, -1
    br.sptk.many ia64_common_entry
    ;;
    .endp ia64_dtlb_fast

    .section .note.GNU-stack, "", @progbits
