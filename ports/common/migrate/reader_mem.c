/* SPDX-License-Identifier: MIT */
/*
 * A stream reader's memory, taken from free frames for one stream and given
 * back after it.  The reader holds a whole memory record's body (MIG_BODY_MAX,
 * 256 KiB) and its seen bitmap up to 128 KiB more: as static buffers in the
 * three readers (save's check, restore, live receive) they were 1 MiB of bss
 * that every domU booted from this image carried, though only dom0's
 * toolstack reads streams, one at a time per caller (docs/porting.md, "The
 * guest image's size").
 */
#include <port/kernel.h>
#include <port/migstream.h>

static unsigned pages_of(size_t bytes)
{
    return (unsigned)(ALIGN_UP(bytes, HESTIA_PAGE_SIZE) >> HESTIA_PAGE_SHIFT);
}

static unsigned reader_pages(uint64_t max_pages)
{
    return pages_of(sizeof(struct mig_reader)) + pages_of(mig_seen_bytes(max_pages));
}

struct mig_reader *mig_reader_alloc(struct mig_source src, uint32_t want_arch,
                                    uint64_t max_pages)
{
    if (max_pages > MIG_MAX_PAGES)
        max_pages = MIG_MAX_PAGES;
    long g = frames_alloc(reader_pages(max_pages));
    if (g < 0)
        return NULL;
    struct mig_reader *r = gfn_to_va((uint64_t)g);
    uint8_t *seen = (uint8_t *)r + pages_of(sizeof(*r)) * HESTIA_PAGE_SIZE;
    mig_reader_init(r, src, want_arch, max_pages, seen);
    return r;
}

void mig_reader_free(struct mig_reader *r)
{
    if (r)
        frames_free(va_to_gfn(r), reader_pages(r->max_pages));
}
