/* SPDX-License-Identifier: MIT */
/*
 * Segment and system descriptors, shared by the 32- and 64-bit backends
 * (the 8-byte GDT format is the same in both modes; 64-bit TSS descriptors
 * add a second slot with the upper base).
 */
#ifndef X86_DESC_H
#define X86_DESC_H

#include <hal/types.h>

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

/* An 8-byte code/data/system descriptor. */
static inline uint64_t x86_desc(uint32_t base, uint32_t limit, unsigned access,
                                unsigned flags)
{
    return (uint64_t)(limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) |
           ((uint64_t)(access & 0xff) << 40) | ((uint64_t)((limit >> 16) & 0xf) << 48) |
           ((uint64_t)(flags & 0xf) << 52) | ((uint64_t)(base >> 24) << 56);
}

#endif
