/* SPDX-License-Identifier: MIT */
/*
 * Freestanding helpers for core/: strings, printing, locks, checks.
 */
#ifndef CORE_LIB_H
#define CORE_LIB_H

#include <hal/cpu.h>
#include <hal/entry.h>
#include <hal/types.h>
#include <stdarg.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Copy at most size-1 bytes and always terminate (size > 0). */
size_t strlcpy(char *dst, const char *src, size_t size);
/* Whether word is one of the space-separated words of cmdline (NULL: none). */
bool cmdline_has_word(const char *cmdline, const char *word);

/* Format into buf (always terminated); returns the length it wanted. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* lib/format.c, the formatter shared with the guest port (vsnprintf wraps it). */
int hestia_vformat(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Spinlock.  Taken with interrupts disabled (spin_lock_irqsave) so that
 * timer and console interrupts cannot deadlock against it.  Written for
 * several CPUs even while one runs.
 */
typedef struct {
    volatile uint32_t locked;
} spinlock_t;
#define SPINLOCK_INIT                                                                      \
    {                                                                                      \
        0                                                                                  \
    }
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);

/*
 * The irqsave pair inline: every frame reference, grant and event takes
 * one, and a free lock is one atomic exchange (spin_lock() waits).
 */
static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long flags = hal_irq_save();
    if (__atomic_exchange_n(&l->locked, 1u, __ATOMIC_ACQUIRE))
        spin_lock(l);
    return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    __atomic_store_n(&l->locked, 0u, __ATOMIC_RELEASE);
    hal_irq_restore(flags);
}

/*
 * n / d with the remainder in *rem (if rem), for 64-bit n and 32-bit d,
 * using 32-bit divisions and shifts only: 32-bit targets have no 64-bit
 * divide instruction and the hypervisor links no libgcc (__udivdi3).
 * d must not be 0.
 */
static inline uint64_t div64_u32(uint64_t n, uint32_t d, uint32_t *rem)
{
    uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n;
    uint32_t qhi = hi / d;
    uint64_t r = hi % d; /* < d, so r << 1 | bit stays below 2^33 */
    uint32_t qlo = 0;
    for (int i = 31; i >= 0; i--) {
        r = (r << 1) | ((lo >> i) & 1);
        if (r >= d) {
            r -= d;
            qlo |= 1u << i;
        }
    }
    if (rem)
        *rem = (uint32_t)r;
    return ((uint64_t)qhi << 32) | qlo;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((a)-1)) == 0)

#define BUG_ON(cond)                                                                       \
    do {                                                                                   \
        if (cond)                                                                          \
            core_panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond);                     \
    } while (0)

#endif
