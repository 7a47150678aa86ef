/* SPDX-License-Identifier: MIT */
/* Tiny freestanding runtime shared by the ia64sim C test programs.  The same
 * source is built for the host and for IA-64; only tputc and the jump buffer
 * differ, so the two outputs must match line for line. */
#ifndef TLIB_H
#define TLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void tputc(int c);
void tputs(const char *s);
void tprintf(const char *fmt, ...);
void tvprintf(const char *fmt, va_list ap);
void *tmemcpy(void *d, const void *s, size_t n);
void *tmemset(void *d, int c, size_t n);
int tmemcmp(const void *a, const void *b, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

#ifdef __ia64__
/* Saved by tsetjmp (crt0.S): sp, gp, b0, ar.pfs, ar.bsp, ar.rnat, ar.unat,
 * pr, ar.lc, r4-r7. */
typedef unsigned long tjmp_buf[16];
int tsetjmp(tjmp_buf b) __attribute__((returns_twice));
void tlongjmp(tjmp_buf b, int v) __attribute__((noreturn));
#else
#include <setjmp.h>
typedef jmp_buf tjmp_buf;
#define tsetjmp(b) setjmp(b)
#define tlongjmp(b, v) longjmp(b, v)
#endif

#endif
