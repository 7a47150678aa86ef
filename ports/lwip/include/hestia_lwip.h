/* SPDX-License-Identifier: MIT */
/*
 * Hestia's side of lwIP: starting the stack and the loopback transfer the
 * self-tests run.  The glue (sys_now, random numbers, diagnostics, the
 * heap) is ports/lwip/glue.c in the guest and tests/lwip/host_glue.c on
 * the host; loopback.c is shared by both.
 */
#ifndef HESTIA_LWIP_H
#define HESTIA_LWIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Allocate lwIP's heap and initialise the stack once (later calls do
 * nothing).  Returns 0, or a negative error (no memory for the heap).
 */
int hestia_lwip_start(void);

/* Run lwIP's timers and deliver looped-back packets; call from the event loop. */
void hestia_lwip_poll(void);

/* What a transfer did; why says what went wrong when it failed. */
struct hestia_lwip_xfer {
    uint32_t sent, received, mismatched;
    uint32_t elapsed_ms;
    char why[96];
};

/*
 * Send bytes of a known pattern from a TCP client to a TCP server on
 * 127.0.0.1:port through the loopback interface, checking every received
 * byte.  Gives up after timeout_ms of lwIP time (sys_now).  Returns 0 if
 * every byte arrived intact and both ends closed cleanly, else -1 with
 * x->why filled.
 */
int hestia_lwip_loopback_transfer(uint16_t port, uint32_t bytes, uint32_t timeout_ms,
                                  struct hestia_lwip_xfer *x);

/* ---- the network interface over a NIC (netif.c, guest only) ---- */
struct netdev;
/* Addresses in host byte order; dhcp: ask for them instead. */
struct hestia_netif_config {
    bool dhcp;
    uint32_t addr, mask, gw;
};
/* Add the NIC as lwIP's default interface and bring it up: 0 or -1. */
int hestia_netif_start(struct netdev *dev, const struct hestia_netif_config *cfg);
/* The interface's IPv4 address (host order), 0 until DHCP has one. */
uint32_t hestia_netif_address(void);
/* Hand received frames to lwIP (a bounded burst): how many. */
unsigned hestia_netif_poll(void);
/* Until a frame may be pending or deadline_ns (guest time). */
void hestia_netif_wait(uint64_t deadline_ns);

#endif
