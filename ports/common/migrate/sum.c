/* SPDX-License-Identifier: MIT */
/*
 * The stream's per-record check (stream version 3, docs/migration.md):
 * two 64-bit position-weighted sums over the body read as little-endian
 * 32-bit words w1..wn (the last one zero-padded),
 *
 *     a = w1 + w2 + ... + wn,   b = n*w1 + (n-1)*w2 + ... + 1*wn   (mod 2^64).
 *
 * Why this and not CRC-32: it costs one load and two adds per 4 bytes
 * (CRC-32 slicing-by-8: ~3.5 instructions a byte), and at our record sizes
 * (up to 263 KiB) it guarantees as much or more.  a never wraps (at most
 * 2^17 words of < 2^32), so any error confined to one word changes a; an
 * error in two words that keeps a changes them by +d and -d, which moves b
 * by d * (their distance), non-zero and below 2^49.  So every error within
 * 64 consecutive bits (every 1- and 2-bit error, every burst up to 33 bits)
 * is caught, which is CRC-32's guarantee at these lengths (its Hamming
 * distance is 3 beyond 11 KiB), and a random corruption passes with a
 * chance of about 2^-49 rather than 2^-32.  Not cryptographic: a stream
 * from a hostile sender is refused by the reader's field checks, not by
 * this sum.
 */
#include <port/migstream.h>

/* The aligned 32-bit word at p, bytes in little-endian order (ppc: lwbrx). */
static inline uint32_t le32(const uint8_t *p)
{
    uint32_t w = *(const uint32_t *)(const void *)p;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap32(w);
#endif
    return w;
}

void mig_sum_init(struct mig_sum *s)
{
    s->a = s->b = 0;
    s->part = 0;
    s->part_bytes = 0;
}

/* One byte into the partial word; the word is summed once it has four. */
static inline void add_byte(struct mig_sum *s, uint8_t byte)
{
    s->part |= (uint32_t)byte << (8 * s->part_bytes);
    if (++s->part_bytes == 4) {
        s->a += s->part;
        s->b += s->a;
        s->part = 0;
        s->part_bytes = 0;
    }
}

void mig_sum_update(struct mig_sum *s, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    /* Bytes left over from an earlier piece, or an unaligned start (ia64 traps unaligned
     * loads), go a byte at a time; the body pieces of a record are aligned in practice. */
    while (len && (s->part_bytes || ((uintptr_t)p & 3))) {
        add_byte(s, *p++);
        len--;
    }
    uint64_t a = s->a, b = s->b;
    for (; len >= 16; len -= 16, p += 16) {
        a += le32(p);
        b += a;
        a += le32(p + 4);
        b += a;
        a += le32(p + 8);
        b += a;
        a += le32(p + 12);
        b += a;
    }
    for (; len >= 4; len -= 4, p += 4) {
        a += le32(p);
        b += a;
    }
    s->a = a;
    s->b = b;
    while (len--)
        add_byte(s, *p++);
}

void mig_sum_final(const struct mig_sum *s, uint64_t out[2])
{
    uint64_t a = s->a, b = s->b;
    if (s->part_bytes) { /* the zero-padded last word */
        a += s->part;
        b += a;
    }
    out[0] = a;
    out[1] = b;
}

void mig_sum(const void *buf, size_t len, uint64_t out[2])
{
    struct mig_sum s;
    mig_sum_init(&s);
    mig_sum_update(&s, buf, len);
    mig_sum_final(&s, out);
}
