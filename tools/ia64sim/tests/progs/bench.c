/* SPDX-License-Identifier: MIT */
/* Compute-heavy program for the simulator benchmark: sieve, CRC, integer
 * matrix multiply and a hash loop.  Its output is checked like the others. */
#include "tlib.h"

#define N 20000
static unsigned char sieve[N];
static uint32_t ma[24][24], mb[24][24], mc[24][24];

int main(void)
{
    unsigned primes = 0;
    uint32_t crc = 0xffffffff;
    uint64_t h = 0;

    for (int rep = 0; rep < 10; rep++) {
        tmemset(sieve, 1, N);
        primes = 0;
        for (unsigned i = 2; i < N; i++) {
            if (!sieve[i])
                continue;
            primes++;
            for (unsigned j = i * 2; j < N; j += i)
                sieve[j] = 0;
        }
    }
    for (int rep = 0; rep < 20; rep++)
        for (unsigned i = 0; i < N; i++) {
            crc ^= sieve[i] + i;
            for (int k = 0; k < 8; k++)
                crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
        }
    for (int i = 0; i < 24; i++)
        for (int j = 0; j < 24; j++) {
            ma[i][j] = (uint32_t)(i * 31 + j * 17);
            mb[i][j] = (uint32_t)(i ^ (j * 7));
        }
    for (int rep = 0; rep < 8; rep++)
        for (int i = 0; i < 24; i++)
            for (int j = 0; j < 24; j++) {
                uint32_t s = 0;

                for (int k = 0; k < 24; k++)
                    s += ma[i][k] * mb[k][j];
                mc[i][j] = s + (uint32_t)rep;
            }
    for (uint64_t i = 0; i < 300000; i++)
        h = (h ^ i) * 0x100000001b3ULL + (h >> 29);
    tprintf("primes %u crc %x mc %u h %lx\n", primes, ~crc, mc[23][17], (unsigned long)h);
    return 0;
}
