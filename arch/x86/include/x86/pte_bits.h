/* SPDX-License-Identifier: MIT */
/*
 * Page-table entry bits PAE and 4-level paging share.  No code: the PTE
 * hooks (arch/x86/pte.c, arch/x86_64/pte.c) include it on the host too.
 */
#ifndef X86_PTE_BITS_H
#define X86_PTE_BITS_H

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

#endif
