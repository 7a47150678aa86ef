/* SPDX-License-Identifier: MIT */
/*
 * The ia64 guest page tables: the shared software format (hal/pt_soft.h),
 * three levels of 512 entries over the 512 GiB window at the start of a
 * region (region 5: kernel space, region 0: user space).  pte.c compiles
 * on the host too.
 */
#ifndef IA64_PTE_H
#define IA64_PTE_H

#include <hal/pt_soft.h>

#define IA64_WINDOW_BITS 39

extern const struct pt_format ia64_pt_format;

/* The format's TC purge, in mmu.c (the unit tests supply their own). */
void ia64_pt_flush_local(struct pt_space *s, pt_va_t va);

#endif
