/* SPDX-License-Identifier: MIT */
/*
 * dom0's network devices: Ethernet frames in and out of the index-th NIC
 * (virtio-net over PCI or MMIO: ports/common/virtio/net.c, docs/virtio.md).
 * Every call returns 0 (or a length) or a negative HESTIA_E* code.
 */
#ifndef PORT_NETDEV_H
#define PORT_NETDEV_H

#include <stddef.h>
#include <stdint.h>

struct netdev; /* opaque */
long netdev_open(unsigned index,
                 struct netdev **out); /* index-th NIC; -HESTIA_ENODEV if none */
void netdev_mac(struct netdev *n, uint8_t mac[6]);
/* The link's MTU: 1500, or what the device offers (VIRTIO_NET_F_MTU) up to 9000. */
unsigned netdev_mtu(struct netdev *n);
long netdev_send(struct netdev *n, const void *frame,
                 size_t len); /* copies; 0 or -err; may block briefly for a free slot */
long netdev_recv(struct netdev *n, void *buf,
                 size_t cap); /* one frame: its length, 0 if none pending, -err */
/* Wait until a frame may be pending or deadline_ns (guest time) passes. */
void netdev_wait(struct netdev *n, uint64_t deadline_ns);

/* Diagnostics for tests: "interrupts (pirq 11)" or "polling (why)", and interrupts taken.
 */
const char *netdev_irq_mode(struct netdev *n);
unsigned long netdev_interrupts(struct netdev *n);

#endif
