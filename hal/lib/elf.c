/* SPDX-License-Identifier: MIT */
/*
 * ELF loader shared by every arch: 32- and 64-bit, either byte order.
 *
 * The image is untrusted (a dom0 module or bytes written by dom0): every
 * field is read byte-wise (the image need not be aligned), every offset and
 * size is checked against the image and for overflow before use, and a
 * segment must have memsz >= filesz.  The loader itself writes nothing; the
 * caller's put() places each PT_LOAD segment.
 */
#include <hal/boot.h>
#include <hestia/errno.h>

#define EI_NIDENT 16
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ELFDATA2MSB 2
#define EV_CURRENT 1
#define ET_EXEC 2
#define PT_LOAD 1
#define ELF_MAX_PHDRS 64

struct reader {
    const unsigned char *img;
    uint64_t size;
    bool big;
    bool is64;
};

/* Read an n-byte field at off (caller checked bounds). */
static uint64_t rd(const struct reader *r, uint64_t off, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned shift = r->big ? 8 * (n - 1 - i) : 8 * i;
        v |= (uint64_t)r->img[off + i] << shift;
    }
    return v;
}

/* Whether [off, off+len) lies inside the image, without overflow. */
static bool inside(const struct reader *r, uint64_t off, uint64_t len)
{
    return off <= r->size && len <= r->size - off;
}

struct phdr {
    uint32_t type;
    uint64_t offset, vaddr, filesz, memsz;
};

static void read_phdr(const struct reader *r, uint64_t off, struct phdr *p)
{
    p->type = (uint32_t)rd(r, off, 4);
    if (r->is64) {
        p->offset = rd(r, off + 8, 8);
        p->vaddr = rd(r, off + 16, 8);
        p->filesz = rd(r, off + 32, 8);
        p->memsz = rd(r, off + 40, 8);
    } else {
        p->offset = rd(r, off + 4, 4);
        p->vaddr = rd(r, off + 8, 4);
        p->filesz = rd(r, off + 16, 4);
        p->memsz = rd(r, off + 20, 4);
    }
}

int hal_elf_load(const void *image, uint64_t size, hal_elf_put_fn put, void *ctx,
                 uint64_t *entry)
{
    struct reader r = {image, size, false, false};
    if (!image || !put || size < EI_NIDENT)
        return -HESTIA_EINVAL;
    const unsigned char *id = image;
    if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
        return -HESTIA_EINVAL;
    if (id[4] != ELFCLASS32 && id[4] != ELFCLASS64)
        return -HESTIA_EINVAL;
    if (id[5] != ELFDATA2LSB && id[5] != ELFDATA2MSB)
        return -HESTIA_EINVAL;
    if (id[6] != EV_CURRENT)
        return -HESTIA_EINVAL;
    r.is64 = id[4] == ELFCLASS64;
    r.big = id[5] == ELFDATA2MSB;

    uint64_t ehsize = r.is64 ? 64 : 52;
    unsigned phsize = r.is64 ? 56 : 32;
    if (!inside(&r, 0, ehsize))
        return -HESTIA_EINVAL;
    if (rd(&r, 16, 2) != ET_EXEC)
        return -HESTIA_EINVAL;
    if (rd(&r, 18, 2) != hal_elf_machine())
        return -HESTIA_EINVAL;
    if (rd(&r, 20, 4) != EV_CURRENT)
        return -HESTIA_EINVAL;
    uint64_t e_entry, phoff;
    unsigned phentsize, phnum;
    if (r.is64) {
        e_entry = rd(&r, 24, 8);
        phoff = rd(&r, 32, 8);
        phentsize = (unsigned)rd(&r, 54, 2);
        phnum = (unsigned)rd(&r, 56, 2);
    } else {
        e_entry = rd(&r, 24, 4);
        phoff = rd(&r, 28, 4);
        phentsize = (unsigned)rd(&r, 42, 2);
        phnum = (unsigned)rd(&r, 44, 2);
    }
    if (phnum == 0 || phnum > ELF_MAX_PHDRS || phentsize < phsize)
        return -HESTIA_EINVAL;
    if (!inside(&r, phoff, (uint64_t)phentsize * phnum))
        return -HESTIA_EINVAL;

    /* Check every segment before placing any, so a bad image loads nothing. */
    unsigned loads = 0;
    bool entry_in_segment = false;
    for (unsigned i = 0; i < phnum; i++) {
        struct phdr p;
        read_phdr(&r, phoff + (uint64_t)i * phentsize, &p);
        if (p.type != PT_LOAD)
            continue;
        if (p.memsz < p.filesz || !inside(&r, p.offset, p.filesz))
            return -HESTIA_EINVAL;
        if (p.vaddr + p.memsz < p.vaddr)
            return -HESTIA_EINVAL; /* wraps around the address space */
        if (p.memsz == 0)
            continue;
        loads++;
        if (e_entry >= p.vaddr && e_entry - p.vaddr < p.memsz)
            entry_in_segment = true;
    }
    if (!loads || !entry_in_segment)
        return -HESTIA_EINVAL;

    for (unsigned i = 0; i < phnum; i++) {
        struct phdr p;
        read_phdr(&r, phoff + (uint64_t)i * phentsize, &p);
        if (p.type != PT_LOAD || p.memsz == 0)
            continue;
        int rc = put(ctx, p.vaddr, r.img + p.offset, p.filesz, p.memsz);
        if (rc)
            return rc;
    }
    if (entry)
        *entry = e_entry;
    return 0;
}
