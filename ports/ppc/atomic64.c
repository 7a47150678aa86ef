/* SPDX-License-Identifier: MIT */
/*
 * 64-bit atomic load/store for the shared rings (ring.c) on 32-bit
 * PowerPC, which has no 64-bit load-reserve and, in a guest, no SPE
 * 64-bit load either.  Only load and store are needed, on counters with a
 * single writer: the reader retries until the upper word is stable, the
 * writer stores the lower word last, bracketed by barriers so the peer
 * domain never sees a value from the future.
 */
#include <stdint.h>

uint64_t __atomic_load_8(const volatile void *mem, int model);
void __atomic_store_8(volatile void *mem, uint64_t val, int model);

uint64_t __atomic_load_8(const volatile void *mem, int model)
{
    (void)model;
    const volatile uint32_t *w = mem; /* big-endian: w[0] is the upper word */
    uint32_t hi, lo;
    do {
        hi = w[0];
        __asm__ volatile("sync" ::: "memory");
        lo = w[1];
        __asm__ volatile("sync" ::: "memory");
    } while (hi != w[0]);
    return (uint64_t)hi << 32 | lo;
}

void __atomic_store_8(volatile void *mem, uint64_t val, int model)
{
    (void)model;
    volatile uint32_t *w = mem;
    __asm__ volatile("sync" ::: "memory");
    w[0] = (uint32_t)(val >> 32);
    __asm__ volatile("sync" ::: "memory");
    w[1] = (uint32_t)val;
    __asm__ volatile("sync" ::: "memory");
}
