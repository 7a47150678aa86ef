/* SPDX-License-Identifier: MIT */
/*
 * ELF images for the toolstack (32- and 64-bit, little or big endian).
 * Pure code: host-tested in tests/ports.  Nothing in the image is trusted.
 */
#ifndef PORT_ELF_H
#define PORT_ELF_H

#include <stddef.h>
#include <stdint.h>

struct elf_segment {
    uint64_t vaddr;
    uint64_t offset; /* in the image */
    uint64_t filesz;
    uint64_t memsz;
};

#define ELF_MAX_SEGMENTS 8

struct elf_info {
    unsigned machine;
    unsigned bits; /* 32 or 64 */
    uint64_t entry;
    uint64_t lo, hi; /* [lo, hi): every loadable byte */
    unsigned nr_segments;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/*
 * Parse img[0..size): 0, or -1 if it is not a well-formed executable whose
 * PT_LOAD segments lie inside the file and do not wrap.
 */
int elf_parse(const void *img, size_t size, struct elf_info *out);

#endif
