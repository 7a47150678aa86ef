/* SPDX-License-Identifier: MIT */
/* Inside the native x86_64 platform: what platform.c and pt.c share. */
#ifndef NATIVE_X86_64_H
#define NATIVE_X86_64_H

#include <stdint.h>

/* Where boot.S maps physical 0 and the image is linked (PV: virt_base too). */
#define NATIVE_VIRT_BASE 0x40000000ull

/*
 * Take over boot.S's page tables for a machine with mem_bytes of RAM: drop
 * the identity map, set up the kernel's page directories and the pool of
 * page-table frames (the top of RAM).  Returns the frames left to the
 * kernel (gfn = physical frame number).
 */
uint64_t nat_pt_init(uint64_t mem_bytes);
/* Map the 2 MiB around physical address pa uncached; the VA of pa. */
uint64_t nat_pt_map_mmio(uint64_t pa);

#endif
