/* SPDX-License-Identifier: MIT */
/* memcpy/memset/memcmp of odd sizes and alignments; loads/stores of every
 * width, post-increment loops. */
#include "tlib.h"

static unsigned char src[600], dst[600], ref[600];

static uint32_t crc(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffff;

    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c;
}

int main(void)
{
    uint32_t acc = 0;
    int bad = 0;

    for (int i = 0; i < 600; i++)
        src[i] = (unsigned char)(i * 37 + 11);
    for (size_t so = 0; so < 9; so++)
        for (size_t doff = 0; doff < 9; doff++)
            for (size_t n = 0; n < 70; n += (n < 20 ? 1 : 7)) {
                for (int i = 0; i < 600; i++)
                    dst[i] = ref[i] = (unsigned char)(255 - i);
                tmemcpy(dst + doff, src + so, n);
                for (size_t i = 0; i < n; i++)
                    ref[doff + i] = src[so + i];
                if (tmemcmp(dst, ref, 600))
                    bad++;
                memcpy(dst + 300 + doff, src + so, n); /* gcc's own memcpy call */
                tmemset(dst + doff, (int)(n & 0xff), n);
                acc = acc * 31 + crc(dst, 600);
            }
    tprintf("memcpy bad %d acc %x\n", bad, acc);

    /* every load/store width through pointers with post-increment */
    uint64_t w64[8];
    uint32_t *w32 = (uint32_t *)w64;
    uint16_t *w16 = (uint16_t *)w64;
    uint8_t *w8 = (uint8_t *)w64;

    for (int i = 0; i < 64; i++)
        w8[i] = (uint8_t)(i * 5);
    uint64_t s = 0;

    for (int i = 0; i < 32; i++)
        s = s * 3 + w16[i];
    for (int i = 0; i < 16; i++)
        s = s * 5 + w32[i];
    for (int i = 0; i < 8; i++)
        s = s * 7 + w64[i];
    for (int i = 0; i < 16; i++)
        w32[i] = (uint32_t)(s >> i);
    for (int i = 0; i < 8; i++)
        s ^= w64[i] << i;
    tprintf("widths %lx\n", (unsigned long)s);

    struct {
        char c;
        short s;
        int i;
        long l;
    } __attribute__((packed)) pk[3];

    tmemset(pk, 0x5a, sizeof(pk));
    pk[1].l = 0x1122334455667788L;
    pk[2].i = -5;
    tprintf("packed %lx %d %u\n", (unsigned long)pk[1].l, pk[2].i, (unsigned)sizeof(pk));
    return 0;
}
