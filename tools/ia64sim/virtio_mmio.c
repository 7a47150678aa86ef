/* SPDX-License-Identifier: MIT */
/* The virtio-mmio transport (virtio 1.2 §4.2, register layout version 2)
 * and split virtqueues (§2.7) for ia64sim's devices.  Everything the guest
 * writes, register values and ring contents alike, is checked before use:
 * a malformed ring or descriptor chain puts the device in
 * DEVICE_NEEDS_RESET (§2.1.2) and it does nothing more until the driver
 * resets it; the simulator itself carries on. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "virtio.h"

#define MAX_MESSAGES 32 /* per run, so a hostile guest cannot flood stderr */

static unsigned messages;

static void vmsg(struct virtio_dev *d, const char *fmt, va_list ap)
{
    if (messages > MAX_MESSAGES)
        return;
    if (messages++ == MAX_MESSAGES) {
        fprintf(stderr, "ia64sim: further virtio messages suppressed\n");
        return;
    }
    fprintf(stderr, "ia64sim: %s@0x%llx: ", d->type->name, (unsigned long long)d->base);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

static void __attribute__((format(printf, 2, 3)))
warn(struct virtio_dev *d, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg(d, fmt, ap);
    va_end(ap);
}

void virtio_fail(struct virtio_dev *d, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg(d, fmt, ap);
    va_end(ap);
    if (!(d->status & VIRTIO_STATUS_NEEDS_RESET))
        warn(d, "device needs reset");
    d->status |= VIRTIO_STATUS_NEEDS_RESET;
    d->isr |= VIRTIO_INT_CONFIG;
}

int virtio_running(const struct virtio_dev *d)
{
    return (d->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET |
                         VIRTIO_STATUS_FAILED)) == VIRTIO_STATUS_DRIVER_OK;
}

int guest_range_ok(const struct virtio_dev *d, uint64_t pa, uint64_t len)
{
    return pa <= d->ram_size && len <= d->ram_size - pa;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, (uint16_t)v);
    wr16(p + 2, (uint16_t)(v >> 16));
}

static uint64_t offered(const struct virtio_dev *d)
{
    return d->type->features | VIRTIO_F_VERSION_1;
}

static void queues_reset(struct virtio_dev *d)
{
    memset(d->q, 0, sizeof(d->q));
}

void virtio_init(struct virtio_dev *d, const struct virtio_type *t, uint64_t base,
                 unsigned vector, uint8_t *ram, uint64_t ram_size, void *priv)
{
    memset(d, 0, sizeof(*d));
    d->type = t;
    d->base = base;
    d->vector = vector;
    d->ram = ram;
    d->ram_size = ram_size;
    d->priv = priv;
}

void virtio_release(struct virtio_dev *d)
{
    if (d->type && d->type->release)
        d->type->release(d);
    d->priv = NULL;
}

/* Status register write (§2.1, §3.1.1): 0 resets the device; setting
 * FEATURES_OK succeeds only for a subset of the offered features that
 * includes VIRTIO_F_VERSION_1 (no legacy interface here). */
static void write_status(struct virtio_dev *d, uint32_t v)
{
    if (v == 0) {
        d->status = 0;
        d->isr = 0;
        d->driver_features = 0;
        d->dev_features_sel = d->drv_features_sel = d->queue_sel = 0;
        queues_reset(d);
        if (d->type->reset)
            d->type->reset(d);
        return;
    }
    v &= 0xff;
    if ((v & VIRTIO_STATUS_FEATURES_OK) && !(d->status & VIRTIO_STATUS_FEATURES_OK)) {
        uint64_t extra = d->driver_features & ~offered(d);

        if (extra || !(d->driver_features & VIRTIO_F_VERSION_1)) {
            warn(d, "features 0x%llx refused (%s)", (unsigned long long)d->driver_features,
                 extra ? "not offered" : "VIRTIO_F_VERSION_1 missing");
            v &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
        }
    }
    if ((v & VIRTIO_STATUS_DRIVER_OK) && !(v & VIRTIO_STATUS_FEATURES_OK)) {
        warn(d, "DRIVER_OK without FEATURES_OK ignored");
        v &= ~(uint32_t)VIRTIO_STATUS_DRIVER_OK;
    }
    d->status = v | (d->status & VIRTIO_STATUS_NEEDS_RESET);
}

/* QueueReady = 1: the size and the three areas must be usable (§2.7:
 * alignment 16 / 2 / 4, every byte inside RAM), else the queue stays off
 * and the device needs a reset. */
static void queue_enable(struct virtio_dev *d, struct virtq *q)
{
    uint64_t n = q->num;

    if (n == 0 || n > VIRTQ_MAX_SIZE || (n & (n - 1))) {
        virtio_fail(d, "queue %u: size %llu is not a power of 2 in 1..%u", d->queue_sel,
                    (unsigned long long)n, VIRTQ_MAX_SIZE);
        return;
    }
    if ((q->desc & 15) || (q->driver & 1) || (q->device & 3)) {
        virtio_fail(d, "queue %u: misaligned ring address", d->queue_sel);
        return;
    }
    if (!guest_range_ok(d, q->desc, 16 * n) || !guest_range_ok(d, q->driver, 6 + 2 * n) ||
        !guest_range_ok(d, q->device, 6 + 8 * n)) {
        virtio_fail(d,
                    "queue %u: a ring lies outside RAM (desc 0x%llx driver 0x%llx device "
                    "0x%llx, %llu entries)",
                    d->queue_sel, (unsigned long long)q->desc,
                    (unsigned long long)q->driver, (unsigned long long)q->device,
                    (unsigned long long)n);
        return;
    }
    q->last_avail = q->used_idx = 0; /* a fresh queue starts at index 0 (§2.7) */
    q->ready = 1;
}

static struct virtq *selected(struct virtio_dev *d)
{
    return d->queue_sel < d->type->nqueues ? &d->q[d->queue_sel] : NULL;
}

uint64_t virtio_mmio_read(struct virtio_dev *d, uint64_t off, unsigned sz)
{
    struct virtq *q = selected(d);
    uint64_t v = 0;

    if (off >= VMMIO_CONFIG) {
        off -= VMMIO_CONFIG;
        if (off >= d->type->config_size || sz > d->type->config_size - off) {
            warn(d, "read of %u bytes beyond the %u-byte configuration space", sz,
                 d->type->config_size);
            return 0;
        }
        for (unsigned i = 0; i < sz; i++)
            v |= (uint64_t)d->config[off + i] << (8 * i);
        return v;
    }
    if (sz != 4) {
        warn(d, "%u-byte read of register 0x%llx (registers are 32-bit)", sz,
             (unsigned long long)off);
        return 0;
    }
    switch (off) {
    case VMMIO_MAGIC:
        return VMMIO_MAGIC_VALUE;
    case VMMIO_VERSION:
        return 2;
    case VMMIO_DEVICE_ID:
        return d->type->device_id;
    case VMMIO_VENDOR_ID:
        return VMMIO_VENDOR_HESTIA;
    case VMMIO_DEVICE_FEATURES:
        return d->dev_features_sel < 2
                   ? (uint32_t)(offered(d) >> (32 * d->dev_features_sel))
                   : 0;
    case VMMIO_QUEUE_NUM_MAX:
        return q ? VIRTQ_MAX_SIZE : 0;
    case VMMIO_QUEUE_READY:
        return q ? q->ready : 0;
    case VMMIO_INTERRUPT_STATUS:
        return d->isr;
    case VMMIO_STATUS:
        return d->status;
    case VMMIO_CONFIG_GENERATION:
        return d->config_generation;
    }
    warn(d, "read of write-only or unknown register 0x%llx", (unsigned long long)off);
    return 0;
}

/* The low or high half of a 64-bit queue address register. */
static void set_half(uint64_t *a, uint64_t off, uint32_t v)
{
    if (off & 4)
        *a = (*a & 0xffffffffull) | (uint64_t)v << 32;
    else
        *a = (*a & ~0xffffffffull) | v;
}

void virtio_mmio_write(struct virtio_dev *d, uint64_t off, unsigned sz, uint64_t v64)
{
    struct virtq *q = selected(d);
    uint32_t v = (uint32_t)v64;

    if (off >= VMMIO_CONFIG) {
        warn(d, "write to configuration space offset 0x%llx ignored (read-only)",
             (unsigned long long)(off - VMMIO_CONFIG));
        return;
    }
    if (sz != 4) {
        warn(d, "%u-byte write of register 0x%llx ignored (registers are 32-bit)", sz,
             (unsigned long long)off);
        return;
    }
    switch (off) {
    case VMMIO_DEVICE_FEATURES_SEL:
        d->dev_features_sel = v;
        return;
    case VMMIO_DRIVER_FEATURES:
        if (d->status & VIRTIO_STATUS_FEATURES_OK)
            warn(d, "driver features written after FEATURES_OK: ignored");
        else if (d->drv_features_sel < 2)
            set_half(&d->driver_features, d->drv_features_sel * 4, v);
        return;
    case VMMIO_DRIVER_FEATURES_SEL:
        d->drv_features_sel = v;
        return;
    case VMMIO_QUEUE_SEL:
        d->queue_sel = v;
        return;
    case VMMIO_QUEUE_NOTIFY:
        if (v >= d->type->nqueues) {
            warn(d, "notify of queue %u: the device has %u", v, d->type->nqueues);
            return;
        }
        if (d->q[v].ready && virtio_running(d))
            d->type->notify(d, v);
        return;
    case VMMIO_INTERRUPT_ACK:
        d->isr &= ~v;
        return;
    case VMMIO_STATUS:
        write_status(d, v);
        return;
    case VMMIO_QUEUE_NUM:
    case VMMIO_QUEUE_READY:
    case VMMIO_QUEUE_DESC_LOW:
    case VMMIO_QUEUE_DESC_HIGH:
    case VMMIO_QUEUE_DRIVER_LOW:
    case VMMIO_QUEUE_DRIVER_HIGH:
    case VMMIO_QUEUE_DEVICE_LOW:
    case VMMIO_QUEUE_DEVICE_HIGH:
        break;
    default:
        warn(d, "write to read-only or unknown register 0x%llx ignored",
             (unsigned long long)off);
        return;
    }
    if (!q) {
        warn(d, "queue register 0x%llx written with QueueSel %u: no such queue",
             (unsigned long long)off, d->queue_sel);
        return;
    }
    if (off == VMMIO_QUEUE_READY) {
        if (!v)
            q->ready = 0;
        else if (!q->ready)
            queue_enable(d, q);
        return;
    }
    if (q->ready) {
        warn(d, "queue %u: register 0x%llx written while the queue is ready: ignored",
             d->queue_sel, (unsigned long long)off);
        return;
    }
    if (off == VMMIO_QUEUE_NUM)
        q->num = v;
    else if (off < VMMIO_QUEUE_DRIVER_LOW)
        set_half(&q->desc, off, v);
    else if (off < VMMIO_QUEUE_DEVICE_LOW)
        set_half(&q->driver, off, v);
    else
        set_half(&q->device, off, v);
}

int vq_pop(struct virtio_dev *d, unsigned qi, struct vq_chain *ch)
{
    struct virtq *q = &d->q[qi];
    uint16_t avail, idx;

    if (qi >= d->type->nqueues || !q->ready || !virtio_running(d))
        return 0;
    avail = rd16(d->ram + q->driver + 2);
    if (avail == q->last_avail)
        return 0;
    if ((uint16_t)(avail - q->last_avail) > q->num) {
        virtio_fail(d, "queue %u: available index %u is more than %u entries ahead of %u",
                    qi, avail, q->num, q->last_avail);
        return -1;
    }
    idx = rd16(d->ram + q->driver + 4 + 2 * (q->last_avail & (q->num - 1)));
    q->last_avail++;
    memset(ch, 0, offsetof(struct vq_chain, seg));
    ch->head = idx;
    for (;;) {
        const uint8_t *desc;
        struct vq_seg *s;
        uint16_t flags;

        if (idx >= q->num) {
            virtio_fail(d, "queue %u: descriptor index %u out of range (size %u)", qi, idx,
                        q->num);
            return -1;
        }
        if (ch->nseg == q->num) {
            virtio_fail(d,
                        "queue %u: chain from descriptor %u has more than %u descriptors "
                        "(a loop)",
                        qi, ch->head, q->num);
            return -1;
        }
        desc = d->ram + q->desc + 16 * (uint64_t)idx;
        s = &ch->seg[ch->nseg++];
        s->addr = rd64(desc);
        s->len = rd32(desc + 8);
        flags = rd16(desc + 12);
        s->write = (flags & VIRTQ_DESC_F_WRITE) != 0;
        if (flags & VIRTQ_DESC_F_INDIRECT) {
            virtio_fail(d,
                        "queue %u: indirect descriptor %u (VIRTIO_F_INDIRECT_DESC not "
                        "offered)",
                        qi, idx);
            return -1;
        }
        if (!guest_range_ok(d, s->addr, s->len)) {
            virtio_fail(d, "queue %u: descriptor %u [0x%llx, +0x%x) is outside RAM", qi,
                        idx, (unsigned long long)s->addr, s->len);
            return -1;
        }
        if (!s->write && ch->writable) {
            virtio_fail(d, "queue %u: device-readable descriptor %u after a writable one",
                        qi, idx);
            return -1;
        }
        if (s->write)
            ch->writable += s->len;
        else
            ch->readable += s->len;
        if (!(flags & VIRTQ_DESC_F_NEXT))
            return 1;
        idx = rd16(desc + 14);
    }
}

void vq_push(struct virtio_dev *d, unsigned qi, uint16_t head, uint32_t written)
{
    struct virtq *q = &d->q[qi];
    uint8_t *e = d->ram + q->device + 4 + 8 * (uint64_t)(q->used_idx & (q->num - 1));

    wr32(e, head);
    wr32(e + 4, written);
    q->used_idx++;
    wr16(d->ram + q->device + 2, q->used_idx);
    if (d->dma_written) {
        d->dma_written((uint64_t)(e - d->ram), 8);
        d->dma_written(q->device + 2, 2);
    }
    if (!(rd16(d->ram + q->driver) & VIRTQ_AVAIL_F_NO_INTERRUPT))
        d->isr |= VIRTIO_INT_USED;
}

/* Copies len bytes between buf and the chain's segments of one kind,
 * starting off bytes into them. */
static uint64_t vq_copy(struct virtio_dev *d, const struct vq_chain *ch, int write,
                        uint64_t off, uint8_t *buf, uint64_t len)
{
    uint64_t done = 0;

    for (unsigned i = 0; i < ch->nseg && done < len; i++) {
        const struct vq_seg *s = &ch->seg[i];
        uint64_t n;

        if (s->write != write)
            continue;
        if (off >= s->len) {
            off -= s->len;
            continue;
        }
        n = s->len - off;
        if (n > len - done)
            n = len - done;
        if (write) {
            memcpy(d->ram + s->addr + off, buf + done, n);
            if (d->dma_written)
                d->dma_written(s->addr + off, n);
        } else
            memcpy(buf + done, d->ram + s->addr + off, n);
        done += n;
        off = 0;
    }
    return done;
}

uint64_t vq_read(struct virtio_dev *d, const struct vq_chain *ch, uint64_t off, void *buf,
                 uint64_t len)
{
    return vq_copy(d, ch, 0, off, buf, len);
}

uint64_t vq_write(struct virtio_dev *d, const struct vq_chain *ch, uint64_t off,
                  const void *buf, uint64_t len)
{
    return vq_copy(d, ch, 1, off, (uint8_t *)buf, len);
}
