/* SPDX-License-Identifier: MIT */
/*
 * Bulk TCP transfers of dom0's net and link scenarios (net_xfer.c): a
 * known stream (byte i is netxfer_pattern(i), position dependent, so a
 * lost, repeated or reordered segment shows) sent to or received from a
 * peer, with its CRC-32 (zlib's) and the guest time it took.  Run in the
 * thread that owns lwIP (dom0_net.c); `done` is read by others.
 */
#ifndef PORT_NETXFER_H
#define PORT_NETXFER_H

#include <stdbool.h>
#include <stdint.h>

static inline uint8_t netxfer_pattern(uint32_t i)
{
    return (uint8_t)((i * 2654435761u) >> 24);
}

struct net_xfer {
    volatile int done;
    bool failed;
    char why[96];
    uint32_t total;             /* bytes to send / expected */
    uint32_t count, mismatched; /* bytes written (sender) or received (sink) */
    uint32_t acked;
    uint32_t crc;              /* CRC-32 of the bytes so far (finished: of all) */
    uint64_t start_ns, end_ns; /* connection up .. last byte acknowledged / received */
    uint32_t peer;             /* IPv4, host order (sender) */
    uint16_t port;
    unsigned retries;
    void *pcb, *listener;
};

/* Connect to peer:port (retrying for 30 s while refused) and send total bytes. */
void netxfer_send(struct net_xfer *x, uint32_t peer, uint16_t port, uint32_t total);
/* Accept one connection on port and check total bytes of the pattern until it closes. */
void netxfer_sink(struct net_xfer *x, uint16_t port, uint32_t total);
uint32_t netxfer_crc32(uint32_t crc, const uint8_t *p, uint32_t n);
/* MiB/s in thousandths, from the transfer's guest time. */
uint64_t netxfer_rate_milli(const struct net_xfer *x);

#endif
