/* SPDX-License-Identifier: MIT */
/*
 * Freestanding string helpers.  The same code runs in the hypervisor and
 * in the host tests, so it must not rely on libc.  memcpy, memset, memmove
 * and memcmp are lib/mem.c, shared with the guest port.
 */
#include <core/lib.h>

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
