/* SPDX-License-Identifier: MIT */
/*
 * dom0's network: lwIP over the first NIC (ports/lwip/netif.c), the
 * toolstack over TCP (ts_server.c) and the net / link scenarios.  lwIP is
 * not thread-safe (NO_SYS), so one thread owns it: the "net" thread polls
 * the NIC and lwIP's timers, and another thread gets work done there
 * through net_call().
 */
#include <hestia_lwip.h>
#include <port/dom0net.h>
#include <port/kernel.h>
#include <port/livemig.h>
#include <port/netdev.h>
#include <port/netxfer.h>
#include <port/tsserver.h>

#include "lwip/ip4_addr.h"
#include "lwip/timeouts.h"

#define MS 1000000ull
#define SEC 1000000000ull
#define LINK_PORT 5001

static void (*volatile job_fn)(void *);
static void *job_arg;
static volatile int job_done;

/* Run fn(arg) in the net thread and wait for it. */
static void net_call(void (*fn)(void *), void *arg)
{
    job_done = 0;
    job_arg = arg;
    job_fn = fn;
    wait_flag(&job_done, 0);
}

static struct thread *net_owner; /* the thread that owns lwIP */

void dom0_net_run(void (*fn)(void *), void *arg)
{
    if (current == net_owner)
        fn(arg);
    else
        net_call(fn, arg);
}

static void net_thread(void *arg)
{
    (void)arg;
    for (;;) {
        hestia_netif_poll();
        hestia_lwip_poll();
        if (job_fn) {
            void (*fn)(void *) = job_fn;
            job_fn = NULL;
            fn(job_arg);
            set_flag(&job_done);
        }
        /* lwIP's next timer, at most 10 ms away (a job may be waiting). */
        uint32_t ms = sys_timeouts_sleeptime();
        hestia_netif_wait(time_now_ns() + MIN(ms, 10u) * MS);
    }
}

/* "A.B.C.D" of a command-line word into host order; 0 or -1. */
static int parse_ip(const struct ktok *v, uint32_t *out)
{
    char s[20];
    ip4_addr_t a;
    if (v->len >= sizeof s)
        return -1;
    ksnprintf(s, sizeof s, "%.*s", (int)v->len, v->s);
    if (!ip4addr_aton(s, &a))
        return -1;
    *out = lwip_ntohl(ip4_addr_get_u32(&a));
    return 0;
}

static int parse_config(struct hestia_netif_config *c)
{
    struct ktok v;
    *c = (struct hestia_netif_config){.dhcp = true};
    if (kcmdline_get(port_cmdline, "ip", &v)) {
        struct ktok a = v, bits = {0};
        for (size_t i = 0; i < v.len; i++)
            if (v.s[i] == '/') {
                a.len = i;
                bits.s = v.s + i + 1;
                bits.len = v.len - i - 1;
            }
        uint64_t n = 24;
        if (parse_ip(&a, &c->addr) ||
            (bits.s && (kparse_u64(bits.s, bits.len, &n) || n < 1 || n > 30))) {
            printk("dom0: ip=%.*s: want ip=A.B.C.D/N (N 1..30)\n", (int)v.len, v.s);
            return -1;
        }
        c->mask = ~0u << (32 - n);
        c->dhcp = false;
    }
    if (kcmdline_get(port_cmdline, "gw", &v) && parse_ip(&v, &c->gw)) {
        printk("dom0: gw=%.*s: want gw=A.B.C.D\n", (int)v.len, v.s);
        return -1;
    }
    return 0;
}

static long start_server(void)
{
    struct ktok v;
    uint64_t port = TS_DEFAULT_PORT;
    char token[TS_TOKEN_MAX + 1];
    if (kcmdline_get(port_cmdline, "ctl_port", &v) &&
        (kparse_u64(v.s, v.len, &port) || !port || port > 65535)) {
        printk("dom0: ctl_port=%.*s: want a port 1..65535\n", (int)v.len, v.s);
        return -HESTIA_EINVAL;
    }
    if (kcmdline_get(port_cmdline, "ctl_token", &v)) {
        ksnprintf(token, sizeof token, "%.*s", (int)MIN(v.len, (size_t)TS_TOKEN_MAX), v.s);
        if (v.len > TS_TOKEN_MAX) {
            printk("dom0: ctl_token= is longer than %u characters\n", TS_TOKEN_MAX);
            return -HESTIA_EINVAL;
        }
    } else {
        ts_server_make_token(token);
    }
    long r = ts_server_start((uint16_t)port, token);
    if (r < 0)
        printk("dom0: toolstack over TCP not started: %s\n", kstrerror(r));
    else
        printk("dom0: toolstack over TCP on port %llu, token %s\n",
               (unsigned long long)port, token);
    return r;
}

static struct netdev *nic;
static struct hestia_netif_config config;
static long start_result;

static void start_in_net_thread(void *arg)
{
    (void)arg;
    start_result = hestia_netif_start(nic, &config) < 0 ? -HESTIA_ENOMEM : start_server();
}

long dom0_net_start(void)
{
    static bool started;
    if (started)
        return 0;
    long r = netdev_open(0, &nic);
    if (r < 0)
        return r;
    if (netdev_mtu(nic) > 1500)
        printk("dom0: jumbo frames, MTU %u (the device's VIRTIO_NET_F_MTU)\n",
               netdev_mtu(nic));
    if (parse_config(&config) < 0)
        return -HESTIA_EINVAL;
    if ((r = hestia_lwip_start()) < 0)
        return r;
    if (!(net_owner = thread_create("net", net_thread, NULL)))
        return -HESTIA_ENOMEM;
    started = true;
    net_call(start_in_net_thread, NULL);
    return start_result;
}

/* ---- the scenarios ---- */

static uint32_t address_now;
static void read_address(void *arg)
{
    (void)arg;
    address_now = hestia_netif_address();
}

static uint32_t wait_address(uint64_t timeout)
{
    uint64_t deadline = time_now_ns() + timeout;
    do {
        net_call(read_address, NULL);
        if (address_now)
            return address_now;
        thread_sleep_ns(100 * MS);
    } while (time_now_ns() < deadline);
    return 0;
}

static struct net_xfer tx, rx;
static uint32_t xfer_peer, xfer_bytes;
static uint16_t xfer_port;
static void start_send(void *arg)
{
    (void)arg;
    netxfer_send(&tx, xfer_peer, xfer_port, xfer_bytes);
}
static void start_sink(void *arg)
{
    (void)arg;
    netxfer_sink(&rx, LINK_PORT, xfer_bytes);
}

#define IP4(a) (a) >> 24, ((a) >> 16) & 0xff, ((a) >> 8) & 0xff, (a)&0xff

static void report_xfer(const char *name, const char *bench, struct net_xfer *x,
                        const char *what)
{
    uint64_t milli = netxfer_rate_milli(x);
    test_report(name, x->failed ? TR_FAIL : TR_PASS,
                "%s %u of %u bytes, crc32 %08x, %llu ms, %llu.%03llu MiB/s%s%s", what,
                x->count, x->total, x->crc,
                (unsigned long long)((x->end_ns - x->start_ns) / MS),
                (unsigned long long)(milli / 1000), (unsigned long long)(milli % 1000),
                x->failed ? ": " : "", x->failed ? x->why : "");
    if (!x->failed)
        printk("BENCH %s %llu.%03llu MiB/s\n", bench, (unsigned long long)(milli / 1000),
               (unsigned long long)(milli % 1000));
}

/* A transfer still running is reported failed (its peer may be gone). */
static void give_up_if_unfinished(struct net_xfer *x)
{
    if (x->done)
        return;
    ksnprintf(x->why, sizeof x->why, "not finished in 120 s");
    x->failed = true;
    x->end_ns = time_now_ns();
    if (!x->start_ns)
        x->start_ns = x->end_ns;
}

static bool cmdline_u32(const char *key, uint32_t *out, bool ip)
{
    struct ktok v;
    uint64_t n;
    if (!kcmdline_get(port_cmdline, key, &v))
        return false;
    if (ip)
        return parse_ip(&v, out) == 0;
    if (kparse_u64(v.s, v.len, &n) || n > UINT32_MAX)
        return false;
    *out = (uint32_t)n;
    return true;
}

void dom0_net_scenario(bool link)
{
    const char *pfx = link ? "link" : "net";
    char name[32];
    long r = dom0_net_start();
    uint32_t addr = r < 0 ? 0 : wait_address(30 * SEC);
    ksnprintf(name, sizeof name, "%s.address", pfx);
    test_report(name, addr ? TR_PASS : TR_FAIL, "%u.%u.%u.%u%s%s", IP4(addr),
                r < 0 ? ": " : "", r < 0 ? kstrerror(r) : "");
    if (!addr) {
        test_done();
    }
    uint32_t port = 0;
    xfer_bytes = 16u << 20;
    cmdline_u32("xfer_bytes", &xfer_bytes, false);
    if (!cmdline_u32("xfer_peer", &xfer_peer, true) ||
        !cmdline_u32("xfer_port", &port, false) || !port || port > 65535) {
        ksnprintf(name, sizeof name, "%s.config", pfx);
        test_report(name, TR_FAIL,
                    "want xfer_peer=A.B.C.D xfer_port=N on the command line");
        test_done();
    }
    xfer_port = (uint16_t)port;
    if (link)
        net_call(start_sink, NULL);
    net_call(start_send, NULL);
    /*
     * Generous for 16 MiB on the slowest arch, short enough that a machine
     * whose peer died ends before the scenario's timeout (an idle guest's
     * clock runs ahead under -icount sleep=off).
     */
    wait_flag(&tx.done, 120 * SEC);
    ksnprintf(name, sizeof name, "%s.send", pfx);
    give_up_if_unfinished(&tx);
    report_xfer(name, link ? "link.tx" : "net.tx-host", &tx, "sent");
    if (link) {
        wait_flag(&rx.done, 120 * SEC);
        give_up_if_unfinished(&rx);
        report_xfer("link.recv", "link.rx", &rx, "received, pattern checked,");
        /*
         * Linger before powering off: the peer may still wait for our last
         * ACKs (delayed up to 250 ms) or a retransmission's answer.
         */
        thread_sleep_ns(3 * SEC);
        test_done();
    }
    /* net: the host drives the toolstack over TCP and ends the run with `poweroff`. */
    /*
     * No guest-time limit: an idle guest's clock runs ahead under -icount
     * sleep=off, so the scenario's (host) timeout is the limit.
     */
    printk("dom0: net scenario: waiting for the host's poweroff\n");
    for (;;)
        thread_sleep_ns(60 * SEC);
}
