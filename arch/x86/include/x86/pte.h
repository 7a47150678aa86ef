/* SPDX-License-Identifier: MIT */
/*
 * The 32-bit (PAE) page-table format for the engine (hal/pt.h): a 4-entry
 * root (the PDPT, kept in struct hal_as: vcpu.c composes the real one),
 * then page directories and page tables of 512 entries.  pte.c holds the
 * hooks and compiles on the host too, so this header has no code.
 */
#ifndef X86_PTE_H
#define X86_PTE_H

#include <hal/pt.h>
#include <hestia/arch/x86.h>
#include <x86_common/pte_bits.h>

/* PAE leaves only bits 9..11 to software. */
#define PTE_SW_READ (1ull << 9)
#define PTE_SW_EXEC (1ull << 10)
#define PTE_ADDR 0x0000000ffffff000ull

extern const struct pt_format x86_pae_pt_format;

/* cpu.c: EFER.NXE is on, so leaves may carry PTE_NX (the unit tests set it). */
extern bool x86_nx;

#endif
