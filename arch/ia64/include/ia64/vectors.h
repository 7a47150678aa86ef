/* SPDX-License-Identifier: MIT */
/*
 * The IA-64 interruption vector table (IVT): each interruption enters at a
 * fixed offset from cr.iva (Itanium SDM vol. 2, "Interruption Vector
 * Table").  ivt.S builds the table from the geometry below and passes the
 * offset to C as the vector (struct hal_vcpu's vector, a guest trap
 * record's arch_vector).  Plain numbers, for C and assembly alike.
 */
#ifndef IA64_VECTORS_H
#define IA64_VECTORS_H

#define IA64_IVT_VHPT 0x0000 /* VHPT translation */
#define IA64_IVT_ITLB 0x0400 /* instruction TLB miss */
#define IA64_IVT_DTLB 0x0800 /* data TLB miss */
#define IA64_IVT_ALT_ITLB 0x0c00
#define IA64_IVT_ALT_DTLB 0x1000
#define IA64_IVT_NESTED_DTLB 0x1400
#define IA64_IVT_IKEY_MISS 0x1800
#define IA64_IVT_DKEY_MISS 0x1c00
#define IA64_IVT_DIRTY 0x2000   /* dirty bit */
#define IA64_IVT_IACCESS 0x2400 /* instruction access bit */
#define IA64_IVT_DACCESS 0x2800 /* data access bit */
#define IA64_IVT_BREAK 0x2c00   /* break instruction: hypercalls, system calls */
#define IA64_IVT_EXTINT 0x3000  /* external interrupt */
#define IA64_IVT_PAGE_NP 0x5000 /* page not present */
#define IA64_IVT_KEY_PERM 0x5100
#define IA64_IVT_IAR 0x5200 /* instruction access rights */
#define IA64_IVT_DAR 0x5300 /* data access rights */
#define IA64_IVT_GENEX 0x5400
#define IA64_IVT_DISFP 0x5500 /* disabled floating-point register */
#define IA64_IVT_NATC 0x5600  /* NaT consumption */
#define IA64_IVT_SPECULATION 0x5700
#define IA64_IVT_DEBUG 0x5900
#define IA64_IVT_UNALIGNED 0x5a00
#define IA64_IVT_UNSUPPORTED_DATA 0x5b00
#define IA64_IVT_FP_FAULT 0x5c00
#define IA64_IVT_FP_TRAP 0x5d00
#define IA64_IVT_LOWER_PRIV 0x5e00 /* lower-privilege transfer trap */
#define IA64_IVT_TAKEN_BRANCH 0x5f00
#define IA64_IVT_SINGLE_STEP 0x6000

/*
 * The table's shape: 20 long entries (64 bundles) from offset 0, then
 * short entries (16 bundles) from IA64_IVT_SHORT_BASE to the end; the
 * table is aligned to its size.
 */
#define IA64_IVT_LONG_ENTRIES 20
#define IA64_IVT_LONG_SIZE 0x400
#define IA64_IVT_SHORT_BASE 0x5000
#define IA64_IVT_SHORT_SIZE 0x100
#define IA64_IVT_SIZE 0x8000

/* The external interrupt vector the ITM (interval timer) match raises (cr.itv). */
#define IA64_TIMER_VECTOR 0xef
/* The inter-processor interrupt (hal_ipi_send): above every device class. */
#define IA64_IPI_VECTOR 0xfe

#endif
