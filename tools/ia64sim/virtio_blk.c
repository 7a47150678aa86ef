/* SPDX-License-Identifier: MIT */
/* virtio-blk (virtio 1.2 §5.2) on a host file: read, write, flush and the
 * device id.  Requests are served synchronously when the driver notifies
 * the queue, so a run with a disk stays deterministic. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virtio.h"

#define VIRTIO_BLK_ID 2
#define VIRTIO_BLK_F_FLUSH (1ull << 9)
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_ID_BYTES 20
#define SECTOR 512ull
#define BOUNCE 65536u

struct blk {
    int fd;
    uint64_t sectors;
    char id[VIRTIO_BLK_ID_BYTES];
    uint8_t bounce[BOUNCE];
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Moves len bytes between the file at pos and the chain (starting at byte
 * off of its readable or writable part).  0, or -1 on a host I/O error. */
static int transfer(struct virtio_dev *d, struct blk *b, const struct vq_chain *ch,
                    int to_guest, uint64_t off, uint64_t pos, uint64_t len)
{
    while (len) {
        size_t n = len < BOUNCE ? (size_t)len : BOUNCE;
        ssize_t r;

        if (to_guest) {
            r = pread(b->fd, b->bounce, n, (off_t)pos);
            if (r != (ssize_t)n)
                return -1;
            vq_write(d, ch, off, b->bounce, n);
        } else {
            vq_read(d, ch, off, b->bounce, n);
            r = pwrite(b->fd, b->bounce, n, (off_t)pos);
            if (r != (ssize_t)n)
                return -1;
        }
        off += n;
        pos += n;
        len -= n;
    }
    return 0;
}

/* One request: header (type, reserved, sector) readable, then the data,
 * then the status byte as the last writable byte.  Returns the bytes
 * written into the chain (for the used ring). */
static uint32_t serve(struct virtio_dev *d, struct blk *b, const struct vq_chain *ch)
{
    uint8_t hdr[16], st = VIRTIO_BLK_S_OK;
    uint64_t sector, data = 0, written = 0;
    uint32_t type;

    vq_read(d, ch, 0, hdr, sizeof(hdr));
    type = le32(hdr);
    sector = (uint64_t)le32(hdr + 8) | (uint64_t)le32(hdr + 12) << 32;
    switch (type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT:
        data = type == VIRTIO_BLK_T_IN ? ch->writable - 1 : ch->readable - sizeof(hdr);
        if (data % SECTOR || sector > b->sectors || data / SECTOR > b->sectors - sector)
            st = VIRTIO_BLK_S_IOERR;
        else if (transfer(d, b, ch, type == VIRTIO_BLK_T_IN,
                          type == VIRTIO_BLK_T_IN ? 0 : 16, sector * SECTOR, data))
            st = VIRTIO_BLK_S_IOERR;
        else if (type == VIRTIO_BLK_T_IN)
            written = data;
        break;
    case VIRTIO_BLK_T_FLUSH:
        st = fsync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
        break;
    case VIRTIO_BLK_T_GET_ID:
        written =
            ch->writable - 1 < VIRTIO_BLK_ID_BYTES ? ch->writable - 1 : VIRTIO_BLK_ID_BYTES;
        vq_write(d, ch, 0, b->id, written);
        break;
    default:
        st = VIRTIO_BLK_S_UNSUPP;
    }
    vq_write(d, ch, ch->writable - 1, &st, 1);
    return (uint32_t)written + 1;
}

static void blk_notify(struct virtio_dev *d, unsigned queue)
{
    static struct vq_chain ch;
    struct blk *b = d->priv;
    int r;

    while ((r = vq_pop(d, queue, &ch)) == 1) {
        if (ch.readable < 16 || ch.writable < 1) {
            virtio_fail(d,
                        "request at descriptor %u lacks its 16-byte header or status byte",
                        ch.head);
            return;
        }
        vq_push(d, queue, ch.head, serve(d, b, &ch));
    }
}

static void blk_release(struct virtio_dev *d)
{
    struct blk *b = d->priv;

    close(b->fd);
    free(b);
}

static const struct virtio_type blk_type = {
    .name = "virtio-blk",
    .device_id = VIRTIO_BLK_ID,
    .nqueues = 1,
    .features = VIRTIO_BLK_F_FLUSH,
    .config_size = 24, /* capacity, size_max, seg_max, geometry, blk_size */
    .notify = blk_notify,
    .release = blk_release,
};

int virtio_blk_open(struct virtio_dev *d, const char *path)
{
    struct blk *b = calloc(1, sizeof(*b));
    const char *base = strrchr(path, '/');
    struct stat sb;

    if (!b)
        return -1;
    b->fd = open(path, O_RDWR);
    if (b->fd < 0 || fstat(b->fd, &sb)) {
        fprintf(stderr, "ia64sim: --disk %s: %s\n", path, strerror(errno));
        free(b);
        return -1;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size < (off_t)SECTOR) {
        fprintf(stderr, "ia64sim: --disk %s: not a regular file of at least 512 bytes\n",
                path);
        close(b->fd);
        free(b);
        return -1;
    }
    b->sectors = (uint64_t)sb.st_size / SECTOR;
    if ((uint64_t)sb.st_size % SECTOR)
        fprintf(stderr,
                "ia64sim: --disk %s: the last %llu bytes (not a whole sector) are "
                "not used\n",
                path, (unsigned long long)((uint64_t)sb.st_size % SECTOR));
    base = base ? base + 1 : path; /* the id: NUL-padded, unterminated when 20 bytes */
    memcpy(b->id, base, strnlen(base, sizeof(b->id)));
    d->type = &blk_type;
    d->priv = b;
    for (unsigned i = 0; i < 8; i++)
        d->config[i] = (uint8_t)(b->sectors >> (8 * i));
    d->config[21] = SECTOR >> 8; /* blk_size 512, little-endian at offset 20 */
    return 0;
}
