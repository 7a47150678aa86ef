/* SPDX-License-Identifier: MIT */
/* Freestanding formatting and parsing (host-tested in tests/ports). */
#include <port/lib.h>

struct outbuf {
    char *buf;
    size_t size;
    size_t len;
};

static void out_c(struct outbuf *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_pad(struct outbuf *o, char c, int n)
{
    while (n-- > 0)
        out_c(o, c);
}

/* Digits of v in base into tmp (reversed); returns the count. */
static int utoa_rev(uint64_t v, unsigned base, int upper, char *tmp)
{
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do {
        tmp[n++] = dig[v % base];
        v /= base;
    } while (v);
    return n;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct outbuf o = { buf, size, 0 };
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            out_c(&o, *p);
            continue;
        }
        p++;
        int left = 0, zero = 0, width = 0, lng = 0;
        for (;; p++) {
            if (*p == '-')
                left = 1;
            else if (*p == '0')
                zero = 1;
            else
                break;
        }
        if (*p == '*') {
            width = va_arg(ap, int);
            p++;
        }
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        int prec = -1;
        if (*p == '.') {
            p++;
            prec = 0;
            if (*p == '*') {
                prec = va_arg(ap, int);
                p++;
            }
            while (*p >= '0' && *p <= '9')
                prec = prec * 10 + (*p++ - '0');
        }
        while (*p == 'l' || *p == 'z') {
            lng += (*p == 'z') ? 2 : 1;
            p++;
        }
        char tmp[24];
        int n = 0, neg = 0;
        const char *str = NULL;
        uint64_t u = 0;
        unsigned base = 10;
        int upper = 0;
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t s = lng >= 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long)
                                                                     : va_arg(ap, int);
            neg = s < 0;
            u = neg ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
            n = utoa_rev(u, 10, 0, tmp);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            u = lng >= 2 ? va_arg(ap, unsigned long long)
                : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            upper = *p == 'X';
            n = utoa_rev(u, base, upper, tmp);
            break;
        case 'p':
            u = (uintptr_t)va_arg(ap, void *);
            n = utoa_rev(u, 16, 0, tmp);
            tmp[n++] = 'x';
            tmp[n++] = '0';
            break;
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            n = 1;
            break;
        case 's':
            str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            break;
        case '%':
            tmp[0] = '%';
            n = 1;
            break;
        case '\0':
            p--;
            continue;
        default:
            n = 2;
            /* unknown conversion: print it as is (tmp is emitted reversed) */
            tmp[0] = *p;
            tmp[1] = '%';
            break;
        }
        if (str) {
            int sl = 0;
            /* A precision bounds the read: the string need not be terminated. */
            while ((prec < 0 || sl < prec) && str[sl])
                sl++;
            if (!left)
                out_pad(&o, ' ', width - sl);
            for (int i = 0; i < sl; i++)
                out_c(&o, str[i]);
            if (left)
                out_pad(&o, ' ', width - sl);
            continue;
        }
        int total = n + neg;
        if (!left && !zero)
            out_pad(&o, ' ', width - total);
        if (neg)
            out_c(&o, '-');
        if (!left && zero)
            out_pad(&o, '0', width - total);
        while (n > 0)
            out_c(&o, tmp[--n]);
        if (left)
            out_pad(&o, ' ', width - total);
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

size_t kstrlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int kstreq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

int kstrneq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return 0;
        if (!a[i])
            return 1;
    }
    return 1;
}

void kstrlcpy(char *dst, const char *src, size_t size)
{
    size_t i = 0;
    if (!size)
        return;
    for (; i + 1 < size && src[i]; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}

int kparse_u64(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    unsigned base = 10;
    if (len == 0)
        return -1;
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    size_t digits = 0;
    for (; i < len; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            break;
        if (v > (UINT64_MAX - d) / base)
            return -1;
        v = v * base + d;
        digits++;
    }
    if (!digits)
        return -1;
    if (i < len) {
        unsigned shift;
        switch (s[i]) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        default: return -1;
        }
        if (i + 1 != len || v > (UINT64_MAX >> shift))
            return -1;
        v <<= shift;
    }
    *out = v;
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

unsigned ktokenize(const char *s, size_t len, struct ktok *toks, unsigned max)
{
    unsigned n = 0;
    size_t i = 0;
    while (i < len && s[i]) {
        while (i < len && s[i] && is_space(s[i]))
            i++;
        if (i >= len || !s[i])
            break;
        size_t start = i;
        while (i < len && s[i] && !is_space(s[i]))
            i++;
        if (n < max) {
            toks[n].s = s + start;
            toks[n].len = i - start;
        }
        n++;
    }
    return n < max ? n : max;
}

int ktok_eq(const struct ktok *tok, const char *s)
{
    size_t l = kstrlen(s);
    return tok->len == l && kstrneq(tok->s, s, l);
}

int ktok_key(const struct ktok *tok, const char *key, struct ktok *val)
{
    size_t l = kstrlen(key);
    if (tok->len <= l || tok->s[l] != '=' || !kstrneq(tok->s, key, l))
        return 0;
    val->s = tok->s + l + 1;
    val->len = tok->len - l - 1;
    return 1;
}

int kcmdline_get(const char *cmdline, const char *key, struct ktok *val)
{
    struct ktok toks[32];
    unsigned n = ktokenize(cmdline, kstrlen(cmdline), toks, 32);
    for (unsigned i = 0; i < n; i++)
        if (ktok_key(&toks[i], key, val))
            return 1;
    return 0;
}

uint64_t kcmdline_u64(const char *cmdline, const char *key, uint64_t def)
{
    struct ktok v;
    uint64_t out;
    if (!kcmdline_get(cmdline, key, &v) || kparse_u64(v.s, v.len, &out))
        return def;
    return out;
}

uint64_t kchecksum(uint64_t acc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint32_t a = (uint32_t)acc, b = (uint32_t)(acc >> 32);
    for (size_t i = 0; i < len; i++) {
        a = (a + p[i]) % 65521u;
        b = (b + a) % 65521u;
    }
    return ((uint64_t)b << 32) | a;
}
