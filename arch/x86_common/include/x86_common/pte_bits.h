/* SPDX-License-Identifier: MIT */
/*
 * Page-table entry bits PAE and 4-level paging share, and the PTE hooks
 * that are the same in both formats.  Host-compilable: the unit tests
 * build arch/x86/pte.c and arch/x86_64/pte.c, which include it.
 */
#ifndef X86_COMMON_PTE_BITS_H
#define X86_COMMON_PTE_BITS_H

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_A (1ull << 5) /* accessed: set by the MMU */
#define PTE_D (1ull << 6) /* dirty: set by the MMU on a write through a leaf */
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
/* A page-directory entry with PTE_PS maps a 2 MiB page (PAE and 4-level paging). */
#define X86_LARGE_PAGE_SHIFT 21
/* Frame bits 12..51 (PAE reserves 36..51: zero there, so the mask fits both). */
#define X86_PTE_FRAME 0x000ffffffffff000ull

#ifndef __ASSEMBLER__
#include <hal/pt.h>

/* Intermediate tables allow everything; the leaf decides. */
static inline pte_t x86_pte_table(enum hal_as_kind kind, mfn_t mfn)
{
    (void)kind;
    return (mfn_val(mfn) << HAL_PAGE_SHIFT) | PTE_P | PTE_W | PTE_U;
}

/* The struct pt_format members both x86 formats share (hardware D bit, no software refill).
 */
#define X86_PT_HOOKS(leaf_fn, perms_fn)                                                    \
    .leaf = leaf_fn, .table = x86_pte_table, .present_bit = PTE_P,                         \
    .frame_mask = X86_PTE_FRAME, .perms = perms_fn, .hw_dirty = true, .dirty_bit = PTE_D,  \
    .write_bit = PTE_W
#endif

#endif
