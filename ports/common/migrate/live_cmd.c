/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's `migrate <dom> <A.B.C.D>[:port]` and `receive [port=N]
 * [check]` (docs/migration.md): every argument checked and refused in
 * words; the work runs in the net thread (dom0_net_run).
 */
#include <port/dom0net.h>
#include <port/kernel.h>
#include <port/livemig.h>

#include "lwip/ip4_addr.h"

#define SEC 1000000000ull

static struct {
    hestia_domid_t dom;
    uint32_t ip;
    uint16_t port;
    bool check;
    long r;
    const char *why;
    struct mig_send_stats st;
    struct mig_recv_stats rst;
} cmd;

static void do_send(void *arg)
{
    (void)arg;
    cmd.r = migrate_send(cmd.dom, cmd.ip, cmd.port, false, &cmd.st, &cmd.why);
}

static void do_recv(void *arg)
{
    (void)arg;
    if (cmd.check)
        cmd.r =
            migrate_receive(cmd.port, 120 * SEC, true, MIG_FAULT_NONE, &cmd.rst, &cmd.why);
    else
        cmd.r = migrate_receive_restore(cmd.port, 120 * SEC, false, MIG_FAULT_NONE,
                                        &cmd.rst, &cmd.dom, &cmd.why);
}

/* "A.B.C.D" or "A.B.C.D:port" into cmd.ip / cmd.port. */
static bool parse_host(const struct ktok *t)
{
    char s[24];
    ip4_addr_t a;
    size_t host_len = t->len;
    uint64_t port = MIG_PORT;
    for (size_t i = 0; i < t->len; i++)
        if (t->s[i] == ':') {
            host_len = i;
            if (kparse_u64(t->s + i + 1, t->len - i - 1, &port) || !port || port > 65535)
                return false;
        }
    if (host_len >= sizeof(s))
        return false;
    ksnprintf(s, sizeof(s), "%.*s", (int)host_len, t->s);
    if (!ip4addr_aton(s, &a))
        return false;
    cmd.ip = lwip_ntohl(ip4_addr_get_u32(&a));
    cmd.port = (uint16_t)port;
    return true;
}

long ts_cmd_migration(const struct ktok *tok, unsigned n)
{
    bool send = ktok_eq(&tok[0], "migrate");
    uint64_t v;
    if (send) {
        if (n != 3 || kparse_u64(tok[1].s, tok[1].len, &v) || v >= DOMID_SELF ||
            !parse_host(&tok[2])) {
            printk("migrate: want migrate <dom> <A.B.C.D>[:port] (port %u by default)\n",
                   MIG_PORT);
            return -HESTIA_EINVAL;
        }
        cmd.dom = (hestia_domid_t)v;
    } else {
        cmd.port = MIG_PORT;
        cmd.check = false;
        for (unsigned i = 1; i < n; i++) {
            struct ktok val;
            if (ktok_eq(&tok[i], "check")) {
                cmd.check = true;
            } else if (ktok_key(&tok[i], "port", &val) && !kparse_u64(val.s, val.len, &v) &&
                       v && v <= 65535) {
                cmd.port = (uint16_t)v;
            } else {
                printk("receive: want receive [port=N] [check]\n");
                return -HESTIA_EINVAL;
            }
        }
    }
    long r = dom0_net_start();
    if (r < 0) {
        printk("%s: no network: %s\n", send ? "migrate" : "receive", kstrerror(r));
        return r;
    }
    dom0_net_run(send ? do_send : do_recv, NULL);
    if (send) {
        const struct mig_send_stats *st = &cmd.st;
        printk(
            "migrate: dom%u: %s; %u pre-copy rounds (first %llu pages), final %llu pages "
            "(%llu bytes), %llu bytes in %llu ms, paused %llu ms\n",
            cmd.dom, cmd.why, st->rounds, (unsigned long long)st->round_pages[0],
            (unsigned long long)st->final_pages, (unsigned long long)st->final_bytes,
            (unsigned long long)st->bytes, (unsigned long long)(st->total_ns / 1000000),
            (unsigned long long)(st->pause_ns / 1000000));
        if (cmd.r < 0)
            printk("migrate: dom%u keeps running here\n", cmd.dom);
    } else {
        if (!cmd.check && cmd.r == 0)
            printk("receive: dom%u\n", cmd.dom);
        printk("receive: %s; %llu records, %llu pages, %llu bytes, image crc32 %08x\n",
               cmd.why, (unsigned long long)cmd.rst.records,
               (unsigned long long)cmd.rst.nr_pages, (unsigned long long)cmd.rst.bytes,
               cmd.rst.image_crc);
    }
    return cmd.r;
}
