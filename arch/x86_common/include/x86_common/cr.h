/* SPDX-License-Identifier: MIT */
/*
 * Control registers and TLB invalidation (register-sized in either mode);
 * the page-table entry bits PAE and 4-level paging share are in pte_bits.h.
 */
#ifndef X86_COMMON_CR_H
#define X86_COMMON_CR_H

/* Control register bits (Intel SDM vol. 3, 2.5). */
#define X86_CR0_PE (1ul << 0)  /* protected mode */
#define X86_CR0_MP (1ul << 1)  /* wait/fwait honour TS */
#define X86_CR0_EM (1ul << 2)  /* x87 emulation: off, the FPU is real */
#define X86_CR0_TS (1ul << 3)  /* task switched: the lazy FPU trap */
#define X86_CR0_NE (1ul << 5)  /* native x87 errors */
#define X86_CR0_WP (1ul << 16) /* ring 0 honours read-only pages */
#define X86_CR0_PG (1ul << 31) /* paging */
#define X86_CR4_PAE (1ul << 5)
#define X86_CR4_PGE (1ul << 7) /* global pages */

#define X86_CR_ACCESSORS(n)                                                                \
    static inline unsigned long read_cr##n(void)                                           \
    {                                                                                      \
        unsigned long v;                                                                   \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                  \
        return v;                                                                          \
    }                                                                                      \
    static inline void write_cr##n(unsigned long v)                                        \
    {                                                                                      \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");                         \
    }

X86_CR_ACCESSORS(0)
X86_CR_ACCESSORS(2)
X86_CR_ACCESSORS(3)
X86_CR_ACCESSORS(4)

#include <x86_common/pte_bits.h>

static inline void invlpg(unsigned long va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

#endif
