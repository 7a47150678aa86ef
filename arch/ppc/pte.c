/* SPDX-License-Identifier: MIT */
/*
 * e500 geometry and guest windows for the software page-table format.
 * The e500 has no hardware walker: ppc_tlb_refill() (mmu.c) loads TLB0
 * from these tables.  No nested paging on this backend.
 */
#include <hestia/arch/ppc.h>

#include "pte.h"

static bool va_ok(enum hal_as_kind kind, guest_va_t va)
{
    if (kind == HAL_AS_PV_USER)
        return va >= HESTIA_PPC_USER_VA_START && va < HESTIA_PPC_USER_VA_END;
    if (kind == HAL_AS_PV_KERNEL)
        return va >= HESTIA_PPC_KERNEL_VA_START && va < HESTIA_PPC_KERNEL_VA_END;
    return false;
}

const struct pt_format ppc_pt_format = {
    .name = "ppc-e500",
    .levels = 3,
    .index_bits = {9, 9, 2},
    .root_guest_entries = 4,
    .max_mfn = 1ull << 24, /* MAS3/MAS7 take a 36-bit physical address */
    .va_ok = va_ok,
    PT_SOFT_HOOKS,
    .flush_local = ppc_pt_flush_local,
};
