/* SPDX-License-Identifier: MIT */
/*
 * x86_64 PTE hooks for the page-table engine.  Guests run in ring 3 in
 * both modes, so every guest PTE has U=1 (the hypervisor half, root slots
 * 256..511, is U=0 and not the engine's).  MMU_PERM_* are kept in the
 * software bits 52..55 so lookup returns exactly what was mapped.  The
 * same encoding serves a guest-physical (nested, SVM NPT) space: nested
 * walks are user accesses, so U=1 there too.
 */
#include <hestia/mmu.h>
#include <x86_64/pte.h>

/* The bits a leaf with MMU_PERM_* p carries besides its frame and memory type. */
#define LEAF_BITS(p)                                                                       \
    (PTE_P | PTE_U | ((p)&MMU_PERM_WRITE ? PTE_W : 0) | ((p)&MMU_PERM_EXEC ? 0 : PTE_NX) | \
     ((pte_t)(p) << PTE_PERM_SHIFT))

/* Per MMU_PERM_* combination, a load instead of a test and a branch per bit (every map). */
static const pte_t leaf_bits[MMU_PERM_ALL + 1] = {
    LEAF_BITS(0),  LEAF_BITS(1),  LEAF_BITS(2),  LEAF_BITS(3),
    LEAF_BITS(4),  LEAF_BITS(5),  LEAF_BITS(6),  LEAF_BITS(7),
    LEAF_BITS(8),  LEAF_BITS(9),  LEAF_BITS(10), LEAF_BITS(11),
    LEAF_BITS(12), LEAF_BITS(13), LEAF_BITS(14), LEAF_BITS(15),
};
_Static_assert(MMU_PERM_ALL == 15, "leaf_bits has one entry per MMU_PERM_* combination");

static pte_t leaf(enum hal_as_kind kind, mfn_t mfn, unsigned perms)
{
    (void)kind;
    pte_t pte = (mfn_val(mfn) << HAL_PAGE_SHIFT) | leaf_bits[perms & MMU_PERM_ALL];
    if (perms &
        HAL_MAP_UNCACHED) /* device memory: strong uncacheable with the default PAT */
        pte |= PTE_PCD | PTE_PWT;
    return pte;
}

static unsigned perms(pte_t pte)
{
    return ((unsigned)(pte >> PTE_PERM_SHIFT) & MMU_PERM_ALL) |
           (pte & PTE_PCD ? HAL_MAP_UNCACHED : 0);
}

const struct pt_format x86_64_pt_format = {
    .name = "x86_64",
    .levels = 4,
    .index_bits = {9, 9, 9, 9},
    .root_guest_entries = 256,
    .max_mfn = 1ull << 40,
    .windows =
        {
            [HAL_AS_PV_KERNEL] = {{HESTIA_X86_64_KERNEL_VA_START,
                                   HESTIA_X86_64_KERNEL_VA_END}},
            [HAL_AS_PV_USER] = {{HESTIA_X86_64_USER_LOW_START, HESTIA_X86_64_USER_LOW_END},
                                {HESTIA_X86_64_USER_HIGH_START,
                                 HESTIA_X86_64_USER_HIGH_END}},
            [HAL_AS_GUEST_PHYS] = {{0, X86_64_GUEST_PHYS_LIMIT}},
        },
    X86_PT_HOOKS(leaf, perms),
    .table_added = x86_64_pt_table_added,
    .flush_local = x86_64_pt_flush_local,
    /*
     * No flush after a map: neither the TLB nor the paging-structure
     * caches hold an entry whose P flag is 0 (Intel SDM vol. 3, 4.10.2.3
     * and 4.10.3.1; "no invalidation is necessary" when P goes from 0 to 1,
     * 4.10.4.3), and map only fills a slot (or tables) that was not present.
     */
    .flush_on_map = false,
};
