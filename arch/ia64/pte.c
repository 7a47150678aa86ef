/* SPDX-License-Identifier: MIT */
/*
 * ia64 geometry and guest windows for the software page-table format.
 * The TLB-miss path (ia64_tlb_miss in mmu.c) inserts translations from
 * these tables; the VHPT walker is not used.  No nested paging here.
 */
#include <hestia/arch/ia64.h>

#include <ia64/pte.h>

static pt_va_t va_base(enum hal_as_kind kind)
{
    return kind == HAL_AS_PV_KERNEL ? HESTIA_IA64_GUEST_VIRT_BASE : 0;
}

const struct pt_format ia64_pt_format = {
    .name = "ia64",
    .levels = 3,
    .index_bits = {9, 9, 9},
    .root_guest_entries = 512,
    .max_mfn = 1ull << (50 - 12), /* 50-bit physical addresses */
    .va_base = va_base,
    /* Region 5 for the kernel, region 0 for user: the first 512 GiB of each. */
    .windows =
        {
            [HAL_AS_PV_KERNEL] = {{HESTIA_IA64_GUEST_VIRT_BASE,
                                   HESTIA_IA64_GUEST_VIRT_BASE +
                                       (1ull << IA64_WINDOW_BITS)}},
            [HAL_AS_PV_USER] = {{HESTIA_IA64_USER_VA_START, 1ull << IA64_WINDOW_BITS}},
        },
    PT_SOFT_HOOKS,
    .flush_local = ia64_pt_flush_local,
    /* ptc.g is the architecture's broadcast purge: one call reaches every CPU, no IPI. */
    .flush_cpus = ia64_pt_flush_local,
};
