/* SPDX-License-Identifier: MIT */
/*
 * Freestanding string and memory helpers.  The same code runs in the
 * hypervisor and in the host tests, so it must not rely on libc.  memset
 * and memcpy move a word at a time when the addresses allow it: zeroing a
 * new domain's frames byte by byte was most of the cost of creating one
 * (docs/density.md); the rest is written byte-wise and simply.
 */
#include <core/lib.h>

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

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (((uintptr_t)d & (WORD_SIZE - 1)) == ((uintptr_t)s & (WORD_SIZE - 1))) {
        while (n && !WORD_ALIGNED(d)) {
            *d++ = *s++;
            n--;
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

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

bool cmdline_has_word(const char *cmdline, const char *word)
{
    const char *s = cmdline ? cmdline : "";
    while (*s) {
        while (*s == ' ')
            s++;
        const char *w = word;
        while (*w && *s == *w)
            s++, w++;
        if (!*w && (*s == ' ' || *s == '\0'))
            return true;
        while (*s && *s != ' ')
            s++;
    }
    return false;
}
