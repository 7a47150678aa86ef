/* SPDX-License-Identifier: MIT */
/*
 * Building small ELF images in memory for tests: 32- or 64-bit, either byte
 * order, with chosen program headers, so loader checks can be exercised
 * field by field.
 */
#ifndef UNIT_ELF_IMAGE_H
#define UNIT_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct elf_seg {
    uint32_t type; /* 1 = PT_LOAD */
    uint64_t offset, vaddr, filesz, memsz;
};

struct elf_spec {
    bool is64, big;
    uint16_t machine;
    uint64_t entry;
    unsigned nsegs;
    struct elf_seg segs[4];
};

static inline void elf_put(unsigned char *p, uint64_t v, unsigned n, bool big)
{
    for (unsigned i = 0; i < n; i++)
        p[big ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

/* Write headers of spec into img (size bytes, zeroed by caller); returns header bytes used.
 */
static inline size_t elf_build(unsigned char *img, const struct elf_spec *s)
{
    bool b = s->big;
    img[0] = 0x7f;
    img[1] = 'E';
    img[2] = 'L';
    img[3] = 'F';
    img[4] = s->is64 ? 2 : 1;
    img[5] = b ? 2 : 1;
    img[6] = 1;
    elf_put(img + 16, 2, 2, b); /* ET_EXEC */
    elf_put(img + 18, s->machine, 2, b);
    elf_put(img + 20, 1, 4, b);
    size_t eh = s->is64 ? 64 : 52, ph = s->is64 ? 56 : 32;
    if (s->is64) {
        elf_put(img + 24, s->entry, 8, b);
        elf_put(img + 32, eh, 8, b);
        elf_put(img + 52, eh, 2, b);
        elf_put(img + 54, ph, 2, b);
        elf_put(img + 56, s->nsegs, 2, b);
    } else {
        elf_put(img + 24, s->entry, 4, b);
        elf_put(img + 28, eh, 4, b);
        elf_put(img + 40, eh, 2, b);
        elf_put(img + 42, ph, 2, b);
        elf_put(img + 44, s->nsegs, 2, b);
    }
    for (unsigned i = 0; i < s->nsegs; i++) {
        unsigned char *p = img + eh + i * ph;
        const struct elf_seg *g = &s->segs[i];
        elf_put(p, g->type, 4, b);
        if (s->is64) {
            elf_put(p + 4, 7, 4, b);
            elf_put(p + 8, g->offset, 8, b);
            elf_put(p + 16, g->vaddr, 8, b);
            elf_put(p + 24, g->vaddr, 8, b);
            elf_put(p + 32, g->filesz, 8, b);
            elf_put(p + 40, g->memsz, 8, b);
        } else {
            elf_put(p + 4, g->offset, 4, b);
            elf_put(p + 8, g->vaddr, 4, b);
            elf_put(p + 12, g->vaddr, 4, b);
            elf_put(p + 16, g->filesz, 4, b);
            elf_put(p + 20, g->memsz, 4, b);
            elf_put(p + 24, 7, 4, b);
        }
    }
    return eh + s->nsegs * ph;
}

#endif
