/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk (virtio 1.2, 5.2): read, write, flush, capacity.  A request
 * is a chain of a 16-byte header (device-readable), the data (readable
 * for a write, writable for a read) and a status byte (writable).  One
 * request is in flight at a time; a large transfer goes as requests of up
 * to BLK_CHUNK bytes.
 */
#include <port/blkdev.h>

#include "virtio.h"

#define VIRTIO_BLK_F_FLUSH (1ull << 9)
#define VIRTIO_BLK_T_IN 0u
#define VIRTIO_BLK_T_OUT 1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_S_OK 0u
#define BLK_CFG_CAPACITY 0
#define BLK_CHUNK (64u * 1024u)
#define BLK_TIMEOUT_NS 10000000000ull /* a request the device has not finished in 10 s */
#define MAX_DISKS 2

struct blk_req_hdr {
    uint32_t type, reserved;
    uint64_t sector;
};

/* The header and status of the one request in flight: a frame of their own. */
struct blk_dma {
    struct blk_req_hdr hdr;
    uint8_t status;
};

struct blkdev {
    struct virtio_dev dev;
    struct virtq q;
    uint64_t sectors;
    struct blk_dma *dma;
    bool failed; /* a request got no answer: its buffers may still be written */
};

static struct blkdev disks[MAX_DISKS];
static bool disk_open[MAX_DISKS];

long blkdev_open(unsigned index, struct blkdev **out)
{
    if (index >= MAX_DISKS)
        return -HESTIA_ENODEV;
    struct blkdev *b = &disks[index];
    if (disk_open[index]) {
        *out = b;
        return 0;
    }
    long r = virtio_find(VIRTIO_ID_BLOCK, index, &b->dev);
    if (r < 0)
        return r;
    if ((r = virtio_start(&b->dev, 0, VIRTIO_BLK_F_FLUSH)) < 0 ||
        (r = virtio_irq_setup(&b->dev)) < 0)
        return r;
    long g = frame_alloc();
    if (g < 0)
        return g;
    b->dma = gfn_to_va((uint64_t)g);
    if ((r = virtq_init(&b->dev, &b->q, 0)) < 0) {
        printk("virtio-blk %s: request queue: %s\n", b->dev.where, kstrerror(r));
        virtio_fail(&b->dev);
        return r;
    }
    b->sectors = virtio_config64(&b->dev, BLK_CFG_CAPACITY);
    virtio_ready(&b->dev);
    disk_open[index] = true;
    *out = b;
    return 0;
}

uint64_t blkdev_sectors(struct blkdev *b)
{
    return b->sectors;
}

int blkdev_can_flush(struct blkdev *b)
{
    return (b->dev.features & VIRTIO_BLK_F_FLUSH) != 0;
}

const char *blkdev_where(struct blkdev *b)
{
    return b->dev.where;
}

const char *blkdev_irq_mode(struct blkdev *b)
{
    return virtio_irq_mode(&b->dev);
}

unsigned long blkdev_interrupts(struct blkdev *b)
{
    return b->dev.irq_on ? b->dev.irqs : 0;
}

/* One request: type at sector with data (NULL for a flush); waits for it. */
static long request(struct blkdev *b, unsigned type, uint64_t sector, const void *data,
                    size_t bytes)
{
    if (b->failed)
        return -HESTIA_EIO;
    b->dma->hdr =
        (struct blk_req_hdr){.type = VIRTIO_LE32(type), .sector = VIRTIO_LE64(sector)};
    b->dma->status = 0xff; /* a device that writes nothing is caught */
    struct vbuf v[3];
    unsigned n = 0;
    v[n++] = (struct vbuf){&b->dma->hdr, sizeof b->dma->hdr, false};
    if (bytes)
        v[n++] = (struct vbuf){data, bytes, type == VIRTIO_BLK_T_IN};
    v[n++] = (struct vbuf){&b->dma->status, 1, true};
    long r = virtq_add(&b->q, v, n, b);
    if (r < 0)
        return r;
    virtq_kick(&b->q);
    if (!virtq_wait(&b->q, time_now_ns() + BLK_TIMEOUT_NS)) {
        printk("virtio-blk %s: request type %u at sector %llu: no answer (status 0x%x); "
               "disk abandoned\n",
               b->dev.where, type, (unsigned long long)sector, b->dev.ops->status(&b->dev));
        b->failed = true;
        virtio_fail(&b->dev);
        return -HESTIA_EIO;
    }
    uint32_t len;
    if (virtq_get(&b->q, &len) != b)
        return -HESTIA_EIO;
    uint8_t status = *(volatile uint8_t *)&b->dma->status;
    if (status != VIRTIO_BLK_S_OK) {
        printk("virtio-blk %s: request type %u at sector %llu: status %u\n", b->dev.where,
               type, (unsigned long long)sector, status);
        return -HESTIA_EIO;
    }
    if (type == VIRTIO_BLK_T_IN && len < bytes + 1) {
        printk("virtio-blk %s: read at sector %llu: %u bytes written, want %zu\n",
               b->dev.where, (unsigned long long)sector, len, bytes + 1);
        return -HESTIA_EIO;
    }
    return 0;
}

static long transfer(struct blkdev *b, unsigned type, uint64_t sector, const void *buf,
                     size_t bytes)
{
    if (bytes % BLKDEV_SECTOR || sector > b->sectors ||
        bytes / BLKDEV_SECTOR > b->sectors - sector)
        return -HESTIA_EINVAL;
    const uint8_t *p = buf;
    while (bytes) {
        size_t n = bytes < BLK_CHUNK ? bytes : BLK_CHUNK;
        long r = request(b, type, sector, p, n);
        if (r < 0)
            return r;
        p += n;
        bytes -= n;
        sector += n / BLKDEV_SECTOR;
    }
    return 0;
}

long blkdev_read(struct blkdev *b, uint64_t sector, void *buf, size_t bytes)
{
    return transfer(b, VIRTIO_BLK_T_IN, sector, buf, bytes);
}

long blkdev_write(struct blkdev *b, uint64_t sector, const void *buf, size_t bytes)
{
    return transfer(b, VIRTIO_BLK_T_OUT, sector, buf, bytes);
}

long blkdev_flush(struct blkdev *b)
{
    if (!blkdev_can_flush(b))
        return -HESTIA_ENOSYS;
    return request(b, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}
