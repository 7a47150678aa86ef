/* SPDX-License-Identifier: MIT */
/* ia64sim's virtio devices: the virtio-mmio transport (virtio 1.x, MMIO
 * version 2, split virtqueues) and the block and network devices behind it.
 * This header does not depend on the CPU model, so tests can drive the
 * devices through their registers with a plain buffer as RAM. */
#ifndef IA64SIM_VIRTIO_H
#define IA64SIM_VIRTIO_H

#include <stdint.h>

/* virtio-mmio register offsets (virtio 1.2 §4.2.2). */
#define VMMIO_MAGIC 0x000
#define VMMIO_VERSION 0x004
#define VMMIO_DEVICE_ID 0x008
#define VMMIO_VENDOR_ID 0x00c
#define VMMIO_DEVICE_FEATURES 0x010
#define VMMIO_DEVICE_FEATURES_SEL 0x014
#define VMMIO_DRIVER_FEATURES 0x020
#define VMMIO_DRIVER_FEATURES_SEL 0x024
#define VMMIO_QUEUE_SEL 0x030
#define VMMIO_QUEUE_NUM_MAX 0x034
#define VMMIO_QUEUE_NUM 0x038
#define VMMIO_QUEUE_READY 0x044
#define VMMIO_QUEUE_NOTIFY 0x050
#define VMMIO_INTERRUPT_STATUS 0x060
#define VMMIO_INTERRUPT_ACK 0x064
#define VMMIO_STATUS 0x070
#define VMMIO_QUEUE_DESC_LOW 0x080
#define VMMIO_QUEUE_DESC_HIGH 0x084
#define VMMIO_QUEUE_DRIVER_LOW 0x090
#define VMMIO_QUEUE_DRIVER_HIGH 0x094
#define VMMIO_QUEUE_DEVICE_LOW 0x0a0
#define VMMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VMMIO_CONFIG_GENERATION 0x0fc
#define VMMIO_CONFIG 0x100

#define VMMIO_MAGIC_VALUE 0x74726976u   /* "virt" */
#define VMMIO_VENDOR_HESTIA 0x54534548u /* "HEST" */
#define VMMIO_WINDOW 0x1000             /* bytes of registers + config per device */

/* Device status bits (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* Interrupt status bits (§4.2.2). */
#define VIRTIO_INT_USED 1
#define VIRTIO_INT_CONFIG 2

#define VIRTIO_F_VERSION_1 (1ull << 32)

/* Split virtqueue descriptor flags (§2.7.5) and ring flags. */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define VIRTIO_MAX_QUEUES 2
#define VIRTQ_MAX_SIZE 256 /* QueueNumMax of every queue */

struct virtq {
    uint32_t num; /* QueueNum: a power of 2, 1..VIRTQ_MAX_SIZE */
    uint32_t ready;
    uint64_t desc, driver, device; /* guest physical addresses */
    uint16_t last_avail;           /* next available-ring entry the device takes */
    uint16_t used_idx;             /* next used-ring entry the device fills */
};

/* One descriptor chain taken from the available ring, checked: every
 * segment lies inside RAM, readable segments come before writable ones. */
struct vq_seg {
    uint64_t addr;
    uint32_t len;
    uint8_t write; /* device-writable */
};
struct vq_chain {
    uint16_t head;
    unsigned nseg;
    uint64_t readable, writable; /* total bytes of each kind */
    struct vq_seg seg[VIRTQ_MAX_SIZE];
};

struct virtio_dev;

/* What a device type adds to the transport. */
struct virtio_type {
    const char *name; /* "virtio-blk", in messages */
    uint32_t device_id;
    unsigned nqueues;
    uint64_t features;    /* offered; VIRTIO_F_VERSION_1 always included */
    unsigned config_size; /* bytes of dev->config the driver sees */
    void (*notify)(struct virtio_dev *d, unsigned queue);
    void (*reset)(struct virtio_dev *d);   /* device-side state back to power-on */
    void (*release)(struct virtio_dev *d); /* closes the backend, frees priv */
};

struct virtio_dev {
    const struct virtio_type *type;
    uint64_t base;   /* physical address of the register window */
    unsigned vector; /* external interrupt vector (level: pending while isr != 0) */
    uint8_t *ram;    /* guest RAM at physical 0 */
    uint64_t ram_size;
    void *priv; /* the device type's state */
    /* Called after the device wrote guest RAM (the simulator drops decoded
     * instructions there); may be NULL. */
    void (*dma_written)(uint64_t pa, uint64_t len);

    uint32_t dev_features_sel, drv_features_sel;
    uint64_t driver_features;
    uint32_t status, isr, config_generation;
    uint32_t queue_sel;
    struct virtq q[VIRTIO_MAX_QUEUES];
    uint8_t config[64]; /* device configuration space, little-endian */
};

/* virtio_mmio.c: the transport and split virtqueues. */
void virtio_init(struct virtio_dev *d, const struct virtio_type *t, uint64_t base,
                 unsigned vector, uint8_t *ram, uint64_t ram_size, void *priv);
/* A register read / write of sz (1, 2, 4 or 8) bytes at off in the window.
 * Accesses the transport does not define read 0 / are ignored, with a
 * message on stderr. */
uint64_t virtio_mmio_read(struct virtio_dev *d, uint64_t off, unsigned sz);
void virtio_mmio_write(struct virtio_dev *d, uint64_t off, unsigned sz, uint64_t v);
/* Closes the device's backend (file, sockets) and frees its state. */
void virtio_release(struct virtio_dev *d);
/* The device is unusable until the driver resets it: sets
 * DEVICE_NEEDS_RESET and raises a configuration change interrupt. */
void virtio_fail(struct virtio_dev *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* 1 while the driver has the device running (DRIVER_OK, no NEEDS_RESET). */
int virtio_running(const struct virtio_dev *d);
/* Takes the next available chain of queue qi: 1 with *ch filled, 0 when
 * the ring is empty, -1 after a malformed chain or ring (virtio_fail). */
int vq_pop(struct virtio_dev *d, unsigned qi, struct vq_chain *ch);
/* Returns the chain to the used ring with written bytes, and raises the
 * used-buffer interrupt unless the driver suppressed it. */
void vq_push(struct virtio_dev *d, unsigned qi, uint16_t head, uint32_t written);
/* Copies between a chain's readable (from) or writable (to) bytes, starting
 * off bytes into that part, and a host buffer; returns the bytes copied. */
uint64_t vq_read(struct virtio_dev *d, const struct vq_chain *ch, uint64_t off, void *buf,
                 uint64_t len);
uint64_t vq_write(struct virtio_dev *d, const struct vq_chain *ch, uint64_t off,
                  const void *buf, uint64_t len);
/* 1 when [pa, pa + len) lies inside guest RAM. */
int guest_range_ok(const struct virtio_dev *d, uint64_t pa, uint64_t len);

/* virtio_blk.c: a block device on a host file.  0, or -1 with a message. */
int virtio_blk_open(struct virtio_dev *d, const char *path);

/* virtio_net.c: a network device on a host stream socket. spec is
 * "unix:PATH" (connect) or "listen:PATH"; mac NULL for the default.
 * 0, or -1 with a message. */
int virtio_net_open(struct virtio_dev *d, const char *spec, const char *mac);
/* Moves frames between the socket and the queues without blocking. */
void virtio_net_poll(struct virtio_dev *d);
/* Waits, in host time, up to max_ns for the peer (or, listening, for one to
 * connect): 1 when something arrived (already moved by virtio_net_poll),
 * 0 after max_ns, -1 at once when there is no socket to wait on.  The time
 * spent is in *waited_ns (at most max_ns). */
int virtio_net_wait(struct virtio_dev *d, uint64_t max_ns, uint64_t *waited_ns);
/* For tests: the net device on an already connected stream socket fd. */
int virtio_net_attach_fd(struct virtio_dev *d, int fd, const uint8_t mac[6]);

#endif
