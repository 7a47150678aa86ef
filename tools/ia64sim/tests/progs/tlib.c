/* SPDX-License-Identifier: MIT */
#include "tlib.h"

void tputs(const char *s)
{
    while (*s)
        tputc(*s++);
}

static void put_num(unsigned long long v, unsigned base, int neg, int width, char pad)
{
    char buf[32];
    int n = 0;

    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        buf[n++] = '-';
    while (n < width--)
        tputc(pad);
    while (n)
        tputc(buf[--n]);
}

void tvprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        int lng = 0, width = 0;
        char pad = ' ';

        if (*fmt != '%') {
            tputc(*fmt);
            continue;
        }
        fmt++;
        if (*fmt == '0')
            pad = '0';
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') {
            lng++;
            fmt++;
        }
        switch (*fmt) {
        case 'd': {
            long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
            put_num(v < 0 ? -(unsigned long long)v : (unsigned long long)v, 10, v < 0,
                    width, pad);
            break;
        }
        case 'u':
            put_num(lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned), 10, 0,
                    width, pad);
            break;
        case 'x':
            put_num(lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned), 16, 0,
                    width, pad);
            break;
        case 'c':
            tputc(va_arg(ap, int));
            break;
        case 's':
            tputs(va_arg(ap, const char *));
            break;
        default:
            tputc(*fmt);
        }
    }
}

void tprintf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tvprintf(fmt, ap);
    va_end(ap);
}

void *tmemcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;

    /* Word copies when both are aligned, so both paths get exercised. */
    if ((((uintptr_t)dp | (uintptr_t)sp) & 7) == 0) {
        for (; n >= 8; n -= 8, dp += 8, sp += 8)
            *(uint64_t *)dp = *(const uint64_t *)sp;
    }
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *tmemset(void *d, int c, size_t n)
{
    unsigned char *dp = d;

    while (n--)
        *dp++ = (unsigned char)c;
    return d;
}

int tmemcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

/* gcc may emit calls to these for struct copies and initializers. */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#ifdef __ia64__
void *memcpy(void *d, const void *s, size_t n)
{
    return tmemcpy(d, s, n);
}
void *memset(void *d, int c, size_t n)
{
    return tmemset(d, c, n);
}
int memcmp(const void *a, const void *b, size_t n)
{
    return tmemcmp(a, b, n);
}
void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;

    if (dp < sp)
        return tmemcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}
#endif
