/* SPDX-License-Identifier: MIT */
/*
 * e500 geometry and guest windows for the software page-table format.
 * The e500 has no hardware walker: ppc_tlb_refill() (mmu.c) loads TLB0
 * from these tables.  No nested paging on this backend.
 */
#include <hestia/arch/ppc.h>

#include <ppc/pte.h>

const struct pt_format ppc_pt_format = {
    .name = "ppc-e500",
    .levels = 3,
    .index_bits = {9, 9, 2},
    .root_guest_entries = 4,
    .max_mfn = 1ull << 24, /* MAS3/MAS7 take a 36-bit physical address */
    .windows =
        {
            [HAL_AS_PV_KERNEL] = {{HESTIA_PPC_KERNEL_VA_START, HESTIA_PPC_KERNEL_VA_END}},
            [HAL_AS_PV_USER] = {{HESTIA_PPC_USER_VA_START, HESTIA_PPC_USER_VA_END}},
        },
    PT_SOFT_HOOKS,
    .flush_local = ppc_pt_flush_local,
    .flush_cpus = ppc_pt_flush_cpus,
};
