/* SPDX-License-Identifier: MIT */
/*
 * lwIP's compiler and platform definitions for Hestia's freestanding
 * guest (and the host test): no inttypes.h, ctype.h or stdio in a
 * freestanding build, so lwIP's own fallbacks and our formatter are used.
 */
#ifndef HESTIA_LWIP_ARCH_CC_H
#define HESTIA_LWIP_ARCH_CC_H

#include <stdint.h>

#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1
#if !__STDC_HOSTED__
/* A cross gcc's <limits.h> may reach for the C library's; lwIP needs only
 * INT_MAX (for its ssize_t fallback). */
#define LWIP_NO_LIMITS_H 1
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif
#endif

#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#ifndef BYTE_ORDER
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BYTE_ORDER 4321 /* lwIP's BIG_ENDIAN */
#else
#define BYTE_ORDER 1234 /* lwIP's LITTLE_ENDIAN */
#endif
#endif

/* ports/lwip/glue.c: through the guest console (printk) or stderr on the host. */
void hestia_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hestia_lwip_assert(const char *msg, const char *file, int line)
    __attribute__((noreturn));
#define LWIP_PLATFORM_DIAG(x)                                                              \
    do {                                                                                   \
        hestia_lwip_diag x;                                                                \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x) hestia_lwip_assert((x), __FILE__, __LINE__)

#endif
