/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of
 * zlib: the one implementation dom0 uses (stream records, save images,
 * migration checks, the net scenarios' transfers).
 *
 * Slicing-by-8: eight 256-entry tables let one step fold 8 bytes with 8
 * independent lookups instead of 8 dependent ones; about half the
 * instructions of the byte-at-a-time table (docs/benchmarks.md, "Save
 * and restore, made fast").  Words are read aligned, in little-endian
 * order whatever the CPU's (ppc is big-endian; ia64 traps unaligned loads).
 *
 * mig_crc32_combine() gives the CRC of A followed by B from their two CRCs
 * and B's length (zlib's crc32_combine, the x^(8n) mod P form), so a
 * stream's whole CRC costs no second pass over bytes already checksummed.
 */
#include <port/migstream.h>

#define POLY 0xEDB88320u

static uint32_t table[8][256];
static bool table_ready;

static void make_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? POLY ^ (c >> 1) : c >> 1;
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            table[t][i] = table[0][table[t - 1][i] & 0xff] ^ (table[t - 1][i] >> 8);
    table_ready = true;
}

/* The aligned 32-bit word at p, bytes in little-endian order. */
static inline uint32_t le32(const uint8_t *p)
{
    uint32_t w = *(const uint32_t *)(const void *)p;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap32(w);
#endif
    return w;
}

uint32_t mig_crc32(uint32_t crc, const void *buf, size_t len)
{
    if (!table_ready)
        make_table();
    const uint8_t *p = buf;
    crc = ~crc;
    while (len && ((uintptr_t)p & 3)) {
        crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
        len--;
    }
    for (; len >= 8; len -= 8, p += 8) {
        uint32_t a = crc ^ le32(p), b = le32(p + 4);
        crc = table[7][a & 0xff] ^ table[6][(a >> 8) & 0xff] ^ table[5][(a >> 16) & 0xff] ^
              table[4][a >> 24] ^ table[3][b & 0xff] ^ table[2][(b >> 8) & 0xff] ^
              table[1][(b >> 16) & 0xff] ^ table[0][b >> 24];
    }
    while (len--)
        crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* a * b modulo the CRC polynomial, both reflected (bit 31 is x^0). */
static uint32_t multmodp(uint32_t a, uint32_t b)
{
    uint32_t m = 1u << 31, p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0)
                break;
        }
        m >>= 1;
        b = b & 1 ? (b >> 1) ^ POLY : b >> 1;
    }
    return p;
}

/* x^(8 * len) modulo the polynomial: squarings of x^8, one per bit of len. */
static uint32_t x8nmodp(uint64_t len)
{
    static uint64_t cached_len = ~(uint64_t)0;
    static uint32_t cached;
    if (len == cached_len)
        return cached; /* streams repeat one record length (full memory batches) */
    uint32_t p = 1u << 31, sq = 1u << 23; /* x^0, x^8 */
    for (uint64_t n = len; n; n >>= 1) {
        if (n & 1)
            p = multmodp(sq, p);
        sq = multmodp(sq, sq);
    }
    cached_len = len;
    cached = p;
    return p;
}

uint32_t mig_crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b)
{
    return multmodp(x8nmodp(len_b), crc_a) ^ crc_b;
}
