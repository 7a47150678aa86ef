/* SPDX-License-Identifier: MIT */
/*
 * ppc e500v2: the shape of the TLB the guest's mappings are refilled into,
 * for the tlb-refill benchmark (ports/common/bench_tlb.c).  TLB0 is 4 ways
 * x 128 sets of 4 KiB pages, the set is the page number's low 7 bits, and
 * the way written on a miss is one counter for all sets, stepped by every
 * miss (QEMU's booke206_update_mas_tlb_miss; the e500 MMU's next victim).
 */
#ifndef PORT_ARCH_TLB_H
#define PORT_ARCH_TLB_H

#define PORT_TLB_SETS 128u
#define PORT_TLB_WAYS 4u

#endif
