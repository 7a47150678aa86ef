/* SPDX-License-Identifier: MIT */
/* virtio-net (virtio 1.2 §5.1) on a host stream socket with the framing of
 * QEMU's `-netdev stream`: every frame is a 4-byte big-endian length and
 * then the Ethernet frame.  Queue 0 receives, queue 1 transmits.  The
 * socket is never waited on: the run loop calls virtio_net_poll(), which
 * moves what it can and returns. */
#define _GNU_SOURCE /* ppoll: waits of less than a millisecond */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "virtio.h"

#define VIRTIO_NET_ID 1
#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_STATUS (1ull << 16)
#define VIRTIO_NET_S_LINK_UP 1
#define NET_HDR 12          /* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define MAX_FRAME 65536u    /* QEMU's stream backend takes no more either */
#define TX_LIMIT (1u << 20) /* queued bytes before transmission waits for the socket */
#define RX_BURST 64         /* frames handed to the guest per poll, at most */
#define RXQ 0
#define TXQ 1

struct net {
    int fd;        /* the connected stream, -1 when none */
    int listen_fd; /* listen:PATH, else -1 */
    size_t rxlen;  /* bytes of the record (length + frame) read so far */
    int rx_full;   /* rxbuf holds a whole frame waiting for a receive buffer */
    size_t txlen;
    uint8_t rxbuf[4 + MAX_FRAME];
    uint8_t txbuf[TX_LIMIT + 4 + MAX_FRAME];
    struct vq_chain ch;
};

static const uint8_t default_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static uint32_t frame_len(const struct net *n)
{
    return (uint32_t)n->rxbuf[0] << 24 | (uint32_t)n->rxbuf[1] << 16 |
           (uint32_t)n->rxbuf[2] << 8 | n->rxbuf[3];
}

/* The link follows the connection; a driver that negotiated
 * VIRTIO_NET_F_STATUS hears of a change through a configuration interrupt. */
static void set_link(struct virtio_dev *d, int up)
{
    if ((d->config[6] & VIRTIO_NET_S_LINK_UP) == up)
        return;
    d->config[6] = (uint8_t)up;
    d->config_generation++;
    if (virtio_running(d) && (d->driver_features & VIRTIO_NET_F_STATUS))
        d->isr |= VIRTIO_INT_CONFIG;
}

static void disconnect(struct virtio_dev *d, struct net *n, const char *why)
{
    fprintf(stderr, "ia64sim: virtio-net: %s; link down\n", why);
    close(n->fd);
    n->fd = -1;
    n->rxlen = 0;
    n->rx_full = 0;
    n->txlen = 0;
    set_link(d, 0);
}

/* Reads the rest of one record from the socket, never more. */
static void receive(struct virtio_dev *d, struct net *n)
{
    while (n->fd >= 0 && !n->rx_full) {
        size_t want = n->rxlen < 4 ? 4 - n->rxlen : 4 + frame_len(n) - n->rxlen;
        ssize_t r = read(n->fd, n->rxbuf + n->rxlen, want);

        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        if (r <= 0) {
            disconnect(d, n, r ? strerror(errno) : "the peer closed the connection");
            return;
        }
        n->rxlen += (size_t)r;
        if (n->rxlen == 4 && (frame_len(n) == 0 || frame_len(n) > MAX_FRAME)) {
            char why[80];

            snprintf(why, sizeof(why), "bad frame length %u from the socket",
                     (unsigned)frame_len(n));
            disconnect(d, n, why);
            return;
        }
        if (n->rxlen > 4 && n->rxlen == 4 + frame_len(n))
            n->rx_full = 1;
    }
}

/* Hands the waiting frame to the next receive buffer, if there is one. */
static void deliver(struct virtio_dev *d, struct net *n)
{
    uint8_t hdr[NET_HDR] = {0};
    uint32_t len = frame_len(n);

    if (!n->rx_full || vq_pop(d, RXQ, &n->ch) != 1)
        return;
    hdr[10] = 1; /* num_buffers: one buffer per frame (no VIRTIO_NET_F_MRG_RXBUF) */
    if (n->ch.writable < NET_HDR + len) {
        fprintf(stderr,
                "ia64sim: virtio-net: a %u-byte frame dropped: receive buffer of %llu "
                "bytes\n",
                len, (unsigned long long)n->ch.writable);
        vq_push(d, RXQ, n->ch.head, 0);
    } else {
        vq_write(d, &n->ch, 0, hdr, NET_HDR);
        vq_write(d, &n->ch, NET_HDR, n->rxbuf + 4, len);
        vq_push(d, RXQ, n->ch.head, NET_HDR + len);
    }
    n->rx_full = 0;
    n->rxlen = 0;
}

/* One record per send(): a peer never sees a record cut short.  passt
 * (0.0~git20230309) reads a record whose frame is not all there with one
 * blocking recv and drops the stream's framing when that returns less, and
 * drops a length prefix split by its read: after a send of many records cut
 * at an arbitrary byte the stream went out of step (connections reset,
 * passt hung up).  A record a full socket took in part is finished at once,
 * waiting for room. */
static void flush_tx(struct virtio_dev *d, struct net *n)
{
    size_t off = 0;

    while (n->fd >= 0 && off < n->txlen) {
        const uint8_t *p = n->txbuf + off;
        size_t len =
            4 + ((size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3]);
        ssize_t r = send(n->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            break;
        for (size_t done = r > 0 ? (size_t)r : 0; r >= 0 && done < len; done += (size_t)r) {
            struct pollfd w = {.fd = n->fd, .events = POLLOUT};

            poll(&w, 1, 1000);
            r = send(n->fd, p + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                r = 0;
        }
        if (r < 0) {
            disconnect(d, n, strerror(errno));
            return;
        }
        off += len;
    }
    if (n->fd < 0) {
        n->txlen = 0; /* no link: frames are lost, as on a cable pulled out */
        return;
    }
    memmove(n->txbuf, n->txbuf + off, n->txlen - off);
    n->txlen -= off;
}

/* Frames from the transmit queue into the socket's output buffer, while it
 * has room (otherwise they stay in the queue until the socket drains). */
static void transmit(struct virtio_dev *d, struct net *n)
{
    while (n->txlen <= TX_LIMIT && vq_pop(d, TXQ, &n->ch) == 1) {
        uint64_t len;

        if (n->ch.readable < NET_HDR) {
            virtio_fail(d,
                        "transmit chain at descriptor %u is shorter than the %u-byte "
                        "header",
                        n->ch.head, NET_HDR);
            return;
        }
        len = n->ch.readable - NET_HDR;
        if (len == 0 || len > MAX_FRAME) {
            fprintf(stderr, "ia64sim: virtio-net: a %llu-byte frame not sent\n",
                    (unsigned long long)len);
        } else if (n->fd >= 0) {
            uint8_t *p = n->txbuf + n->txlen;

            p[0] = (uint8_t)(len >> 24);
            p[1] = (uint8_t)(len >> 16);
            p[2] = (uint8_t)(len >> 8);
            p[3] = (uint8_t)len;
            vq_read(d, &n->ch, NET_HDR, p + 4, len);
            n->txlen += 4 + len;
        }
        vq_push(d, TXQ, n->ch.head, 0);
    }
    flush_tx(d, n);
}

void virtio_net_poll(struct virtio_dev *d)
{
    struct net *n = d->priv;

    if (n->fd < 0 && n->listen_fd >= 0) {
        n->fd = accept(n->listen_fd, NULL, NULL);
        if (n->fd >= 0) {
            fcntl(n->fd, F_SETFL, O_NONBLOCK);
            set_link(d, 1);
        }
    }
    if (n->fd < 0)
        return;
    flush_tx(d, n);
    transmit(d, n);
    /* up to RX_BURST frames per poll, while the driver has buffers */
    for (unsigned i = 0; i < RX_BURST; i++) {
        receive(d, n);
        if (!n->rx_full)
            break; /* nothing more to read now */
        deliver(d, n);
        if (n->rx_full)
            break; /* no buffer for it yet */
    }
    receive(d, n); /* the next frame, if any, so it waits in rxbuf */
}

int virtio_net_wait(struct virtio_dev *d, uint64_t max_ns, uint64_t *waited_ns)
{
    struct net *n = d->priv;
    struct pollfd p = {.fd = n->fd >= 0 ? n->fd : n->listen_fd, .events = POLLIN};
    struct timespec t0, t1,
        limit = {.tv_sec = (time_t)(max_ns / 1000000000u),
                 .tv_nsec = (long)(max_ns % 1000000000u)};
    int r;

    *waited_ns = 0;
    if (p.fd < 0)
        return -1; /* no peer and none to wait for */
    if (n->rx_full)
        return 1; /* a frame already waits for a receive buffer */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = ppoll(&p, 1, &limit, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *waited_ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u + (uint64_t)t1.tv_nsec -
                 (uint64_t)t0.tv_nsec;
    if (*waited_ns > max_ns)
        *waited_ns = max_ns;
    if (r > 0) {
        virtio_net_poll(d);
        return 1;
    }
    return 0;
}

static void net_notify(struct virtio_dev *d, unsigned queue)
{
    struct net *n = d->priv;

    if (queue == TXQ)
        transmit(d, n);
    else
        deliver(d, n);
}

static void net_reset(struct virtio_dev *d)
{
    struct net *n = d->priv;

    n->txlen = 0; /* what the old driver queued is not sent */
}

static void net_release(struct virtio_dev *d)
{
    struct net *n = d->priv;

    if (n->fd >= 0)
        close(n->fd);
    if (n->listen_fd >= 0)
        close(n->listen_fd);
    free(n);
}

static const struct virtio_type net_type = {
    .name = "virtio-net",
    .device_id = VIRTIO_NET_ID,
    .nqueues = 2,
    .features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS,
    .config_size = 8, /* mac[6], status */
    .notify = net_notify,
    .reset = net_reset,
    .release = net_release,
};

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char end;

    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
               &end) != 6 ||
        strlen(s) != 17 || (v[0] & 1))
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    return 0;
}

int virtio_net_attach_fd(struct virtio_dev *d, int fd, const uint8_t mac[6])
{
    struct net *n = calloc(1, sizeof(*n));

    if (!n)
        return -1;
    n->fd = fd;
    n->listen_fd = -1;
    if (fd >= 0)
        fcntl(fd, F_SETFL, O_NONBLOCK);
    d->type = &net_type;
    d->priv = n;
    memcpy(d->config, mac, 6);
    d->config[6] = fd >= 0 ? VIRTIO_NET_S_LINK_UP : 0;
    return 0;
}

int virtio_net_open(struct virtio_dev *d, const char *spec, const char *mac_str)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int listening = !strncmp(spec, "listen:", 7), s;
    const char *path = listening ? spec + 7 : !strncmp(spec, "unix:", 5) ? spec + 5 : NULL;
    uint8_t mac[6];
    struct stat st;

    memcpy(mac, default_mac, 6);
    if (mac_str && parse_mac(mac_str, mac)) {
        fprintf(stderr,
                "ia64sim: bad --mac %s (want six hex bytes, unicast: "
                "52:54:00:12:34:57)\n",
                mac_str);
        return -1;
    }
    if (!path || !*path || strlen(path) >= sizeof(sa.sun_path)) {
        fprintf(stderr,
                "ia64sim: bad --net %s (want unix:PATH or listen:PATH, PATH "
                "shorter than %zu bytes)\n",
                spec, sizeof(sa.sun_path));
        return -1;
    }
    strcpy(sa.sun_path, path);
    if (listening && !lstat(path, &st) && S_ISSOCK(st.st_mode))
        unlink(path); /* left by an earlier run: a socket file outlives its listener */
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0 || (listening ? bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1) ||
                                  fcntl(s, F_SETFL, O_NONBLOCK)
                            : connect(s, (struct sockaddr *)&sa, sizeof(sa)))) {
        fprintf(stderr, "ia64sim: --net %s: %s\n", spec, strerror(errno));
        if (s >= 0)
            close(s);
        return -1;
    }
    if (virtio_net_attach_fd(d, listening ? -1 : s, mac)) {
        close(s);
        return -1;
    }
    if (listening)
        ((struct net *)d->priv)->listen_fd = s;
    return 0;
}
