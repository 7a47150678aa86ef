/* SPDX-License-Identifier: MIT */
/*
 * hestia_hypercall0..4 for an arch header that defines hestia_hypercall5
 * (the instruction and registers are the arch's; the shorter forms are not).
 */
#ifndef HESTIA_PUBLIC_ARCH_HYPERCALL_N_H
#define HESTIA_PUBLIC_ARCH_HYPERCALL_N_H

static inline long hestia_hypercall0(unsigned long nr)
{
    return hestia_hypercall5(nr, 0, 0, 0, 0, 0);
}

static inline long hestia_hypercall1(unsigned long nr, unsigned long a0)
{
    return hestia_hypercall5(nr, a0, 0, 0, 0, 0);
}

static inline long hestia_hypercall2(unsigned long nr, unsigned long a0, unsigned long a1)
{
    return hestia_hypercall5(nr, a0, a1, 0, 0, 0);
}

static inline long hestia_hypercall3(unsigned long nr, unsigned long a0, unsigned long a1,
                                     unsigned long a2)
{
    return hestia_hypercall5(nr, a0, a1, a2, 0, 0);
}

static inline long hestia_hypercall4(unsigned long nr, unsigned long a0, unsigned long a1,
                                     unsigned long a2, unsigned long a3)
{
    return hestia_hypercall5(nr, a0, a1, a2, a3, 0);
}

#endif
