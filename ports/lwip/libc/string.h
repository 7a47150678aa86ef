/* SPDX-License-Identifier: MIT */
/*
 * The string functions lwIP uses, for freestanding targets only (the host
 * test uses the C library's).  memcpy and friends are ports/common/mem.c;
 * the str* ones are ports/lwip/libc/string.c.
 */
#ifndef HESTIA_LWIP_STRING_H
#define HESTIA_LWIP_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
