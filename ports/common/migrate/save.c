/* SPDX-License-Identifier: MIT */
/*
 * Save a domU to the virtio-blk disk (docs/migration.md): the stream writer
 * over a sink that fills sectors, then the whole image read back through
 * the stream reader before the domain may be destroyed.
 */
#include <hestia/vcpu_state.h>
#include <port/blkdev.h>
#include <port/kernel.h>
#include <port/save.h>
#include <port/toolstack.h>

#define BATCH 16u                           /* frames per DOMCTL_read_memory */
#define IO_BYTES (BATCH * HESTIA_PAGE_SIZE) /* disk staging buffer */
#define STREAM_SECTOR 1u

static uint8_t frames[BATCH * HESTIA_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t io[IO_BYTES] __attribute__((aligned(512)));
static struct hestia_vcpu_state vstate;
static struct domctl_mapping maps[DOMCTL_MAPPINGS_MAX];
_Static_assert(sizeof(struct domctl_mapping) == sizeof(struct mig_mapping),
               "mapping layout");
static uint8_t dstate[DOMAIN_STATE_MAX_SIZE] __attribute__((aligned(8)));

/* Sectors of the disk as a byte sink / source, buffered in io[]. */
struct disk_stream {
    struct blkdev *b;
    uint64_t sector; /* where io[] goes next / came from */
    size_t fill;     /* sink: bytes in io[]; source: bytes of io[] consumed */
    size_t have;     /* source: bytes valid in io[] */
    uint64_t pos, limit;
    uint64_t io_ns; /* guest time inside the block calls */
};

/* blkdev_write, timed. */
static long timed_write(struct disk_stream *d, uint64_t sector, const void *buf, size_t n)
{
    uint64_t t0 = time_now_ns();
    long r = blkdev_write(d->b, sector, buf, n);
    d->io_ns += time_now_ns() - t0;
    return r;
}

static int disk_write(void *ctx, const void *buf, size_t len)
{
    struct disk_stream *d = ctx;
    const uint8_t *p = buf;
    while (len) {
        size_t n = MIN(len, IO_BYTES - d->fill);
        __builtin_memcpy(io + d->fill, p, n);
        d->fill += n, p += n, len -= n, d->pos += n;
        if (d->fill == IO_BYTES) {
            long r = timed_write(d, d->sector, io, IO_BYTES);
            if (r < 0)
                return (int)r;
            d->sector += IO_BYTES / BLKDEV_SECTOR;
            d->fill = 0;
        }
    }
    return 0;
}

/* Write what is left in io[], padded to a sector. */
static long disk_write_tail(struct disk_stream *d)
{
    if (!d->fill)
        return 0;
    size_t n = ALIGN_UP(d->fill, (size_t)BLKDEV_SECTOR);
    __builtin_memset(io + d->fill, 0, n - d->fill);
    return timed_write(d, d->sector, io, n);
}

static int disk_read(void *ctx, void *buf, size_t len)
{
    struct disk_stream *d = ctx;
    uint8_t *p = buf;
    if (len > d->limit - d->pos)
        return -HESTIA_EIO; /* the stream ends inside this read: truncated */
    while (len) {
        if (d->fill == d->have) {
            uint64_t left = d->limit - d->pos;
            size_t n =
                (size_t)MIN((uint64_t)IO_BYTES, ALIGN_UP(left, (uint64_t)BLKDEV_SECTOR));
            uint64_t t0 = time_now_ns();
            long r = blkdev_read(d->b, d->sector, io, n);
            d->io_ns += time_now_ns() - t0;
            if (r < 0)
                return (int)r;
            d->sector += n / BLKDEV_SECTOR;
            d->fill = 0, d->have = n;
        }
        size_t n = MIN(len, d->have - d->fill);
        __builtin_memcpy(p, io + d->fill, n);
        d->fill += n, p += n, len -= n, d->pos += n;
    }
    return 0;
}

/* The mappings records of one address space; none if the space does not exist. */
static long write_space(struct mig_writer *w, hestia_domid_t domid, uint32_t space,
                        const char **why)
{
    uint64_t va = 0;
    for (;;) {
        struct hestia_domctl d = {0};
        d.u.get_mappings.buf = (uintptr_t)maps;
        d.u.get_mappings.start_va = va;
        d.u.get_mappings.space = space;
        d.u.get_mappings.max = DOMCTL_MAPPINGS_MAX;
        long r = ts_domctl(DOMCTL_get_mappings, domid, &d);
        if (r == -HESTIA_EBADF && va == 0)
            return 0;
        if (r < 0) {
            *why = "DOMCTL_get_mappings refused";
            return r;
        }
        if (d.u.get_mappings.nr)
            r = mig_write_mappings(w, space, (const struct mig_mapping *)maps,
                                   d.u.get_mappings.nr);
        if (r || !d.u.get_mappings.more)
            return r;
        va = d.u.get_mappings.next_va;
    }
}

/* Memory, mappings, vCPU, domain and end records of a paused domain. */
static long write_stream(struct mig_writer *w, hestia_domid_t domid,
                         const struct domctl_info *info, struct save_stats *st,
                         const char **why)
{
    long r = ts_vcpu_state_get(domid, 0, &vstate);
    if (r < 0) {
        *why = "cannot read vCPU 0's state";
        return r;
    }
    r = mig_write_header(w, vstate.hdr.arch, info->nr_pages, info->nr_vcpus, 0);
    struct hestia_domctl d = {0};
    if (!r)
        r = ts_domctl(DOMCTL_sched_get, domid, &d);
    struct mig_domain_state ds = {.weight = d.u.sched.weight, .cap = d.u.sched.cap};
    if (!r)
        r = mig_write_domain(w, &ds);
    for (uint64_t g = 0; !r && g < info->nr_pages; g += BATCH) {
        uint64_t gfns[BATCH];
        uint32_t n = (uint32_t)MIN((uint64_t)BATCH, info->nr_pages - g);
        for (uint32_t i = 0; i < n; i++)
            gfns[i] = g + i;
        __builtin_memset(&d, 0, sizeof(d));
        d.u.read_memory.gfns = (uintptr_t)gfns;
        d.u.read_memory.buf = (uintptr_t)frames;
        d.u.read_memory.nr = n;
        uint64_t t0 = time_now_ns();
        r = ts_domctl(DOMCTL_read_memory, domid, &d);
        uint64_t t1 = time_now_ns();
        st->read_ns += t1 - t0;
        if (r < 0) {
            *why = "DOMCTL_read_memory refused";
            return r;
        }
        r = mig_write_frames(w, gfns, frames, n);
        st->frames_ns += time_now_ns() - t1;
    }
    for (uint32_t space = 0; !r && space < MIG_MAX_SPACES; space++)
        r = write_space(w, domid, space, why);
    for (uint32_t v = 0; !r && v < info->nr_vcpus; v++) {
        long g = ts_vcpu_state_get(domid, v, &vstate);
        if (g == -HESTIA_EINVAL)
            continue; /* never started: nothing to restore */
        r = g < 0 ? g : mig_write_vcpu(w, v, &vstate, vstate.hdr.size);
    }
    if (!r) {
        __builtin_memset(&d, 0, sizeof(d));
        d.u.domain_state.buf = (uintptr_t)dstate;
        d.u.domain_state.size = sizeof(dstate);
        r = ts_domctl(DOMCTL_get_domain_state, domid, &d);
        if (r < 0)
            *why = "DOMCTL_get_domain_state refused";
        else
            r = mig_write_domain_state(w, dstate, d.u.domain_state.size);
    }
    if (!r)
        r = mig_write_end(w);
    if (r && !*why)
        *why = "writing the stream to the disk failed";
    return r;
}

long save_domain(hestia_domid_t domid, bool destroy, struct save_stats *st,
                 const char **why)
{
    *why = NULL;
    __builtin_memset(st, 0, sizeof(*st));
    struct blkdev *b;
    long r = blkdev_open(0, &b);
    if (r < 0) {
        *why = "no disk";
        return r;
    }
    struct domctl_info info;
    r = ts_getinfo(domid, &info);
    if (r < 0 || info.domid != domid) {
        *why = "no such domain";
        return r < 0 ? r : -HESTIA_ESRCH;
    }
    uint64_t need = (info.nr_pages * (HESTIA_PAGE_SIZE + 8) + (64u << 10)) / BLKDEV_SECTOR;
    if (need + STREAM_SECTOR > blkdev_sectors(b)) {
        *why = "the disk is too small for this domain";
        return -HESTIA_ENOSPC;
    }
    uint64_t t0 = time_now_ns();
    if (info.state != DOMSTATE_paused && (r = ts_pause(domid)) < 0) {
        *why = "cannot pause the domain";
        return r;
    }
    struct disk_stream ds = {.b = b, .sector = STREAM_SECTOR};
    struct mig_writer w;
    mig_writer_init(&w, (struct mig_sink){.write = disk_write, .ctx = &ds});
    r = write_stream(&w, domid, &info, st, why);
    if (!r)
        r = disk_write_tail(&ds);
    struct save_image_header h = {.version = SAVE_IMAGE_VERSION,
                                  .stream_crc = w.stream_crc,
                                  .stream_len = ds.pos,
                                  .domid = domid};
    __builtin_memcpy(h.magic, SAVE_IMAGE_MAGIC, 8);
    h.header_crc = save_image_header_crc(h);
    if (!r) {
        static uint8_t sector0[BLKDEV_SECTOR] __attribute__((aligned(512)));
        __builtin_memset(sector0, 0, sizeof(sector0));
        __builtin_memcpy(sector0, &h, sizeof(h));
        r = timed_write(&ds, 0, sector0, sizeof(sector0));
    }
    if (!r && blkdev_can_flush(b)) {
        uint64_t f0 = time_now_ns();
        r = blkdev_flush(b);
        ds.io_ns += time_now_ns() - f0;
    }
    if (r) {
        if (!*why)
            *why = "the disk refused the image";
        return r;
    }
    st->write_ns = time_now_ns() - t0;
    st->io_ns = ds.io_ns;
    st->pages = w.pages, st->vcpus = w.vcpus, st->bytes = w.bytes;
    uint64_t t1 = time_now_ns();
    struct save_image_header back;
    r = save_image_check(NULL, NULL, &back, why);
    if (!r && (back.stream_crc != h.stream_crc || back.stream_len != h.stream_len)) {
        *why = "the image read back is not the one written";
        r = -HESTIA_EIO;
    }
    st->verify_ns = time_now_ns() - t1;
    if (r)
        return r; /* the domain stays, paused */
    if (destroy && (r = ts_destroy(domid)) < 0)
        *why = "saved, but destroying the domain failed";
    return r;
}

/* Open disk 0's image: the container header checked, ds set up to read the stream. */
static long image_open(struct disk_stream *ds, struct save_image_header *hdr,
                       const char **why)
{
    *why = NULL;
    struct blkdev *b;
    long r = blkdev_open(0, &b);
    if (r < 0) {
        *why = "no disk";
        return r;
    }
    static uint8_t sector0[BLKDEV_SECTOR] __attribute__((aligned(512)));
    r = blkdev_read(b, 0, sector0, sizeof(sector0));
    if (r < 0) {
        *why = "cannot read the image header";
        return r;
    }
    __builtin_memcpy(hdr, sector0, sizeof(*hdr));
    r = save_image_header_check(hdr, (blkdev_sectors(b) - STREAM_SECTOR) * BLKDEV_SECTOR,
                                why);
    if (r)
        return r;
    *ds = (struct disk_stream){.b = b, .sector = STREAM_SECTOR, .limit = hdr->stream_len};
    return 0;
}

static struct disk_stream source_ds;
static struct save_image_header source_hdr;

long save_image_source(struct mig_source *src, const char **why)
{
    long r = image_open(&source_ds, &source_hdr, why);
    if (r == 0)
        *src = (struct mig_source){.read = disk_read, .ctx = &source_ds};
    return r;
}

uint64_t save_image_source_io_ns(void)
{
    return source_ds.io_ns;
}

long save_image_source_end(uint32_t stream_crc, const char **why)
{
    if (source_ds.pos != source_hdr.stream_len || stream_crc != source_hdr.stream_crc) {
        *why = "the stream ends early or its whole-stream CRC differs";
        return -HESTIA_EINVAL;
    }
    return 0;
}

long save_image_check(int (*each_record)(void *ctx, const struct mig_record *rec),
                      void *ctx, struct save_image_header *hdr, const char **why)
{
    struct disk_stream ds;
    long r = image_open(&ds, hdr, why);
    if (r)
        return r;
    struct mig_reader *reader =
        mig_reader_alloc((struct mig_source){.read = disk_read, .ctx = &ds},
                         arch_vcpu_state_arch(), MIG_MAX_PAGES);
    if (!reader) {
        *why = "dom0 is out of memory for the stream reader";
        return -HESTIA_ENOMEM;
    }
    struct mig_record rec;
    bool differ = false;
    while ((r = mig_read_next(reader, &rec)) == 1) {
        if (each_record && (r = each_record(ctx, &rec)) != 0) {
            *why = "the record's contents differ";
            differ = true;
            break;
        }
    }
    if (r < 0 && !differ)
        *why = reader->error;
    else if (!r && (ds.pos != hdr->stream_len || reader->stream_crc != hdr->stream_crc)) {
        *why = "the stream ends early or its whole-stream CRC differs";
        r = -HESTIA_EINVAL;
    }
    mig_reader_free(reader);
    return r;
}
