/* SPDX-License-Identifier: MIT */
/*
 * Shared by the harnesses: an input reader (bytes consumed from the front,
 * zeros once the input runs out, so every input decodes to something) and
 * a failure macro that aborts, which libFuzzer reports as a crash with the
 * input saved as a reproducer.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct fz {
    const uint8_t *p;
    size_t n;
};

static inline uint8_t fz_u8(struct fz *f)
{
    if (!f->n)
        return 0;
    f->n--;
    return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
    uint16_t lo = fz_u8(f);
    return (uint16_t)(lo | (uint16_t)fz_u8(f) << 8);
}

static inline uint32_t fz_u32(struct fz *f)
{
    uint32_t lo = fz_u16(f);
    return lo | (uint32_t)fz_u16(f) << 16;
}

static inline uint64_t fz_u64(struct fz *f)
{
    uint64_t lo = fz_u32(f);
    return lo | (uint64_t)fz_u32(f) << 32;
}

/* A number in [0, n); 0 when n is 0. */
static inline unsigned fz_below(struct fz *f, unsigned n)
{
    if (n == 0)
        return 0;
    return n <= 256 ? fz_u8(f) % n : fz_u16(f) % n;
}

/* An invariant the code under test broke: report and abort (libFuzzer saves the input). */
#define FUZZ_ASSERT(cond, ...)                                                             \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "FUZZ INVARIANT %s:%d: %s: ", __FILE__, __LINE__, #cond);      \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fprintf(stderr, "\n");                                                         \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

#endif
