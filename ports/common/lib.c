/* SPDX-License-Identifier: MIT */
/* Freestanding formatting and parsing (host-tested in tests/ports). */
#include <hestia/errno.h>
#include <port/lib.h>

/* The formatter is lib/format.c, shared with the hypervisor. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return hestia_vformat(buf, size, fmt, ap);
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
        case 'k':
        case 'K':
            shift = 10;
            break;
        case 'm':
        case 'M':
            shift = 20;
            break;
        case 'g':
        case 'G':
            shift = 30;
            break;
        default:
            return -1;
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

/* What a hypercall's negative result means, in words for the user. */
const char *kstrerror(long r)
{
    static const struct {
        long code;
        const char *text;
    } names[] = {
        {HESTIA_EPERM, "not permitted"},      {HESTIA_ENOENT, "no such object"},
        {HESTIA_ESRCH, "no such domain"},     {HESTIA_EINTR, "interrupted"},
        {HESTIA_EIO, "platform I/O failure"}, {HESTIA_E2BIG, "too large"},
        {HESTIA_EBADF, "bad port or handle"}, {HESTIA_EAGAIN, "busy, try again"},
        {HESTIA_ENOMEM, "out of memory"},     {HESTIA_EACCES, "access denied"},
        {HESTIA_EFAULT, "bad address"},       {HESTIA_EBUSY, "in use"},
        {HESTIA_EEXIST, "already exists"},    {HESTIA_EINVAL, "invalid argument"},
        {HESTIA_ENOSPC, "table full"},        {HESTIA_ERANGE, "out of range"},
        {HESTIA_ENODEV, "no such device"},    {HESTIA_ENOSYS, "not supported"},
        {HESTIA_EALREADY, "already done"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].code == -r)
            return names[i].text;
    return "unknown error";
}
