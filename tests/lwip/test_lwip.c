/* SPDX-License-Identifier: MIT */
/*
 * lwIP as the guest configures it (ports/lwip/include/lwipopts.h), on the
 * host: TCP transfers through the loopback interface of several sizes,
 * back to back on one stack (pcbs and pool memory must come back).
 */
#include <stdio.h>
#include <string.h>

#include "hestia_lwip.h"

static int failures;

static void report(const char *name, int ok, const char *detail)
{
    printf("TEST lwip.%s %s %s\n", name, ok ? "PASS" : "FAIL", detail);
    failures += !ok;
}

static void transfer(const char *name, uint16_t port, uint32_t bytes)
{
    struct hestia_lwip_xfer x;
    char detail[160];
    int r = hestia_lwip_loopback_transfer(port, bytes, 10000, &x);
    snprintf(detail, sizeof detail, "%s: sent %u, received %u, %u wrong, %u ms",
             r == 0 ? "ok" : x.why, x.sent, x.received, x.mismatched, x.elapsed_ms);
    report(name, r == 0 && x.received == bytes && x.sent == bytes, detail);
}

int main(void)
{
    if (hestia_lwip_start() != 0) {
        report("start", 0, "could not allocate lwIP's heap");
        return 1;
    }
    report("start", 1, "heap allocated, lwip_init done");
    transfer("loopback-empty", 5001, 0);
    transfer("loopback-one-byte", 5002, 1);
    transfer("loopback-4MiB", 5003, 4u << 20);
    /* The same port again: the first listener and connections were freed. */
    transfer("loopback-port-reuse", 5003, 64u << 10);
    return failures ? 1 : 0;
}
