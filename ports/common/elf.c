/* SPDX-License-Identifier: MIT */
/* ELF parsing for the toolstack: every field is range-checked. */
#include <port/elf.h>

#define PT_LOAD 1

static uint64_t rd(const uint8_t *p, unsigned n, int be)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
    return v;
}

int elf_parse(const void *img, size_t size, struct elf_info *out)
{
    const uint8_t *b = img;
    if (size < 52 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F')
        return -1;
    int is64 = b[4] == 2;
    if (b[4] != 1 && b[4] != 2)
        return -1;
    if (b[5] != 1 && b[5] != 2)
        return -1;
    int be = b[5] == 2;
    if (is64 && size < 64)
        return -1;
    unsigned type = (unsigned)rd(b + 16, 2, be);
    if (type != 2) /* ET_EXEC */
        return -1;
    out->machine = (unsigned)rd(b + 18, 2, be);
    out->bits = is64 ? 64 : 32;
    out->entry = is64 ? rd(b + 24, 8, be) : rd(b + 24, 4, be);
    uint64_t phoff = is64 ? rd(b + 32, 8, be) : rd(b + 28, 4, be);
    unsigned phentsize = (unsigned)rd(b + (is64 ? 54 : 42), 2, be);
    unsigned phnum = (unsigned)rd(b + (is64 ? 56 : 44), 2, be);
    if (phentsize < (is64 ? 56u : 32u) || phnum == 0 || phnum > 64)
        return -1;
    if (phoff > size || (uint64_t)phentsize * phnum > size - phoff)
        return -1;
    out->nr_segments = 0;
    out->lo = ~0ull;
    out->hi = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = b + phoff + (uint64_t)i * phentsize;
        if (rd(ph, 4, be) != PT_LOAD)
            continue;
        struct elf_segment s;
        if (is64) {
            s.offset = rd(ph + 8, 8, be);
            s.vaddr = rd(ph + 16, 8, be);
            s.filesz = rd(ph + 32, 8, be);
            s.memsz = rd(ph + 40, 8, be);
        } else {
            s.offset = rd(ph + 4, 4, be);
            s.vaddr = rd(ph + 8, 4, be);
            s.filesz = rd(ph + 16, 4, be);
            s.memsz = rd(ph + 20, 4, be);
        }
        if (s.filesz > s.memsz || s.offset > size || s.filesz > size - s.offset)
            return -1;
        if (s.vaddr + s.memsz < s.vaddr)
            return -1;
        if (s.memsz == 0)
            continue;
        if (out->nr_segments == ELF_MAX_SEGMENTS)
            return -1;
        out->seg[out->nr_segments++] = s;
        if (s.vaddr < out->lo)
            out->lo = s.vaddr;
        if (s.vaddr + s.memsz > out->hi)
            out->hi = s.vaddr + s.memsz;
    }
    if (!out->nr_segments || out->entry < out->lo || out->entry >= out->hi)
        return -1;
    return 0;
}
