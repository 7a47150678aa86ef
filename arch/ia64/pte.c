/* SPDX-License-Identifier: MIT */
/*
 * ia64 geometry and guest windows for the software page-table format.
 * The TLB-miss path (ia64_tlb_miss in mmu.c) inserts translations from
 * these tables; the VHPT walker is not used.  No nested paging here.
 */
#include <hestia/arch/ia64.h>

#include "pte.h"

#define REGION_SHIFT 61

static guest_va_t va_base(enum hal_as_kind kind)
{
    return kind == HAL_AS_PV_KERNEL ? HESTIA_IA64_GUEST_VIRT_BASE : 0;
}

static bool va_ok(enum hal_as_kind kind, guest_va_t va)
{
    guest_va_t off = va & ((1ull << REGION_SHIFT) - 1);
    if (off >> IA64_WINDOW_BITS)
        return false;
    if (kind == HAL_AS_PV_USER)
        return va >> REGION_SHIFT == 0 && off >= HESTIA_IA64_USER_VA_START;
    return kind == HAL_AS_PV_KERNEL && va >> REGION_SHIFT == 5;
}

const struct pt_format ia64_pt_format = {
    .name = "ia64",
    .levels = 3,
    .index_bits = {9, 9, 9},
    .root_guest_entries = 512,
    .max_mfn = 1ull << (50 - 12), /* 50-bit physical addresses */
    .va_base = va_base,
    .va_ok = va_ok,
    PT_SOFT_HOOKS,
    .flush_local = ia64_pt_flush_local,
};
