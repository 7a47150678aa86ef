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
 *   bits 12..  frame number (of the page, or of the next-level table)
 *
 * Dirty tracking is write-protect-and-fault: a writable mapping starts
 * dirty with bit 5 set; hal_as_dirty_clear() clears both, so the refill
 * grants read-only access and the first write faults into
 * hal_as_write_fault(), which sets them again.
 */
#ifndef HAL_PT_SOFT_H
#define HAL_PT_SOFT_H

#include "pt.h"

#define PT_SOFT_VALID (1ull << 0)
#define PT_SOFT_PERM_SHIFT 1
#define PT_SOFT_HW_WRITE (1ull << 5)
#define PT_SOFT_DIRTY (1ull << 6)

pte_t pt_soft_leaf(enum hal_as_kind kind, mfn_t mfn, unsigned perms);
pte_t pt_soft_table(enum hal_as_kind kind, mfn_t mfn);
mfn_t pt_soft_frame(pte_t pte);
unsigned pt_soft_perms(pte_t pte);

/* MMU_PERM_* a TLB refill may grant for pte: WRITE only while bit 5 is set. */
unsigned pt_soft_refill_perms(pte_t pte);

/* The hooks of a struct pt_format initializer for the software format. */
#define PT_SOFT_HOOKS                                                                      \
    .leaf = pt_soft_leaf, .table = pt_soft_table, .present_bit = PT_SOFT_VALID,            \
    .frame_mask = ~0xfffull, .perms = pt_soft_perms, .hw_dirty = false,                    \
    .dirty_bit = PT_SOFT_DIRTY, .write_bit = PT_SOFT_HW_WRITE

#endif
