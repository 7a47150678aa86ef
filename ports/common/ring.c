/* SPDX-License-Identifier: MIT */
/* SPSC byte ring over page-addressed shared memory (see ring.h). */
#include <port/ring.h>

#define RING_PAGE 4096u

void ring_init(struct ring *r, struct ring_hdr *hdr, unsigned nr_pages, uint8_t **pages)
{
    unsigned n = 1;
    while (n * 2 <= nr_pages && n * 2 <= RING_MAX_PAGES)
        n *= 2;
    r->hdr = hdr;
    r->size = n * RING_PAGE;
    for (unsigned i = 0; i < n; i++)
        r->pages[i] = pages[i];
}

uint32_t ring_used(const struct ring *r)
{
    return r->hdr->prod - r->hdr->cons;
}

static uint8_t *at(struct ring *r, uint32_t pos, size_t *room)
{
    uint32_t off = pos % r->size;
    *room = RING_PAGE - (size_t)(off % RING_PAGE);
    return r->pages[off / RING_PAGE] + off % RING_PAGE;
}

size_t ring_write(struct ring *r, const void *buf, size_t len)
{
    uint32_t prod = r->hdr->prod;
    uint32_t cons = __atomic_load_n(&r->hdr->cons, __ATOMIC_ACQUIRE);
    uint32_t used = prod - cons;
    if (used > r->size) /* a peer wrote garbage: refuse to move anything */
        return 0;
    size_t n = (size_t)(r->size - used < len ? r->size - used : len);
    const uint8_t *s = buf;
    for (size_t done = 0; done < n;) {
        size_t room;
        uint8_t *d = at(r, prod + (uint32_t)done, &room);
        size_t c = n - done < room ? n - done : room;
        for (size_t i = 0; i < c; i++)
            d[i] = s[done + i];
        done += c;
    }
    __atomic_store_n(&r->hdr->prod, prod + (uint32_t)n, __ATOMIC_RELEASE);
    return n;
}

size_t ring_read(struct ring *r, void *buf, size_t len)
{
    uint32_t cons = r->hdr->cons;
    uint32_t prod = __atomic_load_n(&r->hdr->prod, __ATOMIC_ACQUIRE);
    uint32_t avail = prod - cons;
    if (avail > r->size)
        return 0;
    size_t n = (size_t)(avail < len ? avail : len);
    uint8_t *d = buf;
    for (size_t done = 0; done < n;) {
        size_t room;
        const uint8_t *s = at(r, cons + (uint32_t)done, &room);
        size_t c = n - done < room ? n - done : room;
        for (size_t i = 0; i < c; i++)
            d[done + i] = s[i];
        done += c;
    }
    __atomic_store_n(&r->hdr->cons, cons + (uint32_t)n, __ATOMIC_RELEASE);
    return n;
}
