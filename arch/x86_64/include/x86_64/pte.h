/* SPDX-License-Identifier: MIT */
/*
 * The x86_64 page-table format for the engine (hal/pt.h): 4 levels of 512
 * entries.  pte.c holds the hooks and compiles on the host too (the unit
 * tests run the engine over them), so this header has no code.
 */
#ifndef X86_64_PTE_H
#define X86_64_PTE_H

#include <hal/pt.h>
#include <hestia/arch/x86_64.h>
#include <x86_common/pte_bits.h>

#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_PERM_SHIFT 52 /* MMU_PERM_* kept in the PTE's software bits 52..55 */

/* Guest-physical spaces (nested paging) cover [0, 1 TiB) of guest-physical memory. */
#define X86_64_GUEST_PHYS_LIMIT (1ull << 40)

extern const struct pt_format x86_64_pt_format;

/* The format's runtime hooks, in mmu.c (the unit tests supply their own). */
void x86_64_pt_table_added(struct pt_space *s, unsigned level, pt_va_t va);
void x86_64_pt_flush_local(struct pt_space *s, pt_va_t va);

#endif
