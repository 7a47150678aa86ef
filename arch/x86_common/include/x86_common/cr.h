/* SPDX-License-Identifier: MIT */
/*
 * Control registers and TLB invalidation (register-sized in either mode);
 * the page-table entry bits PAE and 4-level paging share are in pte_bits.h.
 */
#ifndef X86_COMMON_CR_H
#define X86_COMMON_CR_H

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
