/* SPDX-License-Identifier: MIT */
/* The one <stdlib.h> function lwIP calls as configured (netif_find's atoi). */
#ifndef HESTIA_LWIP_STDLIB_H
#define HESTIA_LWIP_STDLIB_H
#include <stddef.h>
int atoi(const char *s);
#endif
