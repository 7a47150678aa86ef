/* SPDX-License-Identifier: MIT */
/*
 * A blocking TCP byte stream over lwIP's raw API for code that runs in the
 * thread owning lwIP (dom0_net.c's net thread, reached with dom0_net_run):
 * a call that must wait polls the NIC and lwIP itself until it can go on,
 * so the migration stream's synchronous writer and reader (migstream.h)
 * work over TCP unchanged.  Every wait has a deadline; every failure is a
 * negative HESTIA_E* with `why` in words.
 */
#ifndef PORT_TCPSTREAM_H
#define PORT_TCPSTREAM_H

#include <port/migstream.h>
#include <stdbool.h>
#include <stdint.h>

struct tcpst {
    void *pcb, *listener;
    void *rx;        /* struct pbuf chain received and not yet read */
    uint16_t rx_off; /* bytes of rx's first pbuf already read */
    bool connected, peer_closed, failed;
    uint64_t timeout_ns; /* per read / write / flush without progress */
    uint64_t sent, received;
    char why[96];
};

/* Connect to ip (host order):port, retrying while refused, for up to timeout_ns. */
long tcpst_connect(struct tcpst *s, uint32_t ip, uint16_t port, uint64_t timeout_ns);
/* Listen on port and accept one connection within timeout_ns. */
long tcpst_accept(struct tcpst *s, uint16_t port, uint64_t timeout_ns);
/* All of buf, or an error (the peer went away, no progress for s->timeout_ns). */
int tcpst_write(void *s, const void *buf, size_t len);
int tcpst_read(void *s, void *buf, size_t len);
/* Wait until the peer has acknowledged everything written. */
long tcpst_flush(struct tcpst *s);
/* A line ending in '\n' (without it, NUL terminated), at most size - 1 bytes. */
long tcpst_read_line(struct tcpst *s, char *line, size_t size);
/* Close gracefully, or cut the connection at once with a reset (abort). */
void tcpst_close(struct tcpst *s);
void tcpst_abort(struct tcpst *s);

static inline struct mig_sink tcpst_sink(struct tcpst *s)
{
    return (struct mig_sink){.write = tcpst_write, .ctx = s};
}
static inline struct mig_source tcpst_source(struct tcpst *s)
{
    return (struct mig_source){.read = tcpst_read, .ctx = s};
}

#endif
