/* SPDX-License-Identifier: MIT */
/*
 * Control registers and TLB invalidation (register-sized in either mode),
 * and the page-table entry bits PAE and 4-level paging share.
 */
#ifndef X86_CR_H
#define X86_CR_H

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

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)

static inline void invlpg(unsigned long va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

#endif
