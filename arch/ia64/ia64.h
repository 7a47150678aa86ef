/* SPDX-License-Identifier: MIT */
/* Definitions private to arch/ia64. */
#ifndef ARCH_IA64_IA64_H
#define ARCH_IA64_IA64_H

#include <hal/types.h>

/* Ski simulator system calls (break 0x80001, number in r15). */
#define SSC_GETCHAR 21
#define SSC_PUTCHAR 31
#define SSC_GET_RTC 65
#define SSC_EXIT 66

long ia64_ssc(long a0, long a1, long a2, long a3, long nr);
void ia64_puts(const char *s);
void ia64_putu64(uint64_t v);

#endif
