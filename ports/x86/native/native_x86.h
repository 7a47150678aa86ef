/* SPDX-License-Identifier: MIT */
/* Inside the native x86 (32-bit) platform: what platform.c and pt.c share. */
#ifndef NATIVE_X86_H
#define NATIVE_X86_H

#include <stdint.h>

/* Where boot.S maps physical 0 and the image is linked (PV: virt_base too). */
#define NATIVE_VIRT_BASE 0x40000000u

/*
 * Take over boot.S's PAE tables for a machine with mem_bytes of RAM: drop
 * the identity map, set up the pool of page-table frames (the top of RAM).
 * Returns the frames left to the kernel (gfn = physical frame number).
 */
uint64_t nat_pt_init(uint64_t mem_bytes);
/* Map the 2 MiB around physical address pa (above 3 GiB) uncached, at pa itself. */
uintptr_t nat_pt_map_mmio(uint64_t pa);

#endif
