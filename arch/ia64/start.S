/* SPDX-License-Identifier: MIT */
/*
 * IA-64 entry, as loaded by tools/ia64sim (ELF loaded at physical
 * 0x100000, linked in region 7 at 0xe000000000100000; BSS zero-filled by
 * the loader; r28 = physical address of the boot table).
 *
 * Runs in physical mode only long enough to map RAM 1:1 into region 7
 * with one pinned translation register pair (PL0 only: guests at PL2/PL3
 * can never use it) and the processor interrupt block with a third, then
 * turns translation on with rfi, sets gp (the
 * whole image is one constant-gp unit), the memory stack and the register
 * stack's backing store, and calls ia64_boot(boot table).
 */
#include <ia64/arch.h>

#include "asm-offsets.h" /* generated from asm-offsets.c: PAGE_SHIFT */

#define TR_PS 32                      /* one 4 GiB page covers every RAM size ia64sim offers */
#define TR_PTE (IA64_PTE_P | IA64_PTE_MA_WB | IA64_PTE_A | IA64_PTE_D | IA64_PTE_PL(0) | \
                IA64_PTE_AR(IA64_PTE_AR_RWX))
#define DEAD_REGION (6ull << IA64_REGION_SHIFT) /* region 6: nobody's */

#define PIB_PTE (IA64_PTE_P | IA64_PTE_MA_UC | IA64_PTE_A | IA64_PTE_D | IA64_PTE_PL(0) | \
                 IA64_PTE_AR(IA64_PTE_AR_RWX))

/*
 * Every CPU, in physical mode: region 7 for the hypervisor, region 6 dead,
 * RAM 1:1 in one pinned TR pair, the PIB's IPI area uncacheable in dtr[1];
 * then rfi into virtual mode at \virt.
 */
    .macro MAP_HYPERVISOR virt
    movl    r2 = IA64_RR(IA64_RID_HYP, PAGE_SHIFT)
    movl    r3 = IA64_HYP_BASE
    ;;
    mov     rr[r3] = r2
    movl    r2 = IA64_RR(IA64_RID_DEAD, PAGE_SHIFT)
    movl    r3 = DEAD_REGION
    ;;
    mov     rr[r3] = r2
    movl    r3 = IA64_HYP_BASE
    ;;
    srlz.d
    mov     r4 = IA64_ITIR_PS(TR_PS)
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
    movl    r3 = IA64_PIB_VA
    mov     r4 = IA64_ITIR_PS(IA64_PIB_PS)
    movl    r5 = PIB_PTE | IA64_PIB_PA
    mov     r6 = 1
    ;;
    mov     cr.ifa = r3
    mov     cr.itir = r4
    ;;
    itr.d   dtr[r6] = r5
    ;;
    srlz.d
    movl    r9 = PSR_IT | PSR_DT | PSR_RT | PSR_BN | PSR_IC
    movl    r10 = \virt
    ;;
    mov     cr.ipsr = r9
    mov     cr.iip = r10
    mov     cr.ifs = r0
    ;;
    rfi
    ;;
    .endm

    .section .text.start, "ax"
    .global _start
    .proc _start
_start:
    MAP_HYPERVISOR virt_start
virt_start:
    movl    gp = __gp
    movl    r12 = ia64_hyp_stack_top - 16
    mov     ar.rsc = 0
    ;;
    movl    r14 = ia64_hyp_rbs
    ;;
    mov     ar.bspstore = r14
    movl    r15 = ia64_ivt
    ;;
    mov     cr.iva = r15
    ;;
    srlz.i
    alloc   r2 = ar.pfs, 0, 0, 1, 0
    movl    r3 = IA64_HYP_BASE
    ;;
    or      out0 = r28, r3
    br.call.sptk.many b0 = ia64_boot
    ;;
1:  br.sptk.few 1b
    .endp _start

/*
 * A secondary CPU, woken from ia64sim's boot rendezvous (smp.c registered
 * this physical address): physical mode, the reset state.  It maps the
 * hypervisor as the boot CPU did, then takes its struct hal_cpu from
 * ia64_ap_cpu (set by hal_cpu_start before the wake-up, one CPU at a
 * time): ar.k7, its own memory stack and backing store, the IVT, and
 * ia64_secondary_boot(cpu).
 */
    .global ia64_ap_start
    .proc ia64_ap_start
ia64_ap_start:
    MAP_HYPERVISOR ap_virt_start
ap_virt_start:
    movl    gp = __gp
    movl    r2 = ia64_ap_cpu
    ;;
    ld8.acq r2 = [r2]
    ;;
    mov     ar.k7 = r2
    adds    r3 = CPU_HYP_STACK_TOP, r2
    adds    r4 = CPU_HYP_RBS, r2
    mov     ar.rsc = 0
    ;;
    ld8     r12 = [r3]
    ld8     r14 = [r4]
    ;;
    adds    r12 = -16, r12
    mov     ar.bspstore = r14
    movl    r15 = ia64_ivt
    ;;
    mov     cr.iva = r15
    ;;
    srlz.i
    alloc   r3 = ar.pfs, 0, 0, 1, 0
    mov     out0 = r2
    br.call.sptk.many b0 = ia64_secondary_boot
    ;;
2:  br.sptk.few 2b
    .endp ia64_ap_start

/*
 * long ia64_ssc(long a0, long a1, long a2, long a3, long nr): a Ski
 * simulator system call.  No alloc: the caller's outputs are this frame's
 * r32..r36, which is where the simulator reads the arguments.
 */
    .text
    .global ia64_ssc
    .proc ia64_ssc
ia64_ssc:
    mov     r15 = r36
    ;;
    break   IA64_SSC_BREAK
    ;;
    br.ret.sptk.many b0
    .endp ia64_ssc

    .section .bss.stack, "aw", @nobits
    .balign 16
    .global ia64_hyp_rbs, ia64_hyp_stack_top, ia64_fault_rbs, ia64_fault_stack_top
ia64_hyp_rbs:                           /* register backing store grows up */
    .space  65536
ia64_hyp_stack:                         /* memory stack grows down */
    .space  65536
ia64_hyp_stack_top:
ia64_fault_rbs:                         /* for reporting a hypervisor fault */
    .space  16384
    .space  16384
ia64_fault_stack_top:

    .section .note.GNU-stack, "", @progbits
