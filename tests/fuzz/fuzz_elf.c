/* SPDX-License-Identifier: MIT */
/*
 * ELF images against both loaders: the hypervisor's hal_elf_load()
 * (hal/lib/elf.c, dom0's image at boot) and the toolstack's elf_parse()
 * (ports/common/elf.c, domU images).  The input's first byte picks the
 * machine the hypervisor side accepts (x86, x86_64, ppc, ia64); the rest is
 * the image, in a buffer of exactly its size so AddressSanitizer sees any
 * read past it.  Checked: every segment put() receives lies inside the
 * image with filesz <= memsz and no address wrap, success implies the
 * entry lies in a loaded segment, and elf_parse's segments lie in the file.
 */
#include <hal/boot.h>
#include <port/elf.h>
#include <string.h>

#include "fuzz_common.h"

static const unsigned machines[] = {3 /* EM_386 */, 62 /* EM_X86_64 */, 20 /* EM_PPC */,
                                    50 /* EM_IA_64 */};
static unsigned machine;

unsigned hal_elf_machine(void)
{
    return machine;
}

struct load_ctx {
    const uint8_t *image;
    uint64_t size;
    uint64_t entry_hits; /* segments containing the entry */
    uint64_t entry;
    unsigned puts;
    uint64_t sum;
};

static int put(void *ctx, uint64_t vaddr, const void *data, uint64_t filesz, uint64_t memsz)
{
    struct load_ctx *c = ctx;
    const uint8_t *d = data;
    FUZZ_ASSERT(filesz <= memsz, "filesz %llu > memsz %llu", (unsigned long long)filesz,
                (unsigned long long)memsz);
    FUZZ_ASSERT(vaddr + memsz >= vaddr, "segment at %llx wraps", (unsigned long long)vaddr);
    if (filesz) {
        FUZZ_ASSERT(d >= c->image && (uint64_t)(d - c->image) <= c->size &&
                        filesz <= c->size - (uint64_t)(d - c->image),
                    "segment data outside the image");
        for (uint64_t i = 0; i < filesz; i++)
            c->sum += d[i]; /* touch it: ASan checks the reads */
    }
    c->puts++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    machine = machines[data[0] % 4];
    size_t n = size - 1;
    uint8_t *img = malloc(n ? n : 1); /* exactly n bytes: overreads are ASan reports */
    if (!img)
        return 0;
    memcpy(img, data + 1, n);

    struct load_ctx c = {img, n, 0, 0, 0, 0};
    uint64_t entry = 0;
    int rc = hal_elf_load(img, n, put, &c, &entry);
    if (rc == 0)
        FUZZ_ASSERT(c.puts > 0, "loaded with no segment");
    else
        FUZZ_ASSERT(rc < 0, "hal_elf_load returned %d", rc);

    struct elf_info info;
    if (elf_parse(img, n, &info) == 0) {
        FUZZ_ASSERT(info.nr_segments <= ELF_MAX_SEGMENTS, "%u segments", info.nr_segments);
        FUZZ_ASSERT(info.bits == 32 || info.bits == 64, "bits %u", info.bits);
        for (unsigned i = 0; i < info.nr_segments; i++) {
            const struct elf_segment *s = &info.seg[i];
            FUZZ_ASSERT(s->filesz <= s->memsz, "segment %u: filesz > memsz", i);
            FUZZ_ASSERT(s->offset <= n && s->filesz <= n - s->offset,
                        "segment %u outside the file", i);
            FUZZ_ASSERT(s->vaddr + s->memsz >= s->vaddr, "segment %u wraps", i);
            FUZZ_ASSERT(s->vaddr >= info.lo && s->vaddr + s->memsz <= info.hi,
                        "segment %u outside [lo, hi)", i);
        }
    }
    free(img);
    return 0;
}
