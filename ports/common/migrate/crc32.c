/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of
 * zlib: the one implementation dom0 uses (the stream's record-header chain
 * and the save image's header, migration checks, the net scenarios'
 * transfers).  Record bodies use the cheaper mig_sum (sum.c).
 *
 * Slicing-by-8: eight 256-entry tables let one step fold 8 bytes with 8
 * independent lookups instead of 8 dependent ones; about half the
 * instructions of the byte-at-a-time table (docs/benchmarks.md, "Save
 * and restore, made fast").  Words are read aligned, in little-endian
 * order whatever the CPU's (ppc is big-endian; ia64 traps unaligned loads).
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
