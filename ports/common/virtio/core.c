/* SPDX-License-Identifier: MIT */
/*
 * The virtio 1.x core: device initialization (virtio 1.2, 3.1.1) and split
 * virtqueues (2.7) in dom0's memory.  A device reads and writes machine
 * addresses; dom0's pseudo-physical frames are not machine-contiguous, so
 * every buffer is cut at page boundaries and each piece translated
 * (PHYSDEVOP_dma_translate); two pieces share a descriptor only when
 * their machine frames are consecutive.
 */
#include <port/pci.h>

#include "virtio.h"

long virtio_find(unsigned type, unsigned index, struct virtio_dev *out)
{
    long r = virtio_pci_find(type, &index, out);
    if (r != -HESTIA_ENODEV)
        return r;
    return virtio_mmio_find(type, &index, out);
}

long virtio_start(struct virtio_dev *d, uint64_t need, uint64_t want)
{
    need |= VIRTIO_F_VERSION_1;
    d->ops->set_status(d, 0);
    for (int i = 0; i < 1000 && d->ops->status(d) != 0; i++)
        thread_yield(); /* a PCI reset completes when status reads 0 (4.1.4.3.2) */
    d->ops->set_status(d, VIRTIO_S_ACKNOWLEDGE);
    d->ops->set_status(d, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER);
    uint64_t offered = d->ops->features(d);
    if ((offered & need) != need) {
        printk("virtio %s: features %llx offered, %llx needed\n", d->where,
               (unsigned long long)offered, (unsigned long long)need);
        virtio_fail(d);
        return -HESTIA_ENODEV;
    }
    d->features = need | (offered & want);
    d->ops->set_features(d, d->features);
    d->ops->set_status(d, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK);
    if (!(d->ops->status(d) & VIRTIO_S_FEATURES_OK)) {
        printk("virtio %s: the device refused features %llx\n", d->where,
               (unsigned long long)d->features);
        virtio_fail(d);
        return -HESTIA_ENODEV;
    }
    return 0;
}

void virtio_ready(struct virtio_dev *d)
{
    d->ops->set_status(d, VIRTIO_S_ACKNOWLEDGE | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK |
                              VIRTIO_S_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *d)
{
    d->ops->set_status(d, (uint8_t)(d->ops->status(d) | VIRTIO_S_FAILED));
}

uint64_t virtio_config64(struct virtio_dev *d, unsigned off)
{
    for (unsigned tries = 0; tries < 100; tries++) {
        uint32_t gen = d->ops->config_generation(d);
        uint64_t v = d->ops->config(d, off, 4) | (uint64_t)d->ops->config(d, off + 4, 4)
                                                     << 32;
        if (d->ops->config_generation(d) == gen)
            return v;
    }
    printk("virtio %s: configuration keeps changing; reading it anyway\n", d->where);
    return d->ops->config(d, off, 4) | (uint64_t)d->ops->config(d, off + 4, 4) << 32;
}

/* The machine address of dom0 memory at p (in the direct window), or 0. */
static uint64_t dma_addr(const void *p)
{
    uintptr_t va = (uintptr_t)p;
    if (va < virt_base || va_to_gfn(p) >= start_info->nr_pages)
        return 0;
    uint64_t mfn;
    if (dma_translate(va_to_gfn(p), &mfn) < 0)
        return 0;
    return mfn << HESTIA_PAGE_SHIFT | (va & (HESTIA_PAGE_SIZE - 1));
}

/* A fresh zeroed frame for one ring area and its machine address. */
static void *ring_frame(uint64_t *ma)
{
    long g = frame_alloc();
    *ma = 0;
    if (g < 0)
        return NULL;
    void *p = gfn_to_va((uint64_t)g);
    *ma = dma_addr(p);
    return *ma ? p : NULL;
}

long virtq_init(struct virtio_dev *d, struct virtq *q, unsigned index)
{
    unsigned max = d->ops->queue_max(d, index);
    if (max == 0)
        return -HESTIA_ENODEV;
    /* The largest power of 2 the device takes, at most ours (indices wrap cleanly). */
    unsigned size = VIRTQ_SIZE;
    while (size > max)
        size >>= 1;
    *q = (struct virtq){.dev = d, .index = index, .size = size, .nr_free = (uint16_t)size};
    uint64_t desc_ma = 0, avail_ma = 0, used_ma = 0;
    q->desc = ring_frame(&desc_ma);
    q->avail = ring_frame(&avail_ma);
    q->used = ring_frame(&used_ma);
    if (!q->desc || !q->avail || !q->used)
        return -HESTIA_ENOMEM;
    /*
     * Polled completions (no pirq): ask the device not to interrupt.  A
     * level-triggered line nobody acknowledges would otherwise keep firing.
     */
    if (!d->irq_on)
        q->avail->flags = VIRTIO_LE16(VIRTQ_AVAIL_F_NO_INTERRUPT);
    for (unsigned i = 0; i < size; i++)
        q->desc[i].next = VIRTIO_LE16((uint16_t)((i + 1) % size));
    return d->ops->queue_enable(d, index, size, desc_ma, avail_ma, used_ma);
}

struct seg {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
};

/* Cut bufs into machine-contiguous segments; the count or -HESTIA_EINVAL. */
static long segments(const struct vbuf *bufs, unsigned n, struct seg *s)
{
    unsigned count = 0;
    for (unsigned b = 0; b < n; b++) {
        const uint8_t *p = bufs[b].p;
        size_t left = bufs[b].len;
        uint16_t flags = bufs[b].device_writes ? VIRTQ_DESC_F_WRITE : 0;
        while (left) {
            size_t in_page = HESTIA_PAGE_SIZE - ((uintptr_t)p & (HESTIA_PAGE_SIZE - 1));
            uint32_t len = (uint32_t)(left < in_page ? left : in_page);
            uint64_t ma = dma_addr(p);
            if (!ma)
                return -HESTIA_EINVAL;
            struct seg *prev = count ? &s[count - 1] : NULL;
            if (prev && prev->flags == flags && prev->addr + prev->len == ma)
                prev->len += len; /* machine-contiguous with the previous piece */
            else if (count == VIRTQ_MAX_SEGS)
                return -HESTIA_EINVAL;
            else
                s[count++] = (struct seg){ma, len, flags};
            p += len;
            left -= len;
        }
    }
    return count ? (long)count : -HESTIA_EINVAL;
}

long virtq_add(struct virtq *q, const struct vbuf *bufs, unsigned n, void *cookie)
{
    struct seg s[VIRTQ_MAX_SEGS];
    long count = segments(bufs, n, s);
    if (count < 0)
        return count;
    unsigned long irq = irq_save();
    if (q->broken) {
        irq_restore(irq);
        return -HESTIA_EIO;
    }
    if (count > q->nr_free) {
        irq_restore(irq);
        return -HESTIA_ENOSPC;
    }
    uint16_t head = q->free_head, i = head, last = head;
    for (long k = 0; k < count; k++) {
        struct virtq_desc *dsc = &q->desc[i];
        dsc->addr = VIRTIO_LE64(s[k].addr);
        dsc->len = VIRTIO_LE32(s[k].len);
        uint16_t flags = s[k].flags | (k + 1 < count ? VIRTQ_DESC_F_NEXT : 0);
        dsc->flags = VIRTIO_LE16(flags);
        last = i;
        i = VIRTIO_LE16(dsc->next);
    }
    (void)last;
    q->free_head = i;
    q->nr_free = (uint16_t)(q->nr_free - count);
    q->cookie[head] = cookie;
    q->chain_len[head] = (uint16_t)count;
    q->avail->ring[q->avail_idx % q->size] = VIRTIO_LE16(head);
    arch_barrier(); /* descriptors and ring entry before the index (2.7.13) */
    q->avail_idx++;
    q->avail->idx = VIRTIO_LE16(q->avail_idx);
    irq_restore(irq);
    return 0;
}

void virtq_kick(struct virtq *q)
{
    arch_barrier(); /* the index before the notification (2.7.13.4) */
    q->dev->ops->notify(q->dev, q->index);
}

bool virtq_pending(struct virtq *q)
{
    return !q->broken && VIRTIO_LE16(q->used->idx) != q->last_used;
}

void *virtq_get(struct virtq *q, uint32_t *len)
{
    unsigned long irq = irq_save();
    if (q->broken || !virtq_pending(q)) {
        irq_restore(irq);
        return NULL;
    }
    arch_barrier(); /* the index before the entry it covers */
    volatile struct virtq_used_elem *e = &q->used->ring[q->last_used % q->size];
    uint32_t id = VIRTIO_LE32(e->id);
    *len = VIRTIO_LE32(e->len);
    q->last_used++;
    if (id >= q->size || !q->chain_len[id]) {
        /* A device that names a chain we never posted is broken: stop using the queue. */
        q->broken = true;
        irq_restore(irq);
        printk("virtio %s: queue %u: the device returned chain %u, which is not in flight; "
               "queue abandoned\n",
               q->dev->where, q->index, id);
        return NULL;
    }
    /* Give the chain's descriptors back: its tail links to the old free list. */
    uint16_t tail = (uint16_t)id;
    for (unsigned k = 1; k < q->chain_len[id]; k++)
        tail = VIRTIO_LE16(q->desc[tail].next);
    q->desc[tail].next = VIRTIO_LE16(q->free_head);
    q->free_head = (uint16_t)id;
    q->nr_free = (uint16_t)(q->nr_free + q->chain_len[id]);
    q->chain_len[id] = 0;
    void *cookie = q->cookie[id];
    irq_restore(irq);
    return cookie;
}

uint64_t virtio_irq_slice(unsigned spins)
{
    unsigned blocks = spins - VIRTIO_POLL_SPINS;
    return blocks >= 6 ? VIRTIO_IRQ_SLICE_NS : MIN(VIRTIO_IRQ_SLICE_NS, 20000ull << blocks);
}

bool virtq_wait(struct virtq *q, uint64_t deadline)
{
    struct virtio_dev *d = q->dev;
    for (unsigned spins = 0;; spins++) {
        d->irq_event = 0; /* before the look: an interrupt after it is not missed */
        if (virtq_pending(q))
            return true;
        uint64_t now = time_now_ns();
        if (now >= deadline || q->broken || (d->ops->status(d) & VIRTIO_S_NEEDS_RESET))
            return false;
        if (spins < VIRTIO_POLL_SPINS)
            thread_yield(); /* the device may answer at once (ia64sim, QEMU's fast paths) */
        else if (d->irq_on) /* the handler sets irq_event */
            wait_flag(&d->irq_event, MIN(deadline - now, virtio_irq_slice(spins)));
        else
            thread_sleep_ns(20000);
    }
}
