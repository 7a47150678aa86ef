/* SPDX-License-Identifier: MIT */
/*
 * The native IA-64 platform's constants, shared by boot.S and the C files
 * (docs/native.md): the save area of an interruption, the region IDs, the
 * PSR bits and the page-table format.
 *
 * The save area (nat_save in boot.S, struct-less so that the assembler can
 * use it) is an array of 8-byte slots whose first HESTIA_IA64_NR_REGS are
 * exactly the trap record's regs[] (include/public/hestia/arch/ia64.h),
 * with the PSR as the CPU has it (cpl 0 for the kernel); nat_load() loads
 * a context in that layout and rfi's into it.
 */
#ifndef NATIVE_IA64_H
#define NATIVE_IA64_H

#ifdef __ASSEMBLER__
#define NAT_U64(x) x
#else
#define NAT_U64(x) x##ull
#endif

#define NAT_VBASE                                                                          \
    NAT_U64(0xa000000000000000) /* region 5: physical memory 1:1, the PV image's own */
#define NAT_TR_PS 32            /* one pinned 4 GiB translation: every RAM size */

/* Save-area slots after the trap record's 48 (NS_ = native slot). */
#define NS_IP 0
#define NS_GR(n) (n)
#define NS_BR(n) (32 + (n))
#define NS_PR 40
#define NS_PSR 41
#define NS_CFM 42
#define NS_PFS 43
#define NS_BSP 44
#define NS_RNAT 45
#define NS_UNAT 46
#define NS_LC 47
#define NS_VEC 48
#define NS_ISR 49
#define NS_IFA 50
#define NS_IIM 51
#define NS_RSC 52
#define NS_CCV 53
#define NS_EC 54
#define NS_NATS 55  /* ar.unat after the spills of r1-r31: their NaT bits */
#define NS_FP 56    /* f6-f11, 16 bytes each (stf.spill format) */
#define NS_SLOTS 68 /* 56 + 6 * 2 */

/* Region IDs: one for the kernel window, none-of-anybody's for unused regions,
 * user spaces from NAT_RID_USER on, a fresh one per space created. */
#define NAT_RID_DEAD 1
#define NAT_RID_KERNEL 2
#define NAT_RID_USER 16
#define NAT_RR(rid) (((rid) << 8) | (12 << 2)) /* 4 KiB preferred pages, no VHPT walker */

/* The break immediate of the event interrupt (nat_raise_event): kernel mode only. */
#define NAT_EVENT_BREAK 0x2
/* The interval timer's external interrupt vector (the hypervisor's too). */
#define NAT_TIMER_VECTOR 0xef

#define NAT_PSR_IC (NAT_U64(1) << 13)
#define NAT_PSR_I (NAT_U64(1) << 14)
#define NAT_PSR_DT (NAT_U64(1) << 17)
#define NAT_PSR_RT (NAT_U64(1) << 27)
#define NAT_PSR_IT (NAT_U64(1) << 36)
#define NAT_PSR_BN (NAT_U64(1) << 44)

/* Hardware PTE bits (the leaf entries of the page tables are these). */
#define NAT_PTE_P 0x1
#define NAT_PTE_A 0x20
#define NAT_PTE_D 0x40
#define NAT_PTE_PL(pl) ((pl) << 7)
#define NAT_PTE_AR(ar) ((ar) << 9)
#define NAT_PTE_PPN NAT_U64(0x0003fffffffff000)

#endif
