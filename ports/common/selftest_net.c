/* SPDX-License-Identifier: MIT */
/*
 * pv-selftest, network part: lwIP (Debian's source, ports/lwip) runs in
 * this domain and moves data over TCP through its loopback interface.  No
 * device is involved: this checks the stack's port (byte order, alignment,
 * the clock, the heap) on every arch before any driver uses it.
 */
#include <hestia_lwip.h>
#include <port/kernel.h>

/* Enough for many windows' worth of segments (TCP_WND is 32 segments). */
#define LOOPBACK_BYTES (256u * 1024u)
#define LOOPBACK_TIMEOUT_MS 20000u

static void t_lwip_loopback(struct tctx *t)
{
    int r = hestia_lwip_start();
    if (r < 0) {
        t_fail(t, "could not start lwIP: %s", kstrerror(r));
        return;
    }
    struct hestia_lwip_xfer x;
    uint64_t t0 = time_now_ns();
    if (hestia_lwip_loopback_transfer(5001, LOOPBACK_BYTES, LOOPBACK_TIMEOUT_MS, &x) < 0) {
        t_fail(t, "%s (sent %u, received %u, %u bytes wrong)", x.why, x.sent, x.received,
               x.mismatched);
        return;
    }
    uint64_t us = (time_now_ns() - t0) / 1000u;
    ksnprintf(t->detail, sizeof t->detail, "%u bytes over TCP via 127.0.0.1 in %llu us",
              x.received, (unsigned long long)us);
}

void selftest_ctl_run(void);

void selftest_net_run(void)
{
    test_run("pv.lwip-loopback", t_lwip_loopback);
    selftest_ctl_run();
}
