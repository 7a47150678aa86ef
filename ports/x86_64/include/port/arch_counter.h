/* SPDX-License-Identifier: MIT */
/*
 * x86_64: the counter read inline (ports/common/time.c uses ARCH_READ_COUNTER
 * if an arch defines it).  arch_read_counter() in entry.S is a call, and the
 * call made time_now_ns save and restore six registers around it: ~17 of
 * its ~52 instructions, two to four reads per event round trip.
 */
#ifndef PORT_ARCH_COUNTER_H
#define PORT_ARCH_COUNTER_H

#include <stdint.h>

static inline uint64_t arch_read_counter_inline(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
#define ARCH_READ_COUNTER arch_read_counter_inline

#endif
