/* SPDX-License-Identifier: MIT */
/*
 * The one printf formatter, compiled into the hypervisor (core/lib/printf.c
 * wraps it as vsnprintf) and into the guest port (ports/common/lib.c wraps
 * it as kvsnprintf).  Freestanding: it includes only compiler headers and
 * divides with 32-bit operations, so 32-bit targets need no libgcc for it.
 *
 * Supports %s %c %d %i %u %o %x %X %p %%, flags '-' and '0', a width and a
 * precision (both may be '*'), and the length modifiers h, hh, l, ll, z.
 * Output is always terminated (size > 0); the return value is the length
 * the whole output needs, as C's vsnprintf.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int hestia_vformat(char *buf, size_t size, const char *fmt, va_list ap);

/* Length of s, reading at most max bytes when max >= 0 (s need not be terminated then). */
static int text_len(const char *s, int max)
{
    int n = 0;
    while ((max < 0 || n < max) && s[n])
        n++;
    return n;
}

struct out {
    char *buf;
    size_t size;
    size_t len; /* what the full output would need */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/*
 * v /= 10, returning the remainder, with 32-bit divisions only: 32-bit
 * targets would otherwise need libgcc's __udivdi3 / __umoddi3.
 */
static unsigned divmod10(uint64_t *v)
{
    uint32_t hi = (uint32_t)(*v >> 32), lo = (uint32_t)*v;
    uint32_t qhi = hi / 10, r = hi % 10;
    uint32_t mid = (r << 16) | (lo >> 16); /* < 10 << 16: fits, quotient < 1 << 16 */
    uint32_t qmid = mid / 10;
    r = mid % 10;
    uint32_t low = (r << 16) | (lo & 0xffff);
    uint32_t qlow = low / 10;
    r = low % 10;
    *v = ((uint64_t)qhi << 32) | ((uint64_t)qmid << 16) | qlow;
    return r;
}

/* Emit one number; neg adds a sign that counts towards the width. */
static void number(struct out *o, uint64_t v, bool neg, unsigned base, bool upper,
                   int width, int prec, bool left, bool zero, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        if (base == 16 || base == 8) {
            unsigned shift = base == 16 ? 4 : 3;
            tmp[n++] = digits[v & (base - 1)];
            v >>= shift;
        } else {
            tmp[n++] = digits[divmod10(&v)];
        }
    } while (v);
    if (prec == 0 && n == 1 && tmp[0] == '0')
        n = 0; /* C: zero with precision 0 prints nothing */
    int zeros = prec > n ? prec - n : 0;
    int plen = (int)text_len(prefix, -1) + (neg ? 1 : 0);
    int total = plen + zeros + n;
    if (zero && !left && prec < 0 && width > total) {
        zeros += width - total;
        total = width;
    }
    if (!left)
        pad(o, ' ', width - total);
    if (neg)
        put(o, '-');
    for (const char *p = prefix; *p; p++)
        put(o, *p);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (left)
        pad(o, ' ', width - total);
}

int hestia_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    va_list args;
    va_copy(args, ap);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        p++;
        bool left = false, zero = false;
        for (;; p++) {
            if (*p == '-')
                left = true;
            else if (*p == '0')
                zero = true;
            else
                break;
        }
        int width = 0;
        if (*p == '*') {
            width = va_arg(args, int);
            if (width < 0) {
                left = true;
                width = -width;
            }
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                width = width * 10 + (*p++ - '0');
        }
        int prec = -1;
        if (*p == '.') {
            p++;
            prec = 0;
            if (*p == '*') {
                prec = va_arg(args, int);
                if (prec < 0)
                    prec = -1;
                p++;
            } else {
                while (*p >= '0' && *p <= '9')
                    prec = prec * 10 + (*p++ - '0');
            }
        }
        int lng = 0; /* -2 hh, -1 h, 1 l, 2 ll, 3 z */
        if (*p == 'h') {
            lng = -1;
            if (*++p == 'h') {
                lng = -2;
                p++;
            }
        } else if (*p == 'l') {
            lng = 1;
            if (*++p == 'l') {
                lng = 2;
                p++;
            }
        } else if (*p == 'z') {
            lng = 3;
            p++;
        }
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v;
            if (lng == 2)
                v = va_arg(args, long long);
            else if (lng == 1)
                v = va_arg(args, long);
            else if (lng == 3)
                v = (int64_t)va_arg(args, size_t);
            else
                v = va_arg(args, int);
            if (lng == -1)
                v = (short)v;
            else if (lng == -2)
                v = (signed char)v;
            bool neg = v < 0;
            uint64_t mag = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            number(&o, mag, neg, 10, false, width, prec, left, zero, "");
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            uint64_t v;
            if (lng == 2)
                v = va_arg(args, unsigned long long);
            else if (lng == 1)
                v = va_arg(args, unsigned long);
            else if (lng == 3)
                v = va_arg(args, size_t);
            else
                v = va_arg(args, unsigned);
            if (lng == -1)
                v = (unsigned short)v;
            else if (lng == -2)
                v = (unsigned char)v;
            unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            number(&o, v, false, base, *p == 'X', width, prec, left, zero, "");
            break;
        }
        case 'p':
            number(&o, (uintptr_t)va_arg(args, void *), false, 16, false, width, prec, left,
                   zero, "0x");
            break;
        case 'c':
            if (!left)
                pad(&o, ' ', width - 1);
            put(&o, (char)va_arg(args, int));
            if (left)
                pad(&o, ' ', width - 1);
            break;
        case 's': {
            const char *s = va_arg(args, const char *);
            if (!s)
                s = "(null)";
            int n = text_len(s, prec);
            if (!left)
                pad(&o, ' ', width - n);
            for (int i = 0; i < n; i++)
                put(&o, s[i]);
            if (left)
                pad(&o, ' ', width - n);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            p--; /* a lone '%' at the end: stop at the terminator */
            break;
        default:
            /* Unknown conversion: print it verbatim so the bug is visible. */
            put(&o, '%');
            put(&o, *p);
            break;
        }
    }
    va_end(args);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}
