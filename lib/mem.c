/* SPDX-License-Identifier: MIT */
/*
 * The memory functions the compiler may call on its own (struct copies),
 * compiled into the hypervisor (core/) and into the guest port (ports/):
 * freestanding, only compiler headers.  memcpy and memset move a word at a
 * time when the addresses allow it: zeroing a new domain's frames byte by
 * byte was most of the cost of creating one (docs/density.md), and a byte
 * loop cost a guest save or restore about 5 instructions per byte for every
 * staging copy of its 4 MiB (docs/benchmarks.md).
 */
#include <stddef.h>
#include <stdint.h>

/*
 * gcc recognises these loops as memcpy/memset idioms and would emit calls
 * to the very functions being defined (infinite recursion).
 */
#ifndef __clang__
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif

/* A machine word that may alias any object (the copies are of any type). */
typedef uintptr_t __attribute__((may_alias)) mem_word;
#define WORD_SIZE sizeof(mem_word)
#define WORD_ALIGNED(p) (((uintptr_t)(p) & (WORD_SIZE - 1)) == 0)

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (((uintptr_t)d & (WORD_SIZE - 1)) == ((uintptr_t)s & (WORD_SIZE - 1))) {
        while (n && !WORD_ALIGNED(d)) {
            *d++ = *s++;
            n--;
        }
        for (; n >= 4 * WORD_SIZE;
             n -= 4 * WORD_SIZE, d += 4 * WORD_SIZE, s += 4 * WORD_SIZE) {
            mem_word a = ((const mem_word *)s)[0], b = ((const mem_word *)s)[1];
            mem_word c = ((const mem_word *)s)[2], e = ((const mem_word *)s)[3];
            ((mem_word *)d)[0] = a, ((mem_word *)d)[1] = b;
            ((mem_word *)d)[2] = c, ((mem_word *)d)[3] = e;
        }
        for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE, s += WORD_SIZE)
            *(mem_word *)d = *(const mem_word *)s;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n && !WORD_ALIGNED(d)) {
        *d++ = (unsigned char)c;
        n--;
    }
    mem_word w = (mem_word)-1 / 255 * (unsigned char)c; /* c in every byte */
    /* Four words an iteration: clearing a new domain's frames (a restore's
     * 4 MiB) and every new address space's page-table frames cost about 4.5
     * instructions per word with one. */
    for (; n >= 4 * WORD_SIZE; n -= 4 * WORD_SIZE, d += 4 * WORD_SIZE) {
        ((mem_word *)d)[0] = w, ((mem_word *)d)[1] = w;
        ((mem_word *)d)[2] = w, ((mem_word *)d)[3] = w;
    }
    for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE)
        *(mem_word *)d = w;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n) {
        while (n--)
            *d++ = *s++;
    } else {
        /* Overlap with dst above src: copy backwards. */
        d += n;
        s += n;
        while (n--)
            *--d = *--s;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
    }
    return 0;
}
