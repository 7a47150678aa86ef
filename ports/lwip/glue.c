/* SPDX-License-Identifier: MIT */
/*
 * lwIP's platform glue in the guest: the millisecond clock, random
 * numbers, diagnostics through the console, and the heap (lwipopts.h).
 */
#include <stdarg.h>

#include "hestia_lwip.h"
#include "lwip/init.h"
#include "lwip/mem.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "port/kernel.h"
#include "port/lib.h"

void *hestia_lwip_heap;

u32_t sys_now(void)
{
    return (u32_t)(time_now_ns() / 1000000u);
}

unsigned int hestia_lwip_rand(void)
{
    static uint64_t seed;
    if (!seed)
        seed = time_now_ns() | 1;
    return (unsigned int)kxorshift(&seed);
}

void hestia_lwip_diag(const char *fmt, ...)
{
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printk("lwip: %s", buf);
}

void hestia_lwip_assert(const char *msg, const char *file, int line)
{
    panic("lwIP assertion \"%s\" failed at %s:%d", msg, file, line);
}

int hestia_lwip_start(void)
{
    if (hestia_lwip_heap)
        return 0;
    /* lwIP's mem.c aligns the start and keeps two struct mem at the ends. */
    unsigned pages = (MEM_SIZE + 2 * HESTIA_PAGE_SIZE - 1) / HESTIA_PAGE_SIZE;
    long gfn = frames_alloc(pages);
    if (gfn < 0)
        return (int)gfn;
    hestia_lwip_heap = gfn_to_va((uint64_t)gfn);
    lwip_init();
    return 0;
}

void hestia_lwip_poll(void)
{
    netif_poll_all();
    sys_check_timeouts();
}
