/* SPDX-License-Identifier: MIT */
/*
 * Freestanding library of the guest: formatting, string helpers, parsing.
 * Pure code, no hypercalls: also compiled into the host tests (tests/ports).
 */
#ifndef PORT_LIB_H
#define PORT_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((__typeof__(x))(a)-1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/*
 * printf subset: %d %i %u %x %X %o %c %s %p %%, the l/ll/z length
 * modifiers, width (or *), '0' padding, '-' alignment and %.Ns / %.*s.  Always
 * NUL-terminates (size > 0) and returns the length the full output would have had.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* lib/format.c, the formatter the hypervisor uses too (kvsnprintf wraps it). */
int hestia_vformat(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parse an unsigned number (decimal, 0x hex, optional K/M/G suffix). */
int kparse_u64(const char *s, size_t len, uint64_t *out);
int kstreq(const char *a, const char *b);
int kstrneq(const char *a, const char *b, size_t n);
size_t kstrlen(const char *s);
/* Copy at most size-1 bytes and NUL-terminate. */
void kstrlcpy(char *dst, const char *src, size_t size);

/*
 * A tokenizer over "word word key=value" strings (command lines, toolstack
 * commands).  Tokens are separated by spaces or tabs; sep additionally ends
 * a command (';' for scripts).
 */
struct ktok {
    const char *s;
    size_t len;
};
/* Split s into tokens; returns how many (at most max). */
unsigned ktokenize(const char *s, size_t len, struct ktok *toks, unsigned max);
/* Whether tok is key=... ; *val receives the value part. */
int ktok_key(const struct ktok *tok, const char *key, struct ktok *val);
int ktok_eq(const struct ktok *tok, const char *s);
/* A hypercall's negative result in words ("no such domain"), never NULL. */
const char *kstrerror(long r);
/* Find key=value in a command line; returns 1 and the value. */
int kcmdline_get(const char *cmdline, const char *key, struct ktok *val);
/* Same, parsed as a number; def if absent or malformed. */
uint64_t kcmdline_u64(const char *cmdline, const char *key, uint64_t def);

/* Fletcher-like 64-bit checksum used by the ring test. */
uint64_t kchecksum(uint64_t acc, const void *buf, size_t len);

/* Deterministic pseudo-random generator (xorshift64). */
static inline uint64_t kxorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

#endif
