/* SPDX-License-Identifier: MIT */
/*
 * Segment and system descriptors, shared by the 32- and 64-bit backends
 * (the 8-byte GDT format is the same in both modes; 64-bit TSS descriptors
 * add a second slot with the upper base).
 */
#ifndef X86_COMMON_DESC_H
#define X86_COMMON_DESC_H

#include <hal/types.h>

/* A selector's requested privilege level (its low two bits): 3 for ring 3. */
#define X86_SEL_RPL 3u

/* Access byte: present, DPL, type. */
#define DESC_P 0x80u
#define DESC_DPL(n) ((unsigned)(n) << 5)
#define DESC_CODE 0x1au /* S=1, code, readable */
#define DESC_DATA 0x12u /* S=1, data, writable */
#define DESC_TSS_AVAIL 0x09u

/* Flags nibble: granularity 4 KiB, 32-bit default size, 64-bit code. */
#define DESC_G 0x8u
#define DESC_DB 0x4u
#define DESC_L 0x2u

/* An 8-byte code/data/system descriptor, as a constant expression (asm-offsets.c). */
#define X86_DESC(base, limit, access, flags)                                               \
    ((uint64_t)((limit)&0xffff) | ((uint64_t)((base)&0xffffff) << 16) |                    \
     ((uint64_t)((access)&0xff) << 40) | ((uint64_t)(((limit) >> 16) & 0xf) << 48) |       \
     ((uint64_t)((flags)&0xf) << 52) | ((uint64_t)((base) >> 24) << 56))

/* An 8-byte code/data/system descriptor. */
static inline uint64_t x86_desc(uint32_t base, uint32_t limit, unsigned access,
                                unsigned flags)
{
    return X86_DESC(base, limit, access, flags);
}

/*
 * Index of the calling CPU from its task register: CPU n loads the TSS
 * descriptor at first_tss + n * tss_desc_size (8 bytes in 32-bit mode, 16
 * in 64-bit mode).  A per-CPU register no guest can change, readable
 * anywhere (str is not privileged, but a guest only sees its own TR).
 */
static inline unsigned x86_cpu_index_from_tr(unsigned first_tss, unsigned tss_desc_size)
{
    uint16_t tr;
    __asm__("str %0" : "=r"(tr));
    return (unsigned)(tr - first_tss) / tss_desc_size;
}

#endif
