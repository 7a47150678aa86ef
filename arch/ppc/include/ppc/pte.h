/* SPDX-License-Identifier: MIT */
/*
 * The e500 guest page tables: the shared software format (hal/pt_soft.h)
 * over 32-bit guest addresses: a 4-entry root kept in struct hal_as, then
 * two levels of 512 entries.  pte.c compiles on the host too.
 */
#ifndef PPC_PTE_H
#define PPC_PTE_H

#include <hal/pt_soft.h>

extern const struct pt_format ppc_pt_format;

/* The format's TLB flushes, in mmu.c (the unit tests supply their own). */
void ppc_pt_flush_local(struct pt_space *s, pt_va_t va);
void ppc_pt_flush_cpus(struct pt_space *s, pt_va_t va);

#endif
