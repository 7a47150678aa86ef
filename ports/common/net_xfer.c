/* SPDX-License-Identifier: MIT */
/* Bulk TCP transfers for the net and link scenarios (see netxfer.h). */
#include <string.h>

#include <port/kernel.h>
#include <port/migstream.h>
#include <port/netxfer.h>

#include "lwip/tcp.h"
#include "lwip/timeouts.h"

#define RETRY_MS 500u
#define RETRIES 60u

uint32_t netxfer_crc32(uint32_t crc, const uint8_t *p, uint32_t n)
{
    return mig_crc32(crc, p, n); /* the one CRC-32 (ports/common/migrate/crc32.c) */
}

uint64_t netxfer_rate_milli(const struct net_xfer *x)
{
    uint64_t ns = x->end_ns > x->start_ns ? x->end_ns - x->start_ns : 1;
    /* bytes/ns * 1e9 / 2^20 * 1000 */
    return (uint64_t)x->count * 1000000000ull / ns * 1000ull / (1024ull * 1024ull);
}

static void finish(struct net_xfer *x, const char *why)
{
    if (why && !x->failed) {
        x->failed = true;
        size_t n = MIN(kstrlen(why), sizeof x->why - 1);
        memcpy(x->why, why, n);
        x->why[n] = '\0';
    }
    if (!x->end_ns)
        x->end_ns = time_now_ns();
    if (x->listener) {
        tcp_close(x->listener);
        x->listener = NULL;
    }
    set_flag(&x->done);
}

/* ---- sender ---- */

static void send_more(struct net_xfer *x)
{
    struct tcp_pcb *pcb = x->pcb;
    uint8_t chunk[1024];
    while (pcb && x->count < x->total) {
        uint32_t n = MIN(x->total - x->count, (uint32_t)sizeof chunk);
        n = MIN(n, (uint32_t)tcp_sndbuf(pcb));
        if (!n || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 1)
            break;
        for (uint32_t i = 0; i < n; i++)
            chunk[i] = netxfer_pattern(x->count + i);
        if (tcp_write(pcb, chunk, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
        x->crc = netxfer_crc32(x->crc, chunk, n);
        x->count += n;
    }
    if (pcb)
        tcp_output(pcb);
}

static err_t sender_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct net_xfer *x = arg;
    x->acked += len;
    if (x->acked >= x->total) {
        tcp_arg(pcb, NULL);
        tcp_sent(pcb, NULL);
        tcp_err(pcb, NULL);
        x->pcb = NULL;
        finish(x, NULL);
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
            return ERR_ABRT;
        }
        return ERR_OK;
    }
    send_more(x);
    return ERR_OK;
}

static err_t sender_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct net_xfer *x = arg;
    (void)pcb;
    if (err != ERR_OK)
        return ERR_OK;
    x->start_ns = time_now_ns();
    send_more(x);
    return ERR_OK;
}

static void connect_now(void *arg);

static void sender_err(void *arg, err_t err)
{
    struct net_xfer *x = arg;
    x->pcb = NULL;
    if (!x->start_ns && x->retries++ < RETRIES) {
        sys_timeout(RETRY_MS, connect_now, x); /* refused: the peer is not listening yet */
        return;
    }
    /* ERR_ABRT: lwIP gave up (retransmissions unanswered); ERR_RST: the peer's reset */
    finish(x, !x->start_ns      ? "the peer never accepted"
              : err == ERR_RST  ? "the connection was reset by the peer"
              : err == ERR_ABRT ? "the connection was aborted (retransmissions unanswered)"
                                : "the connection was reset");
}

static void connect_now(void *arg)
{
    struct net_xfer *x = arg;
    struct tcp_pcb *pcb = tcp_new();
    ip_addr_t peer;
    ip_addr_set_ip4_u32(&peer, lwip_htonl(x->peer));
    if (!pcb) {
        finish(x, "no memory for a socket");
        return;
    }
    x->pcb = pcb;
    tcp_arg(pcb, x);
    tcp_sent(pcb, sender_sent);
    tcp_err(pcb, sender_err);
    if (tcp_connect(pcb, &peer, x->port, sender_connected) != ERR_OK) {
        tcp_abort(pcb);
        x->pcb = NULL;
        finish(x, "tcp_connect refused");
    }
}

void netxfer_send(struct net_xfer *x, uint32_t peer, uint16_t port, uint32_t total)
{
    memset(x, 0, sizeof *x);
    x->peer = peer;
    x->port = port;
    x->total = total;
    connect_now(x);
}

/* ---- sink ---- */

static err_t sink_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct net_xfer *x = arg;
    if (!p || err != ERR_OK) {
        if (p)
            pbuf_free(p);
        tcp_arg(pcb, NULL);
        tcp_recv(pcb, NULL);
        tcp_err(pcb, NULL);
        x->pcb = NULL;
        finish(x, x->count != x->total ? "the sender closed early or sent too much"
                  : x->mismatched      ? "bytes arrived corrupted or out of order"
                                       : NULL);
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
            return ERR_ABRT;
        }
        return ERR_OK;
    }
    for (struct pbuf *q = p; q; q = q->next) {
        const uint8_t *b = q->payload;
        for (u16_t i = 0; i < q->len; i++)
            if (b[i] != netxfer_pattern(x->count + i))
                x->mismatched++;
        x->crc = netxfer_crc32(x->crc, b, q->len);
        x->count += q->len;
    }
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    /*
     * Done when the last byte is in, not at the sender's FIN: a sender that
     * finished may power its machine off before its FIN gets through.
     */
    if (x->count >= x->total && !x->done)
        finish(x, x->count != x->total ? "the sender sent too much"
                  : x->mismatched      ? "bytes arrived corrupted or out of order"
                                       : NULL);
    return ERR_OK;
}

static void sink_err(void *arg, err_t err)
{
    (void)err;
    struct net_xfer *x = arg;
    x->pcb = NULL;
    if (!x->done) /* after the last byte a reset is the sender's machine stopping */
        finish(x, "the sender's connection was reset");
}

static err_t sink_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct net_xfer *x = arg;
    if (err != ERR_OK || !pcb || x->pcb || x->done)
        return ERR_VAL; /* one sender only */
    x->pcb = pcb;
    x->start_ns = time_now_ns();
    tcp_arg(pcb, x);
    tcp_recv(pcb, sink_recv);
    tcp_err(pcb, sink_err);
    return ERR_OK;
}

void netxfer_sink(struct net_xfer *x, uint16_t port, uint32_t total)
{
    memset(x, 0, sizeof *x);
    x->total = total;
    x->port = port;
    struct tcp_pcb *l = tcp_new();
    if (!l || tcp_bind(l, IP4_ADDR_ANY, port) != ERR_OK) {
        finish(x, "could not bind the sink's port");
        return;
    }
    x->listener = tcp_listen(l);
    if (!x->listener) {
        finish(x, "tcp_listen failed");
        return;
    }
    tcp_arg(x->listener, x);
    tcp_accept(x->listener, sink_accept);
}
