/* SPDX-License-Identifier: MIT */
/*
 * A TCP transfer through lwIP's loopback interface, both ends in this
 * domain: it runs the whole stack (TCP state machine, segmentation,
 * checksums, windows, timers, byte order) with no device, so the stack's
 * port is checked on every arch before any driver exists.
 */
#include <stdbool.h>
#include <string.h>

#include "hestia_lwip.h"
#include "lwip/ip_addr.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"

/* The byte at offset i of the stream: position dependent, so a dropped,
 * repeated or reordered segment shows as a mismatch. */
static uint8_t pattern_byte(uint32_t i)
{
    return (uint8_t)((i * 2654435761u) >> 24);
}

struct xfer_state {
    struct hestia_lwip_xfer *x;
    uint32_t total;
    struct tcp_pcb *listener, *server, *client;
    bool client_closed, server_saw_eof, failed;
};

static void fail(struct xfer_state *s, const char *why)
{
    if (!s->failed) {
        s->failed = true;
        size_t n = strlen(why);
        if (n >= sizeof s->x->why)
            n = sizeof s->x->why - 1;
        memcpy(s->x->why, why, n);
        s->x->why[n] = 0;
    }
}

static void send_more(struct xfer_state *s)
{
    uint8_t chunk[512];
    if (s->client_closed)
        return; /* the last ACKs of a closing connection still call client_sent */
    while (s->x->sent < s->total) {
        uint32_t room = tcp_sndbuf(s->client);
        uint32_t n = s->total - s->x->sent;
        if (n > sizeof chunk)
            n = sizeof chunk;
        if (n > room)
            n = room;
        if (!n || tcp_sndqueuelen(s->client) >= TCP_SND_QUEUELEN - 1)
            break;
        for (uint32_t i = 0; i < n; i++)
            chunk[i] = pattern_byte(s->x->sent + i);
        err_t e = tcp_write(s->client, chunk, (u16_t)n, TCP_WRITE_FLAG_COPY);
        if (e == ERR_MEM)
            break;
        if (e != ERR_OK) {
            fail(s, "tcp_write refused data");
            return;
        }
        s->x->sent += n;
    }
    tcp_output(s->client);
    if (s->x->sent == s->total && !s->client_closed) {
        s->client_closed = true;
        if (tcp_close(s->client) != ERR_OK)
            fail(s, "the client could not close");
        s->client = NULL;
    }
}

static err_t client_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    send_more(arg);
    return ERR_OK;
}

static err_t client_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)pcb;
    if (err != ERR_OK) {
        fail(arg, "connect to 127.0.0.1 failed");
        return ERR_OK;
    }
    send_more(arg);
    return ERR_OK;
}

static void client_error(void *arg, err_t err)
{
    (void)err;
    struct xfer_state *s = arg;
    s->client = NULL; /* lwIP freed the pcb */
    if (!s->client_closed)
        fail(s, "the client connection was reset");
}

static err_t server_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct xfer_state *s = arg;
    if (!p || err != ERR_OK) {
        s->server_saw_eof = true;
        tcp_close(pcb);
        s->server = NULL;
        return ERR_OK;
    }
    for (struct pbuf *q = p; q; q = q->next) {
        const uint8_t *b = q->payload;
        for (u16_t i = 0; i < q->len; i++)
            if (b[i] != pattern_byte(s->x->received + i))
                s->x->mismatched++;
        s->x->received += q->len;
    }
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t server_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct xfer_state *s = arg;
    if (err != ERR_OK || !pcb || s->server) {
        fail(s, "accept failed or a second connection arrived");
        return ERR_VAL;
    }
    s->server = pcb;
    tcp_arg(pcb, s);
    tcp_recv(pcb, server_recv);
    return ERR_OK;
}

static int setup(struct xfer_state *s, uint16_t port)
{
    struct tcp_pcb *l = tcp_new();
    if (!l || tcp_bind(l, IP4_ADDR_ANY, port) != ERR_OK) {
        fail(s, "could not bind the listening socket");
        return -1;
    }
    s->listener = tcp_listen(l);
    if (!s->listener) {
        fail(s, "tcp_listen failed");
        return -1;
    }
    tcp_arg(s->listener, s);
    tcp_accept(s->listener, server_accept);
    s->client = tcp_new();
    if (!s->client) {
        fail(s, "no memory for the client socket");
        return -1;
    }
    tcp_arg(s->client, s);
    tcp_sent(s->client, client_sent);
    tcp_err(s->client, client_error);
    ip_addr_t lo;
    IP_ADDR4(&lo, 127, 0, 0, 1);
    if (tcp_connect(s->client, &lo, port, client_connected) != ERR_OK) {
        fail(s, "tcp_connect refused");
        return -1;
    }
    return 0;
}

int hestia_lwip_loopback_transfer(uint16_t port, uint32_t bytes, uint32_t timeout_ms,
                                  struct hestia_lwip_xfer *x)
{
    memset(x, 0, sizeof *x);
    struct xfer_state s = {.x = x, .total = bytes};
    uint32_t start = sys_now();
    if (setup(&s, port) == 0) {
        while (!s.failed && !s.server_saw_eof) {
            hestia_lwip_poll();
            if (sys_now() - start > timeout_ms)
                fail(&s, "timed out");
        }
    }
    x->elapsed_ms = sys_now() - start;
    if (s.client)
        tcp_abort(s.client);
    if (s.server)
        tcp_abort(s.server);
    if (s.listener)
        tcp_close(s.listener);
    if (!s.failed && x->received != bytes)
        fail(&s, "the server got a different number of bytes than were sent");
    if (!s.failed && x->mismatched)
        fail(&s, "bytes arrived corrupted or out of order");
    return s.failed ? -1 : 0;
}
