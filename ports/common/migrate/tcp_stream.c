/* SPDX-License-Identifier: MIT */
/* Blocking TCP streams for the net thread (port/tcpstream.h). */
#include <hestia_lwip.h>
#include <port/kernel.h>
#include <port/tcpstream.h>

#include "lwip/tcp.h"
#include "lwip/timeouts.h"

#define MS 1000000ull
#define RETRY_NS (200 * MS)
#define ATTEMPT_NS (3000 * MS)

void *memcpy(void *dst, const void *src, size_t n);

static void fail(struct tcpst *s, const char *why)
{
    if (!s->failed) {
        s->failed = true;
        ksnprintf(s->why, sizeof s->why, "%s", why);
    }
}

/* One turn of the network: frames in, lwIP's timers, then a short wait if idle. */
static void poll_net(uint64_t deadline)
{
    unsigned n = hestia_netif_poll();
    hestia_lwip_poll();
    if (!n) {
        uint64_t now = time_now_ns();
        uint64_t until = now + MS;
        hestia_netif_wait(deadline && deadline < until ? deadline : until);
    }
}

static void forget_pcb(struct tcpst *s)
{
    struct tcp_pcb *pcb = s->pcb;
    if (!pcb)
        return;
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    s->pcb = NULL;
}

static void on_err(void *arg, err_t err)
{
    struct tcpst *s = arg;
    s->pcb = NULL; /* lwIP freed it */
    s->connected = false;
    fail(s, err == ERR_RST    ? "the connection was reset by the peer"
            : err == ERR_ABRT ? "the connection was aborted (retransmissions unanswered)"
                              : "the connection failed");
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct tcpst *s = arg;
    (void)pcb;
    if (!p || err != ERR_OK) {
        if (p)
            pbuf_free(p);
        s->peer_closed = true;
        return ERR_OK;
    }
    if (s->rx)
        pbuf_cat(s->rx, p);
    else
        s->rx = p;
    return ERR_OK; /* acknowledged (tcp_recved) as the reader consumes it */
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct tcpst *s = arg;
    (void)pcb;
    if (err == ERR_OK)
        s->connected = true;
    return ERR_OK;
}

static void attach(struct tcpst *s, struct tcp_pcb *pcb)
{
    s->pcb = pcb;
    tcp_arg(pcb, s);
    tcp_recv(pcb, on_recv);
    tcp_err(pcb, on_err);
    tcp_nagle_disable(pcb);
}

static void reset_state(struct tcpst *s)
{
    s->pcb = s->listener = s->rx = NULL;
    s->rx_off = 0;
    s->connected = s->peer_closed = s->failed = false;
    s->sent = s->received = 0;
    s->why[0] = '\0';
    if (!s->timeout_ns)
        s->timeout_ns = 10000 * MS;
}

long tcpst_connect(struct tcpst *s, uint32_t ip, uint16_t port, uint64_t timeout_ns)
{
    reset_state(s);
    uint64_t deadline = time_now_ns() + timeout_ns;
    ip_addr_t peer;
    ip_addr_set_ip4_u32(&peer, lwip_htonl(ip));
    while (!s->connected) {
        s->failed = false;
        struct tcp_pcb *pcb = tcp_new();
        if (!pcb) {
            fail(s, "no memory for a socket");
            return -HESTIA_ENOMEM;
        }
        attach(s, pcb);
        if (tcp_connect(pcb, &peer, port, on_connected) != ERR_OK) {
            forget_pcb(s);
            tcp_abort(pcb);
            fail(s, "tcp_connect refused");
            return -HESTIA_EIO;
        }
        uint64_t retry = time_now_ns() + RETRY_NS;
        /*
         * A fresh attempt every few seconds rather than lwIP's SYN backoff:
         * a first SYN lost while the peer's link came up would otherwise
         * cost the whole deadline (seen under load in a full row).
         */
        uint64_t attempt_end = MIN(deadline, time_now_ns() + ATTEMPT_NS);
        while (!s->connected && s->pcb && time_now_ns() < attempt_end)
            poll_net(attempt_end);
        if (s->connected)
            break;
        if (s->pcb) { /* still trying at the deadline */
            struct tcp_pcb *p = s->pcb;
            forget_pcb(s);
            tcp_abort(p);
        }
        if (time_now_ns() >= deadline) {
            s->failed = false;
            fail(s, "the destination did not accept the connection in time");
            return -HESTIA_EAGAIN;
        }
        /* Refused (nobody listens yet): try again shortly. */
        while (time_now_ns() < retry)
            poll_net(retry);
    }
    s->failed = false;
    s->why[0] = '\0';
    return 0;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct tcpst *s = arg;
    if (err != ERR_OK || !pcb || s->pcb)
        return ERR_VAL; /* one peer only */
    attach(s, pcb);
    s->connected = true;
    return ERR_OK;
}

long tcpst_accept(struct tcpst *s, uint16_t port, uint64_t timeout_ns)
{
    reset_state(s);
    struct tcp_pcb *l = tcp_new();
    if (!l) {
        fail(s, "no memory for a listening connection");
        return -HESTIA_ENOMEM;
    }
    /*
     * The last attempt's connection may still hold this port (closing:
     * FIN-WAIT, LAST-ACK, TIME-WAIT for 2 MSL when this side closed first,
     * as after a NAK). It matches only its own peer's address and port, so
     * a listener beside it is safe: SOF_REUSEADDR (lwipopts.h SO_REUSE),
     * which the accepted connections inherit. A bind still refused (a
     * closing connection from before the option) is retried for a while.
     */
    ip_set_option(l, SOF_REUSEADDR);
    uint64_t bind_end = time_now_ns() + MIN(timeout_ns, 2000 * MS);
    err_t e;
    while ((e = tcp_bind(l, IP4_ADDR_ANY, port)) == ERR_USE && time_now_ns() < bind_end)
        poll_net(bind_end);
    if (e != ERR_OK) {
        tcp_close(l);
        fail(s,
             e == ERR_USE ? "cannot listen: the port is in use" : "cannot bind the port");
        return -HESTIA_EBUSY;
    }
    s->listener = tcp_listen(l);
    if (!s->listener) {
        fail(s, "tcp_listen failed");
        return -HESTIA_ENOMEM;
    }
    tcp_arg(s->listener, s);
    tcp_accept(s->listener, on_accept);
    uint64_t deadline = time_now_ns() + timeout_ns;
    while (!s->connected && time_now_ns() < deadline)
        poll_net(deadline);
    tcp_close(s->listener); /* one connection per receive */
    s->listener = NULL;
    if (!s->connected) {
        fail(s, "no sender connected in time");
        return -HESTIA_EAGAIN;
    }
    return 0;
}

static int broken(struct tcpst *s)
{
    if (s->failed || !s->pcb) {
        fail(s, "the connection is gone");
        return -HESTIA_EIO;
    }
    return 0;
}

int tcpst_write(void *ctx, const void *buf, size_t len)
{
    struct tcpst *s = ctx;
    const uint8_t *p = buf;
    uint64_t deadline = time_now_ns() + s->timeout_ns;
    while (len) {
        int b = broken(s);
        if (b)
            return b;
        struct tcp_pcb *pcb = s->pcb;
        size_t n = MIN(len, (size_t)tcp_sndbuf(pcb));
        n = MIN(n, (size_t)0xffff);
        if (n && tcp_sndqueuelen(pcb) < TCP_SND_QUEUELEN - 2 &&
            tcp_write(pcb, p, (u16_t)n, TCP_WRITE_FLAG_COPY) == ERR_OK) {
            p += n, len -= n;
            s->sent += n;
            deadline = time_now_ns() + s->timeout_ns;
            continue;
        }
        tcp_output(pcb);
        if (time_now_ns() >= deadline) {
            fail(s, "the peer stopped taking data");
            return -HESTIA_EAGAIN;
        }
        poll_net(deadline);
    }
    return 0;
}

long tcpst_flush(struct tcpst *s)
{
    uint64_t deadline = time_now_ns() + s->timeout_ns;
    for (;;) {
        int b = broken(s);
        if (b)
            return b;
        struct tcp_pcb *pcb = s->pcb;
        tcp_output(pcb);
        if (!pcb->unsent && !pcb->unacked)
            return 0;
        if (time_now_ns() >= deadline) {
            fail(s, "the peer did not acknowledge the data in time");
            return -HESTIA_EAGAIN;
        }
        poll_net(deadline);
    }
}

int tcpst_read(void *ctx, void *buf, size_t len)
{
    struct tcpst *s = ctx;
    uint8_t *out = buf;
    uint64_t deadline = time_now_ns() + s->timeout_ns;
    size_t consumed = 0;
    while (len) {
        struct pbuf *p = s->rx;
        if (p) {
            size_t n = MIN(len, (size_t)(p->len - s->rx_off));
            memcpy(out, (uint8_t *)p->payload + s->rx_off, n);
            out += n, len -= n, consumed += n;
            s->rx_off = (uint16_t)(s->rx_off + n);
            s->received += n;
            if (s->rx_off == p->len) {
                s->rx = p->next;
                if (p->next)
                    pbuf_ref(p->next);
                pbuf_free(p);
                s->rx_off = 0;
            }
            deadline = time_now_ns() + s->timeout_ns;
            continue;
        }
        if (s->pcb && consumed) {
            tcp_recved(s->pcb, (u16_t)MIN(consumed, (size_t)0xffff));
            consumed -= MIN(consumed, (size_t)0xffff);
        }
        if (s->peer_closed) {
            fail(s, "the peer closed the connection");
            return -HESTIA_EIO;
        }
        int b = broken(s);
        if (b)
            return b;
        if (time_now_ns() >= deadline) {
            fail(s, "nothing received in time");
            return -HESTIA_EAGAIN;
        }
        poll_net(deadline);
    }
    while (s->pcb && consumed) {
        u16_t n = (u16_t)MIN(consumed, (size_t)0xffff);
        tcp_recved(s->pcb, n);
        consumed -= n;
    }
    return 0;
}

long tcpst_read_line(struct tcpst *s, char *line, size_t size)
{
    size_t n = 0;
    for (;;) {
        char c;
        int r = tcpst_read(s, &c, 1);
        if (r)
            return r;
        if (c == '\n')
            break;
        if (n + 1 >= size) {
            fail(s, "the peer's answer line is too long");
            return -HESTIA_EINVAL;
        }
        line[n++] = c;
    }
    line[n] = '\0';
    return (long)n;
}

static void drop_rx(struct tcpst *s)
{
    if (s->rx)
        pbuf_free(s->rx);
    s->rx = NULL;
    s->rx_off = 0;
}

/* Drop what is buffered, stop listening, and hand back the connection (or NULL). */
static struct tcp_pcb *release(struct tcpst *s)
{
    drop_rx(s);
    struct tcp_pcb *pcb = s->pcb;
    if (s->listener) {
        tcp_close(s->listener);
        s->listener = NULL;
    }
    if (pcb)
        forget_pcb(s);
    return pcb;
}

void tcpst_close(struct tcpst *s)
{
    struct tcp_pcb *pcb = release(s);
    if (pcb && tcp_close(pcb) != ERR_OK)
        tcp_abort(pcb);
}

void tcpst_abort(struct tcpst *s)
{
    struct tcp_pcb *pcb = release(s);
    if (pcb)
        tcp_abort(pcb);
}
