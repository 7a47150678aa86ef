/* SPDX-License-Identifier: MIT */
/*
 * The software page-table format: for the arches whose MMU has no
 * hardware walker (ppc e500, ia64) and the host HAL.  The TLB-miss
 * handler finds the leaf with pt_find_leaf() and inserts a TLB entry for
 * pt_soft_frame() with pt_soft_refill_perms(); each arch supplies only
 * its geometry and guest windows around PT_SOFT_HOOKS.
 *
 * Entry layout (64 bits):
 *   bit 0      valid
 *   bits 1..4  MMU_PERM_* exactly as mapped
 *   bit 5      hardware write allowed (clear: a write faults, see below)
 *   bit 6      dirty (software: there is no hardware dirty bit)
 *   bit 7      uncached (HAL_MAP_UNCACHED: the refill gives the TLB entry
 *              the arch's uncached, guarded memory type)
 *   bits 12..  frame number (of the page, or of the next-level table)
 *
 * Dirty tracking is write-protect-and-fault: a writable mapping starts
 * dirty with bit 5 set; hal_as_dirty_clear() clears both, so the refill
 * grants read-only access and the first write faults into
 * hal_as_write_fault(), which sets them again.
 */
#ifndef HAL_PT_SOFT_H
#define HAL_PT_SOFT_H

#include <hestia/mmu.h>

#include "mmu.h"
#include "pt.h"

#define PT_SOFT_VALID (1ull << 0)
#define PT_SOFT_PERM_SHIFT 1
#define PT_SOFT_HW_WRITE (1ull << 5)
#define PT_SOFT_DIRTY (1ull << 6)
#define PT_SOFT_UNCACHED (1ull << 7)

/* Hooks, inline so a specialised engine (hal/lib/pt_hal.c) folds them into its walks. */
static inline pte_t pt_soft_leaf(enum hal_as_kind kind, mfn_t mfn, unsigned perms)
{
    (void)kind;
    pte_t pte = (mfn_val(mfn) << HAL_PAGE_SHIFT) | PT_SOFT_VALID |
                ((pte_t)(perms & MMU_PERM_ALL) << PT_SOFT_PERM_SHIFT);
    if (perms & HAL_MAP_UNCACHED)
        pte |= PT_SOFT_UNCACHED;
    return perms & MMU_PERM_WRITE ? pte | PT_SOFT_HW_WRITE : pte;
}

static inline pte_t pt_soft_table(enum hal_as_kind kind, mfn_t mfn)
{
    (void)kind;
    return (mfn_val(mfn) << HAL_PAGE_SHIFT) | PT_SOFT_VALID;
}

static inline mfn_t pt_soft_frame(pte_t pte)
{
    return mfn(pte >> HAL_PAGE_SHIFT);
}

static inline unsigned pt_soft_perms(pte_t pte)
{
    return ((unsigned)(pte >> PT_SOFT_PERM_SHIFT) & MMU_PERM_ALL) |
           (pte & PT_SOFT_UNCACHED ? HAL_MAP_UNCACHED : 0);
}

/* MMU_PERM_* a TLB refill may grant for pte: WRITE only while bit 5 is set. */
static inline unsigned pt_soft_refill_perms(pte_t pte)
{
    unsigned perms = pt_soft_perms(pte);
    return pte & PT_SOFT_HW_WRITE ? perms : perms & ~(unsigned)MMU_PERM_WRITE;
}

/* The hooks of a struct pt_format initializer for the software format. */
#define PT_SOFT_HOOKS                                                                      \
    .leaf = pt_soft_leaf, .table = pt_soft_table, .present_bit = PT_SOFT_VALID,            \
    .frame_mask = ~0xfffull, .perms = pt_soft_perms, .hw_dirty = false,                    \
    .dirty_bit = PT_SOFT_DIRTY, .write_bit = PT_SOFT_HW_WRITE

#endif
