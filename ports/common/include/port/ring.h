/* SPDX-License-Identifier: MIT */
/*
 * A single-producer single-consumer byte ring in shared memory: the header
 * page holds the indices, the grant refs of the data pages and the final
 * checksum; the data pages may be mapped at different addresses on each
 * side, so the data area is addressed page by page.  Pure code (host-tested).
 */
#ifndef PORT_RING_H
#define PORT_RING_H

#include <stddef.h>
#include <stdint.h>

#define RING_MAX_PAGES 64
#define RING_MAGIC 0x52494e47u

struct ring_hdr {
    uint32_t magic;
    uint32_t nr_pages; /* data pages */
    /*
     * Free-running byte counters, 32 bits so that every port updates them
     * with a native atomic load/store (32-bit guests have no 64-bit ones);
     * they wrap consistently because the data size is a power of two.
     */
    volatile uint32_t prod; /* bytes produced */
    volatile uint32_t cons; /* bytes consumed */
    volatile uint32_t done; /* producer finished */
    uint32_t pad;
    uint64_t total;    /* bytes the producer will send */
    uint64_t checksum; /* of everything sent, valid once done */
    uint32_t refs[RING_MAX_PAGES];
};

struct ring {
    struct ring_hdr *hdr;
    uint8_t *pages[RING_MAX_PAGES];
    uint32_t size; /* data pages * page size, a power of two */
};

/*
 * nr_pages is clamped to RING_MAX_PAGES and rounded down to a power of two
 * (the 32-bit counters must wrap at a multiple of the data size).
 */
void ring_init(struct ring *r, struct ring_hdr *hdr, unsigned nr_pages, uint8_t **pages);
/* Copy in/out as much as fits; returns bytes moved. */
size_t ring_write(struct ring *r, const void *buf, size_t len);
size_t ring_read(struct ring *r, void *buf, size_t len);
uint32_t ring_used(const struct ring *r);

#endif
