/* SPDX-License-Identifier: MIT */
/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of zlib. */
#include <port/migstream.h>

static uint32_t table[256];
static bool table_ready;

static void make_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    table_ready = true;
}

uint32_t mig_crc32(uint32_t crc, const void *buf, size_t len)
{
    if (!table_ready)
        make_table();
    const uint8_t *p = buf;
    crc = ~crc;
    while (len--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
