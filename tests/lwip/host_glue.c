/* SPDX-License-Identifier: MIT */
/* lwIP's platform glue on the host (the guest's is ports/lwip/glue.c). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hestia_lwip.h"
#include "lwip/init.h"
#include "lwip/mem.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"

void *hestia_lwip_heap;

u32_t sys_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (u32_t)(ts.tv_sec * 1000u + ts.tv_nsec / 1000000);
}

unsigned int hestia_lwip_rand(void)
{
    static unsigned int s = 12345;
    s = s * 1103515245u + 12345u;
    return s;
}

void hestia_lwip_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void hestia_lwip_assert(const char *msg, const char *file, int line)
{
    fprintf(stderr, "lwIP assertion \"%s\" failed at %s:%d\n", msg, file, line);
    abort();
}

int hestia_lwip_start(void)
{
    if (hestia_lwip_heap)
        return 0;
    hestia_lwip_heap = calloc(1, MEM_SIZE + 4096);
    if (!hestia_lwip_heap)
        return -1;
    lwip_init();
    return 0;
}

void hestia_lwip_poll(void)
{
    netif_poll_all();
    sys_check_timeouts();
}
