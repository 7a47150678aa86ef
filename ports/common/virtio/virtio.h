/* SPDX-License-Identifier: MIT */
/*
 * dom0's virtio 1.x core (docs/virtio.md): a device found on one of two
 * transports (modern virtio-pci, virtio-mmio version 2) behind one set of
 * operations, the status handshake and feature negotiation, and split
 * virtqueues whose rings and buffers live in dom0's memory and are handed
 * to the device by machine address, page by page.  The drivers (blk.c,
 * net.c) see only this header: they never know the transport.
 */
#ifndef VIRTIO_VIRTIO_H
#define VIRTIO_VIRTIO_H

#include <port/kernel.h>

/* Device types (virtio 1.2, 5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2

/* Device status bits (2.1). */
#define VIRTIO_S_ACKNOWLEDGE 1u
#define VIRTIO_S_DRIVER 2u
#define VIRTIO_S_DRIVER_OK 4u
#define VIRTIO_S_FEATURES_OK 8u
#define VIRTIO_S_NEEDS_RESET 0x40u
#define VIRTIO_S_FAILED 0x80u

#define VIRTIO_F_VERSION_1 (1ull << 32)

/* Everything virtio puts in memory or registers is little-endian (2.4). */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define VIRTIO_LE16(v) __builtin_bswap16(v)
#define VIRTIO_LE32(v) __builtin_bswap32(v)
#define VIRTIO_LE64(v) __builtin_bswap64(v)
#else
#define VIRTIO_LE16(v) ((uint16_t)(v))
#define VIRTIO_LE32(v) ((uint32_t)(v))
#define VIRTIO_LE64(v) ((uint64_t)(v))
#endif

/* Device registers: little-endian, each access ordered against memory. */
static inline uint8_t vio_rd8(volatile void *p)
{
    uint8_t v = *(volatile uint8_t *)p;
    arch_barrier();
    return v;
}
static inline uint16_t vio_rd16(volatile void *p)
{
    uint16_t v = *(volatile uint16_t *)p;
    arch_barrier();
    return VIRTIO_LE16(v);
}
static inline uint32_t vio_rd32(volatile void *p)
{
    uint32_t v = *(volatile uint32_t *)p;
    arch_barrier();
    return VIRTIO_LE32(v);
}
static inline void vio_wr8(volatile void *p, uint8_t v)
{
    arch_barrier();
    *(volatile uint8_t *)p = v;
    arch_barrier();
}
static inline void vio_wr16(volatile void *p, uint16_t v)
{
    arch_barrier();
    *(volatile uint16_t *)p = VIRTIO_LE16(v);
    arch_barrier();
}
static inline void vio_wr32(volatile void *p, uint32_t v)
{
    arch_barrier();
    *(volatile uint32_t *)p = VIRTIO_LE32(v);
    arch_barrier();
}

struct virtio_dev;

/* What a transport does; the core and the drivers call only these. */
struct virtio_ops {
    uint64_t (*features)(struct virtio_dev *d);
    void (*set_features)(struct virtio_dev *d, uint64_t f);
    uint8_t (*status)(struct virtio_dev *d);
    void (*set_status)(struct virtio_dev *d, uint8_t s); /* 0 resets */
    /* Largest size of queue q, 0 if it does not exist. */
    unsigned (*queue_max)(struct virtio_dev *d, unsigned q);
    /* Give queue q its size and the machine addresses of its three areas. */
    long (*queue_enable)(struct virtio_dev *d, unsigned q, unsigned size, uint64_t desc,
                         uint64_t avail, uint64_t used);
    void (*notify)(struct virtio_dev *d, unsigned q);
    /* Read and acknowledge the interrupt status (bit 0: a queue, bit 1: config). */
    uint32_t (*isr)(struct virtio_dev *d);
    /* size (1, 2 or 4) bytes of the device configuration at off, decoded. */
    uint32_t (*config)(struct virtio_dev *d, unsigned off, unsigned size);
    uint32_t (*config_generation)(struct virtio_dev *d);
};

struct virtio_dev {
    const struct virtio_ops *ops;
    unsigned type;     /* VIRTIO_ID_* */
    char where[32];    /* "pci 00:04.0", "mmio 0x10000000000": for messages */
    uint64_t features; /* negotiated */
    /* The transport's own (pci.c / mmio.c). */
    volatile uint8_t *common, *notify_base, *isr_reg, *device_cfg;
    uint32_t notify_mult;
    uint16_t notify_off[4];
    volatile uint8_t *mmio;
    uint8_t bus, devfn;
    /* Interrupts (irq.c): the transport fills has_pirq / pirq. */
    bool has_pirq, irq_on;
    unsigned pirq;
    volatile int irq_event;      /* set by the handler: a queue may have news */
    volatile unsigned long irqs; /* interrupts taken for this device */
    struct virtio_dev *irq_next; /* other devices on the same line */
};

/*
 * The index-th device of type (in transport order: PCI bus 0, then the
 * platform's virtio-mmio windows), reset and ready for virtio_start.
 * Returns 0, -HESTIA_ENODEV when there is no such device, or another error.
 */
long virtio_find(unsigned type, unsigned index, struct virtio_dev *out);
/*
 * The transports' halves of it: each skips *index devices of type
 * (counting them down) and sets up the next; -HESTIA_ENODEV when it has
 * no more.
 */
long virtio_pci_find(unsigned type, unsigned *index, struct virtio_dev *out);
long virtio_mmio_find(unsigned type, unsigned *index, struct virtio_dev *out);

/*
 * Reset, ACKNOWLEDGE | DRIVER, negotiate: the device must offer every bit
 * of need (VIRTIO_F_VERSION_1 is always needed) and gets need plus the
 * offered bits of want; FEATURES_OK must stick.  0 or -HESTIA_ENODEV.
 */
long virtio_start(struct virtio_dev *d, uint64_t need, uint64_t want);
/*
 * Interrupt-driven completions: bind the device's pirq (shared lines
 * are shared) so that its handler reads the ISR (which deasserts INTx),
 * wakes the waiters and EOIs the line.  Call before virtq_init, so the
 * queues ask for interrupts.  Without a pirq (the platform routes none
 * yet) the device stays polled: 0 either way, d->irq_on says which.
 */
long virtio_irq_setup(struct virtio_dev *d);
/* How long the spins-th look of a waiter may block (see VIRTIO_POLL_SPINS). */
uint64_t virtio_irq_slice(unsigned spins);
/* "interrupts (pirq N)" or "polling (why)" for messages. */
const char *virtio_irq_mode(struct virtio_dev *d);
/* DRIVER_OK once the queues are set up. */
void virtio_ready(struct virtio_dev *d);
/* Tell the device the driver gave up (FAILED). */
void virtio_fail(struct virtio_dev *d);
/* u64 of device configuration (two 32-bit reads, retried on a generation change). */
uint64_t virtio_config64(struct virtio_dev *d, unsigned off);

/* ---- split virtqueues (2.7) ------------------------------------------- */
#define VIRTQ_SIZE 128u    /* entries we use at most (device may offer more) */
#define VIRTQ_MAX_SEGS 40u /* descriptors in one chain */
#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
/*
 * A waiter first looks VIRTIO_POLL_SPINS times, yielding in between (QEMU
 * and ia64sim often finish a request that fast), then blocks until the
 * interrupt, looking again after 20 us, 40 us, ... and then every
 * VIRTIO_IRQ_SLICE_NS (virtio_irq_slice(spins)), so a lost interrupt costs
 * time, not the request.  Under -icount with sleep=off an idle guest's
 * clock jumps to its next timer, so a blocked wait there costs about one
 * slice of guest time: the short first slices keep that small.
 */
#define VIRTIO_POLL_SPINS 16u
#define VIRTIO_IRQ_SLICE_NS 1000000ull

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
struct virtq_avail {
    uint16_t flags, idx, ring[];
};
struct virtq_used_elem {
    uint32_t id, len;
};
struct virtq_used {
    uint16_t flags, idx;
    struct virtq_used_elem ring[];
};

struct virtq {
    struct virtio_dev *dev;
    unsigned index, size;
    struct virtq_desc *desc;
    struct virtq_avail *avail;
    volatile struct virtq_used *used;
    uint16_t free_head, nr_free, avail_idx, last_used;
    bool broken; /* the device returned a chain not in flight: no more requests */
    void *cookie[VIRTQ_SIZE];
    uint16_t chain_len[VIRTQ_SIZE];
};

/* One piece of a request: dom0 memory in its direct window. */
struct vbuf {
    const void *p;
    size_t len;
    bool device_writes;
};

/* Allocate queue q (its three areas in frames of their own) and give it to the device. */
long virtq_init(struct virtio_dev *d, struct virtq *q, unsigned index);
/*
 * Post one chain made of bufs (device-readable ones first) with cookie,
 * which virtq_get returns when the device is done.  Each buffer is split
 * at page boundaries (frames are merged only where machine-contiguous).
 * -HESTIA_ENOSPC: not enough free descriptors now; -HESTIA_EINVAL: a
 * buffer outside the direct window or too many pieces; -HESTIA_EIO: the
 * queue was abandoned (the device misbehaved).  Does not notify.
 */
long virtq_add(struct virtq *q, const struct vbuf *bufs, unsigned n, void *cookie);
/* Notify the device of what was added. */
void virtq_kick(struct virtq *q);
/* The next chain the device finished: its cookie (*len: bytes it wrote), or NULL. */
void *virtq_get(struct virtq *q, uint32_t *len);
/* Whether the device has finished a chain not yet taken. */
bool virtq_pending(struct virtq *q);

/*
 * Wait until the device finishes a chain on q or deadline (guest ns)
 * passes: polls, sleeping between looks.  false on the deadline or when
 * the device says it needs a reset.
 */
bool virtq_wait(struct virtq *q, uint64_t deadline);

#endif
