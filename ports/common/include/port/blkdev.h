/* SPDX-License-Identifier: MIT */
/*
 * dom0's block devices (virtio-blk over PCI or MMIO: ports/common/virtio/blk.c,
 * docs/virtio.md).  Sectors are 512 bytes; buffers are dom0 memory in its
 * direct window (static, stack or frame_alloc'd), any alignment.  Every
 * call returns 0 or a negative HESTIA_E* code.
 */
#ifndef PORT_BLKDEV_H
#define PORT_BLKDEV_H

#include <stddef.h>
#include <stdint.h>

#define BLKDEV_SECTOR 512u

struct blkdev; /* opaque */
/* The index-th disk; -HESTIA_ENODEV if none. */
long blkdev_open(unsigned index, struct blkdev **out);
/* Capacity in sectors. */
uint64_t blkdev_sectors(struct blkdev *b);
/* Whether the device takes flushes (VIRTIO_BLK_F_FLUSH). */
int blkdev_can_flush(struct blkdev *b);
/*
 * Read or write bytes (a multiple of 512) at sector.  -HESTIA_EINVAL: a
 * length not a multiple of 512 or beyond the capacity; -HESTIA_EIO: the
 * device reported an error or did not answer.
 */
long blkdev_read(struct blkdev *b, uint64_t sector, void *buf, size_t bytes);
long blkdev_write(struct blkdev *b, uint64_t sector, const void *buf, size_t bytes);
/* Everything written so far is on stable storage when this returns 0. */
long blkdev_flush(struct blkdev *b);
/* The device's name for messages ("pci 00:04.0"). */
const char *blkdev_where(struct blkdev *b);
/* How completions are noticed ("interrupts (pirq 11)" or "polling (why)"), and interrupts
 * taken. */
const char *blkdev_irq_mode(struct blkdev *b);
unsigned long blkdev_interrupts(struct blkdev *b);

#endif
