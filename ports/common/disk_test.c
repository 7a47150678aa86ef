/* SPDX-License-Identifier: MIT */
/*
 * The disk scenario (tests/scenarios/disk.json): dom0 finds the virtio-blk
 * disk, writes a position-dependent pattern over all of it, flushes, reads
 * it back and checks every byte (test=disk); a second boot on the same
 * image file reads and checks what the first wrote (test=disk-verify).
 * The runner checks the file on the host in between (ci/hestia_cli/
 * hostcheck.py computes the same pattern).  BENCH lines: write and read
 * throughput in MiB/s of guest time.
 */
#include <port/blkdev.h>
#include <port/kernel.h>

#define CHUNK_PAGES 64u /* 256 KiB per write or read call */
#define CHUNK_BYTES (CHUNK_PAGES * HESTIA_PAGE_SIZE)
#define SEC 1000000000ull

/*
 * Byte o of the disk: byte (o % 8) of the little-endian 64-bit word
 * (w ^ 0x4845535449414449) * 0x9e3779b97f4a7c15, w = o / 8.  Keep in step
 * with ci/hestia_cli/hostcheck.py.
 */
static uint64_t pattern_word(uint64_t offset)
{
    uint64_t w = (offset / 8 ^ 0x4845535449414449ull) * 0x9e3779b97f4a7c15ull;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w); /* stored little-endian */
#endif
    return w;
}

/* buf (8-byte aligned) gets the pattern's bytes [offset, offset + bytes). */
static void pattern(uint64_t *buf, uint64_t offset, size_t bytes)
{
    for (size_t i = 0; i < bytes / 8; i++)
        buf[i] = pattern_word(offset + 8 * i);
}

/* The first byte of buf that differs from the pattern at offset, or -1. */
static long long mismatch(const uint64_t *buf, uint64_t offset, size_t bytes, uint8_t *want)
{
    for (size_t i = 0; i < bytes / 8; i++) {
        if (buf[i] == pattern_word(offset + 8 * i))
            continue;
        pattern((uint64_t *)want, offset, bytes);
        for (size_t k = 8 * i;; k++)
            if (((const uint8_t *)buf)[k] != want[k])
                return (long long)k;
    }
    return -1;
}

static uint64_t mib_per_s(uint64_t bytes, uint64_t ns)
{
    return ns ? bytes * SEC / ns >> 20 : 0;
}

struct disk_run {
    struct blkdev *b;
    uint64_t bytes;
    uint8_t *buf, *want;
    unsigned long calls; /* reads, writes and flushes that went to the device */
};

static bool disk_write_all(struct disk_run *d)
{
    uint64_t io_ns = 0;
    for (uint64_t off = 0; off < d->bytes; off += CHUNK_BYTES) {
        size_t n = d->bytes - off < CHUNK_BYTES ? (size_t)(d->bytes - off) : CHUNK_BYTES;
        pattern((uint64_t *)d->buf, off, n);
        uint64_t t0 = time_now_ns();
        long r = blkdev_write(d->b, off / BLKDEV_SECTOR, d->buf, n);
        d->calls++;
        io_ns += time_now_ns() - t0;
        if (r < 0) {
            test_report("disk.write", TR_FAIL, "write at byte %llu: %s",
                        (unsigned long long)off, kstrerror(r));
            return false;
        }
    }
    uint64_t t0 = time_now_ns();
    long r = blkdev_flush(d->b);
    d->calls++;
    io_ns += time_now_ns() - t0;
    test_report("disk.write", r == 0 ? TR_PASS : TR_FAIL, "%llu KiB written%s%s",
                (unsigned long long)(d->bytes >> 10),
                r == 0 ? " and flushed" : ", flush: ", r == 0 ? "" : kstrerror(r));
    if (r == 0)
        bench_report("disk.write", mib_per_s(d->bytes, io_ns), "MiB/s");
    return r == 0;
}

static void disk_read_check(struct disk_run *d, const char *name, const char *bench)
{
    uint64_t io_ns = 0;
    for (uint64_t off = 0; off < d->bytes; off += CHUNK_BYTES) {
        size_t n = d->bytes - off < CHUNK_BYTES ? (size_t)(d->bytes - off) : CHUNK_BYTES;
        __builtin_memset(d->buf, 0xa5, n); /* bytes the device did not write are caught */
        uint64_t t0 = time_now_ns();
        long r = blkdev_read(d->b, off / BLKDEV_SECTOR, d->buf, n);
        d->calls++;
        io_ns += time_now_ns() - t0;
        if (r < 0) {
            test_report(name, TR_FAIL, "read at byte %llu: %s", (unsigned long long)off,
                        kstrerror(r));
            return;
        }
        long long bad = mismatch((const uint64_t *)d->buf, off, n, d->want);
        if (bad >= 0) {
            uint64_t at = off + (uint64_t)bad;
            test_report(name, TR_FAIL, "byte %llu (sector %llu) is %02x, want %02x",
                        (unsigned long long)at, (unsigned long long)(at / BLKDEV_SECTOR),
                        d->buf[bad], d->want[bad]);
            return;
        }
    }
    test_report(name, TR_PASS, "%llu KiB read back, every byte as written",
                (unsigned long long)(d->bytes >> 10));
    bench_report(bench, mib_per_s(d->bytes, io_ns), "MiB/s");
}

/* A request past the end is refused before it reaches the device. */
static bool disk_bounds(struct disk_run *d)
{
    uint64_t end = blkdev_sectors(d->b);
    long a = blkdev_read(d->b, end, d->buf, BLKDEV_SECTOR);
    long b = blkdev_read(d->b, end - 1, d->buf, 2 * BLKDEV_SECTOR);
    long c = blkdev_read(d->b, 0, d->buf, 100);
    bool ok = a == -HESTIA_EINVAL && b == -HESTIA_EINVAL && c == -HESTIA_EINVAL;
    test_report("disk.bounds", ok ? TR_PASS : TR_FAIL,
                "past the end: %ld, straddling it: %ld, a partial sector: %ld", a, b, c);
    return ok;
}

/*
 * Completions came by interrupt where the platform routes the device's
 * line: at least one per call (each is one or more requests, and the
 * device interrupts for every request even when a waiter saw it first).
 */
static void disk_interrupts(struct disk_run *d)
{
    const char *mode = blkdev_irq_mode(d->b);
    unsigned long n = blkdev_interrupts(d->b);
    if (!kstrneq(mode, "interrupts", 10))
        test_report("disk.interrupts", TR_SKIP, "%s", mode);
    else
        test_report("disk.interrupts", n >= d->calls ? TR_PASS : TR_FAIL,
                    "%s: %lu taken for %lu calls", mode, n, d->calls);
}

/* test=disk (write, flush, read back) or test=disk-verify (read back only). */
void disk_test(bool write)
{
    struct disk_run d = {0};
    long r = blkdev_open(0, &d.b);
    if (r < 0) {
        test_report("disk.found", TR_FAIL, "no virtio-blk disk: %s", kstrerror(r));
        return;
    }
    d.bytes = blkdev_sectors(d.b) * BLKDEV_SECTOR;
    bool ok = d.bytes >= CHUNK_BYTES;
    test_report("disk.found", ok ? TR_PASS : TR_FAIL, "virtio-blk %s, %llu sectors, %s, %s",
                blkdev_where(d.b), (unsigned long long)blkdev_sectors(d.b),
                blkdev_can_flush(d.b) ? "flush" : "no flush", blkdev_irq_mode(d.b));
    long g = frames_alloc(2 * CHUNK_PAGES);
    if (!ok || g < 0) {
        if (g < 0)
            test_report("disk.memory", TR_FAIL, "no buffer: %s", kstrerror(g));
        return;
    }
    d.buf = gfn_to_va((uint64_t)g);
    d.want = d.buf + CHUNK_BYTES;
    if (!disk_bounds(&d))
        return;
    if (write && !disk_write_all(&d))
        return;
    if (write)
        disk_read_check(&d, "disk.read-back", "disk.read");
    else
        disk_read_check(&d, "disk.verify", "disk.verify-read");
    disk_interrupts(&d);
}
