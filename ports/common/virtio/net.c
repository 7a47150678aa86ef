/* SPDX-License-Identifier: MIT */
/*
 * virtio-net (virtio 1.2, 5.1): Ethernet frames through queue 0 (receive)
 * and queue 1 (transmit), the port/netdev.h interface lwIP's netif uses.
 * Every buffer starts with the 12-byte virtio_net_hdr of VIRTIO_F_VERSION_1
 * (no offloads are negotiated, so it is all zeros on transmit).  Receive
 * buffers (2 KiB, never crossing a page) stay posted: each one taken by
 * netdev_recv is copied out and posted again at once.  Transmit copies
 * the frame into one of NET_TX_SLOTS 2 KiB slots, freed when the device
 * has used it.
 *
 * Jumbo frames: when the device offers VIRTIO_NET_F_MTU with an MTU above
 * 1500 (QEMU's host_mtu=, which the migrate scenarios set on their
 * machine-to-machine link), buffers and slots are three pages each (one
 * frame of up to NET_MTU_MAX + 14 bytes, a descriptor chain per page) and
 * netdev_mtu() tells lwIP, whose TCP then carries ~6x more per frame.  On a
 * link between two TCG emulators the cost is per frame (a kick, an
 * interrupt, a wake-up of each emulator), not per byte (docs/migration.md,
 * "The link").  Without the feature nothing changes: 1500, 2 KiB buffers.
 */
#include <port/netdev.h>

#include "virtio.h"

#define VIRTIO_NET_F_MTU (1ull << 3)
#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_STATUS (1ull << 16)
#define NET_HDR 12u
#define NET_BUF 2048u /* header + the largest frame we take (2036 bytes) */
#define NET_RX_BUFS 64u
#define NET_TX_SLOTS 64u
#define NET_MTU 1500u
#define NET_MTU_MAX 9000u                     /* the largest MTU taken from a device */
#define NET_JUMBO_BUF (3u * HESTIA_PAGE_SIZE) /* header + NET_MTU_MAX + 14, one frame */
#define NET_JUMBO_RX_BUFS 32u                 /* chains of up to 4 descriptors */
#define NET_JUMBO_TX_SLOTS 24u
#define NET_CONFIG_MTU 10u          /* virtio_net_config.mtu (5.1.4) */
#define NET_TX_WAIT_NS 100000000ull /* "briefly": 100 ms for a free transmit slot */
#define MAX_NICS 4
#define RXQ 0
#define TXQ 1

struct netdev {
    struct virtio_dev dev;
    struct virtq rx, tx;
    uint8_t mac[6];
    uint8_t *rx_bufs, *tx_slots;
    uint8_t *tx_free[NET_TX_SLOTS];
    unsigned nr_tx_free;
    unsigned mtu, buf_size; /* buf_size: of each receive buffer and transmit slot */
};

static struct netdev nics[MAX_NICS];
static bool nic_open[MAX_NICS];

static long post_rx(struct netdev *n, uint8_t *buf)
{
    struct vbuf v = {buf, n->buf_size, true};
    return virtq_add(&n->rx, &v, 1, buf);
}

/* Buffers for count pieces of size bytes (2 KiB, two per page, or whole pages). */
static uint8_t *alloc_bufs(unsigned count, unsigned size)
{
    long g = frames_alloc(size < HESTIA_PAGE_SIZE ? count * size / HESTIA_PAGE_SIZE
                                                  : count * (size / HESTIA_PAGE_SIZE));
    return g < 0 ? NULL : gfn_to_va((uint64_t)g);
}

static long net_setup(struct netdev *n, unsigned index)
{
    long r = virtio_find(VIRTIO_ID_NET, index, &n->dev);
    if (r < 0)
        return r;
    if ((r = virtio_start(&n->dev, 0,
                          VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS | VIRTIO_NET_F_MTU)) < 0 ||
        (r = virtio_irq_setup(&n->dev)) < 0)
        return r;
    n->mtu = NET_MTU;
    if (n->dev.features & VIRTIO_NET_F_MTU) {
        unsigned m = n->dev.ops->config(&n->dev, NET_CONFIG_MTU, 2);
        n->mtu = m > NET_MTU_MAX ? NET_MTU_MAX : m < NET_MTU ? NET_MTU : m;
    }
    bool jumbo = n->mtu > NET_MTU;
    n->buf_size = jumbo ? NET_JUMBO_BUF : NET_BUF;
    unsigned nr_rx = jumbo ? NET_JUMBO_RX_BUFS : NET_RX_BUFS;
    unsigned nr_tx = jumbo ? NET_JUMBO_TX_SLOTS : NET_TX_SLOTS;
    n->rx_bufs = alloc_bufs(nr_rx, n->buf_size);
    n->tx_slots = alloc_bufs(nr_tx, n->buf_size);
    if (!n->rx_bufs || !n->tx_slots)
        return -HESTIA_ENOMEM;
    if ((r = virtq_init(&n->dev, &n->rx, RXQ)) < 0 ||
        (r = virtq_init(&n->dev, &n->tx, TXQ)) < 0) {
        printk("virtio-net %s: queues: %s\n", n->dev.where, kstrerror(r));
        return r;
    }
    if (n->dev.features & VIRTIO_NET_F_MAC) {
        for (unsigned i = 0; i < 6; i++)
            n->mac[i] = (uint8_t)n->dev.ops->config(&n->dev, i, 1);
    } else { /* locally administered, unicast, from the NIC's index */
        const uint8_t mac[6] = {0x02, 0x48, 0x45, 0x53, 0x54, (uint8_t)index};
        for (unsigned i = 0; i < 6; i++)
            n->mac[i] = mac[i];
    }
    n->nr_tx_free = 0;
    for (unsigned i = 0; i < nr_tx; i++)
        n->tx_free[n->nr_tx_free++] = n->tx_slots + i * n->buf_size;
    unsigned posted = nr_rx < n->rx.size ? nr_rx : n->rx.size;
    for (unsigned i = 0; i < posted; i++)
        if ((r = post_rx(n, n->rx_bufs + i * n->buf_size)) < 0)
            return r;
    virtio_ready(&n->dev);
    virtq_kick(&n->rx);
    return 0;
}

long netdev_open(unsigned index, struct netdev **out)
{
    if (index >= MAX_NICS)
        return -HESTIA_ENODEV;
    struct netdev *n = &nics[index];
    if (!nic_open[index]) {
        long r = net_setup(n, index);
        if (r < 0) {
            if (r != -HESTIA_ENODEV)
                virtio_fail(&n->dev);
            return r;
        }
        nic_open[index] = true;
    }
    *out = n;
    return 0;
}

unsigned netdev_mtu(struct netdev *n)
{
    return n->mtu;
}

void netdev_mac(struct netdev *n, uint8_t mac[6])
{
    for (unsigned i = 0; i < 6; i++)
        mac[i] = n->mac[i];
}

/* Take back the transmit slots the device has finished with. */
static void tx_reclaim(struct netdev *n)
{
    uint32_t len;
    for (uint8_t *slot; (slot = virtq_get(&n->tx, &len));)
        n->tx_free[n->nr_tx_free++] = slot;
}

long netdev_send(struct netdev *n, const void *frame, size_t len)
{
    if (len < 14 || len > (n->mtu > NET_MTU ? n->mtu + 14 : NET_BUF - NET_HDR))
        return -HESTIA_EINVAL;
    tx_reclaim(n);
    if (!n->nr_tx_free) {
        virtq_wait(&n->tx, time_now_ns() + NET_TX_WAIT_NS);
        tx_reclaim(n);
        if (!n->nr_tx_free)
            return -HESTIA_EAGAIN;
    }
    uint8_t *slot = n->tx_free[--n->nr_tx_free];
    __builtin_memset(slot, 0, NET_HDR);
    __builtin_memcpy(slot + NET_HDR, frame, len);
    struct vbuf v = {slot, NET_HDR + len, false};
    long r = virtq_add(&n->tx, &v, 1, slot);
    if (r < 0) {
        n->tx_free[n->nr_tx_free++] = slot;
        return r;
    }
    virtq_kick(&n->tx);
    return 0;
}

long netdev_recv(struct netdev *n, void *buf, size_t cap)
{
    uint32_t used;
    uint8_t *b = virtq_get(&n->rx, &used);
    if (!b)
        return 0;
    long r;
    if (used < NET_HDR + 14 || used > n->buf_size) {
        r = -HESTIA_EIO; /* the device wrote less than a header and an Ethernet header */
    } else if (used - NET_HDR > cap) {
        r = -HESTIA_ENOSPC; /* the frame is dropped */
    } else {
        __builtin_memcpy(buf, b + NET_HDR, used - NET_HDR);
        r = (long)(used - NET_HDR);
    }
    long p = post_rx(n, b); /* the buffer goes straight back to the device */
    if (p == 0)
        virtq_kick(&n->rx);
    return p < 0 ? p : r;
}

void netdev_wait(struct netdev *n, uint64_t deadline_ns)
{
    struct virtio_dev *d = &n->dev;
    for (unsigned spins = 0;; spins++) {
        d->irq_event = 0; /* before the look: an interrupt after it is not missed */
        if (virtq_pending(&n->rx))
            return;
        uint64_t now = time_now_ns();
        if (now >= deadline_ns)
            return;
        uint64_t left = deadline_ns - now;
        if (spins < VIRTIO_POLL_SPINS)
            thread_yield();
        else if (d->irq_on)
            wait_flag(&d->irq_event, MIN(left, virtio_irq_slice(spins)));
        else
            thread_sleep_ns(MIN(left, 50000ull));
    }
}

const char *netdev_irq_mode(struct netdev *n)
{
    return virtio_irq_mode(&n->dev);
}

unsigned long netdev_interrupts(struct netdev *n)
{
    return n->dev.irq_on ? n->dev.irqs : 0;
}
