/* SPDX-License-Identifier: MIT */
/*
 * dom0's save to disk (ports/common/migrate/save.c, docs/migration.md):
 * a paused domU's memory, vCPU states and scheduler parameters as a stream
 * (port/migstream.h) in a container on the virtio-blk disk: sector 0 holds
 * struct save_image_header, the stream starts at sector 1.
 */
#ifndef PORT_SAVE_H
#define PORT_SAVE_H

#include <hestia/abi.h>
#include <port/migstream.h>

#define SAVE_IMAGE_MAGIC "HSAVEIMG"
#define SAVE_IMAGE_VERSION                                                                 \
    2 /* 2: stream version 3 or later, stream_crc over record headers */

struct save_image_header {
    char magic[8];    /* SAVE_IMAGE_MAGIC */
    uint32_t version; /* SAVE_IMAGE_VERSION */
    uint32_t
        stream_crc; /* CRC-32 of the stream's record headers (each has its body's sum) */
    uint64_t stream_len; /* bytes of stream from sector 1 */
    uint32_t domid;      /* the domain saved (for messages only) */
    uint32_t header_crc; /* CRC-32 of this struct with this field 0 */
};

/* CRC-32 of h with its header_crc field 0 (migrate/image.c). */
uint32_t save_image_header_crc(struct save_image_header h);

/*
 * Check a container header read from a disk whose stream area holds room
 * bytes: the magic, the header's CRC, the version (an older dom0's image is
 * refused by name), the stream's length.  0, or -HESTIA_ENOENT (no image)
 * or -HESTIA_EINVAL with *why in words.
 */
long save_image_header_check(const struct save_image_header *hdr, uint64_t room,
                             const char **why);

struct save_stats {
    uint64_t pages, vcpus, bytes;
    uint64_t write_ns;  /* pause to flushed */
    uint64_t io_ns;     /* of which inside blkdev_write / blkdev_flush */
    uint64_t verify_ns; /* read back and checked */
    /* Parts of write_ns: DOMCTL_read_memory, the frames' records (zero tests,
     * sums, staging; their disk writes included), everything else. */
    uint64_t read_ns, frames_ns;
};

/*
 * Save domid (paused here if it runs) to disk 0, flush, read the image
 * back and check it with the stream reader and the container's CRC.  With
 * destroy, the domain is destroyed only after all that succeeded;
 * otherwise it is left paused.  0 or a negative error; *why says it in
 * words (a static string) on error.
 */
long save_domain(hestia_domid_t domid, bool destroy, struct save_stats *st,
                 const char **why);

/*
 * Check the image on disk 0 with the stream reader: the container header,
 * every record, the end record and the whole-stream CRC.  Calls each_record
 * (if not NULL) with every record as it is accepted; a non-zero return
 * stops with that error.  0 or a negative error with *why.
 */
long save_image_check(int (*each_record)(void *ctx, const struct mig_record *rec),
                      void *ctx, struct save_image_header *hdr, const char **why);

/*
 * The stream of disk 0's image as a byte source (restore.c): the container
 * header is checked first.  After the stream was read to its end record,
 * save_image_source_end checks its length and the whole-stream CRC the
 * reader computed (mig_reader.stream_crc).  0 or a negative error with *why.
 */
long save_image_source(struct mig_source *src, const char **why);
long save_image_source_end(uint32_t stream_crc, const char **why);
/* Guest time spent inside blkdev_read by the source save_image_source() gave. */
uint64_t save_image_source_io_ns(void);

#endif
