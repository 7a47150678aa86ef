/* SPDX-License-Identifier: MIT */
/* ia64sim's virtio-mmio devices driven as a guest driver drives them:
 * registers through the transport's read/write entry points, rings and
 * buffers in a simulated RAM, a host file behind the disk and a socketpair
 * behind the network.  Built with ASan/UBSan: a hostile ring that made the
 * device touch memory outside RAM fails here. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../virtio.h"

#define RAM_SIZE (1u << 20)
#define QN 8 /* queue size the tests use */
/* Guest-physical layout of the test RAM. */
#define DESC(q) (0x1000u + 0x1000u * (q))
#define AVAIL(q) (0x4000u + 0x1000u * (q))
#define USED(q) (0x7000u + 0x1000u * (q))
#define BUF 0x10000u

static uint8_t *ram;
static int failures;
static char detail[256];

static void fail(const char *fmt, ...)
{
    va_list ap;

    if (detail[0])
        return; /* keep the first reason */
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
}

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond))                                                                       \
            fail(__VA_ARGS__);                                                             \
    } while (0)

static void report(const char *name)
{
    printf("TEST ia64sim.virtio.%s %s%s%s\n", name, detail[0] ? "FAIL" : "PASS",
           detail[0] ? " " : "", detail);
    failures += detail[0] != 0;
    detail[0] = 0;
}

static uint32_t rd(struct virtio_dev *d, unsigned off)
{
    return (uint32_t)virtio_mmio_read(d, off, 4);
}

static void wr(struct virtio_dev *d, unsigned off, uint32_t v)
{
    virtio_mmio_write(d, off, 4, v);
}

static void put16(uint64_t pa, uint16_t v)
{
    memcpy(ram + pa, &v, 2);
}

static uint16_t get16(uint64_t pa)
{
    uint16_t v;

    memcpy(&v, ram + pa, 2);
    return v;
}

static uint32_t get32(uint64_t pa)
{
    uint32_t v;

    memcpy(&v, ram + pa, 4);
    return v;
}

static uint64_t features(struct virtio_dev *d)
{
    wr(d, VMMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t f = rd(d, VMMIO_DEVICE_FEATURES);
    wr(d, VMMIO_DEVICE_FEATURES_SEL, 1);
    return f | (uint64_t)rd(d, VMMIO_DEVICE_FEATURES) << 32;
}

/* Reset, acknowledge, negotiate want; returns the status after FEATURES_OK. */
static uint32_t negotiate(struct virtio_dev *d, uint64_t want)
{
    wr(d, VMMIO_STATUS, 0);
    wr(d, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(d, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(d, VMMIO_DRIVER_FEATURES_SEL, 0);
    wr(d, VMMIO_DRIVER_FEATURES, (uint32_t)want);
    wr(d, VMMIO_DRIVER_FEATURES_SEL, 1);
    wr(d, VMMIO_DRIVER_FEATURES, (uint32_t)(want >> 32));
    wr(d, VMMIO_STATUS,
       VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    return rd(d, VMMIO_STATUS);
}

static void setup_queue(struct virtio_dev *d, unsigned q)
{
    memset(ram + DESC(q), 0, 16 * QN);
    memset(ram + AVAIL(q), 0, 6 + 2 * QN);
    memset(ram + USED(q), 0, 6 + 8 * QN);
    wr(d, VMMIO_QUEUE_SEL, q);
    wr(d, VMMIO_QUEUE_NUM, QN);
    wr(d, VMMIO_QUEUE_DESC_LOW, DESC(q));
    wr(d, VMMIO_QUEUE_DESC_HIGH, 0);
    wr(d, VMMIO_QUEUE_DRIVER_LOW, AVAIL(q));
    wr(d, VMMIO_QUEUE_DRIVER_HIGH, 0);
    wr(d, VMMIO_QUEUE_DEVICE_LOW, USED(q));
    wr(d, VMMIO_QUEUE_DEVICE_HIGH, 0);
    wr(d, VMMIO_QUEUE_READY, 1);
}

/* The whole driver initialisation of §3.1.1; 0 when the device runs. */
static int driver_init(struct virtio_dev *d, uint64_t want, unsigned nq)
{
    if (!(negotiate(d, want) & VIRTIO_STATUS_FEATURES_OK))
        return -1;
    for (unsigned q = 0; q < nq; q++)
        setup_queue(d, q);
    wr(d, VMMIO_STATUS,
       VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
           VIRTIO_STATUS_DRIVER_OK);
    return rd(d, VMMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK ? 0 : -1;
}

static void set_desc(unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    uint8_t *p = ram + DESC(q) + 16 * i;

    memcpy(p, &addr, 8);
    memcpy(p + 8, &len, 4);
    memcpy(p + 12, &flags, 2);
    memcpy(p + 14, &next, 2);
}

/* Makes chain head available and notifies; returns the used entry's len,
 * or -1 when the device returned nothing. */
static long submit(struct virtio_dev *d, unsigned q, uint16_t head)
{
    uint16_t idx = get16(AVAIL(q) + 2), used = get16(USED(q) + 2);

    put16(AVAIL(q) + 4 + 2 * (idx % QN), head);
    put16(AVAIL(q) + 2, (uint16_t)(idx + 1));
    wr(d, VMMIO_QUEUE_NOTIFY, q);
    if (get16(USED(q) + 2) != (uint16_t)(used + 1))
        return -1;
    CHECK(get32(USED(q) + 4 + 8 * (used % QN)) == head, "used id %u, want %u",
          get32(USED(q) + 4 + 8 * (used % QN)), head);
    return get32(USED(q) + 8 + 8 * (used % QN));
}

/* A block request: header at BUF, data at BUF+0x100 (split into two
 * descriptors when len > 512), status at BUF+0x80.  Returns the status
 * byte, or -1 when the request was not completed. */
static int blk_req(struct virtio_dev *d, uint32_t type, uint64_t sector, uint32_t len,
                   long *used_len)
{
    uint8_t *h = ram + BUF;
    unsigned n = 0;
    int in = type == 0 || type == 8;
    uint16_t dflags = in ? VIRTQ_DESC_F_WRITE : 0;

    memcpy(h, &type, 4);
    memset(h + 4, 0, 4);
    memcpy(h + 8, &sector, 8);
    ram[BUF + 0x80] = 0xee;
    set_desc(0, n, BUF, 16, VIRTQ_DESC_F_NEXT, (uint16_t)(n + 1)), n++;
    if (len > 512) {
        set_desc(0, n, BUF + 0x100, 512, dflags | VIRTQ_DESC_F_NEXT, (uint16_t)(n + 1)),
            n++;
        set_desc(0, n, BUF + 0x300, len - 512, dflags | VIRTQ_DESC_F_NEXT,
                 (uint16_t)(n + 1)),
            n++;
    } else if (len) {
        set_desc(0, n, BUF + 0x100, len, dflags | VIRTQ_DESC_F_NEXT, (uint16_t)(n + 1)),
            n++;
    }
    set_desc(0, n, BUF + 0x80, 1, VIRTQ_DESC_F_WRITE, 0);
    *used_len = submit(d, 0, 0);
    return *used_len < 0 ? -1 : ram[BUF + 0x80];
}

#define DISK_SECTORS 64

static int make_disk(char *path)
{
    uint8_t sec[512];
    FILE *f;
    int fd;

    strcpy(path, "/tmp/ia64sim-virtio-disk-XXXXXX");
    fd = mkstemp(path);
    if (fd < 0)
        return -1;
    f = fdopen(fd, "wb");
    for (unsigned s = 0; s < DISK_SECTORS; s++) {
        memset(sec, (int)s, sizeof(sec));
        fwrite(sec, 1, sizeof(sec), f);
    }
    fclose(f);
    return 0;
}

static void new_blk(struct virtio_dev *d, const char *path)
{
    virtio_init(d, NULL, 0x10000000000ull, 0x40, ram, RAM_SIZE, NULL);
    if (virtio_blk_open(d, path))
        fail("virtio_blk_open(%s) failed", path);
}

static void test_blk(const char *path)
{
    struct virtio_dev d;
    uint8_t buf[1536], want[1536];
    long used;
    FILE *f;

    new_blk(&d, path);
    CHECK(rd(&d, VMMIO_MAGIC) == 0x74726976 && rd(&d, VMMIO_VERSION) == 2 &&
              rd(&d, VMMIO_DEVICE_ID) == 2,
          "magic/version/id %x/%u/%u", rd(&d, VMMIO_MAGIC), rd(&d, VMMIO_VERSION),
          rd(&d, VMMIO_DEVICE_ID));
    uint64_t f0 = features(&d);
    CHECK((f0 & VIRTIO_F_VERSION_1) && (f0 & (1ull << 9)), "features 0x%llx",
          (unsigned long long)f0);
    CHECK(!(negotiate(&d, 1ull << 9) & VIRTIO_STATUS_FEATURES_OK),
          "FEATURES_OK accepted without VIRTIO_F_VERSION_1");
    CHECK(!(negotiate(&d, VIRTIO_F_VERSION_1 | (1ull << 28)) & VIRTIO_STATUS_FEATURES_OK),
          "FEATURES_OK accepted with a feature not offered (28)");
    CHECK(negotiate(&d, VIRTIO_F_VERSION_1 | (1ull << 9)) & VIRTIO_STATUS_FEATURES_OK,
          "FEATURES_OK refused for VERSION_1 | FLUSH");
    CHECK(virtio_mmio_read(&d, VMMIO_CONFIG, 8) == DISK_SECTORS, "capacity %llu, want %u",
          (unsigned long long)virtio_mmio_read(&d, VMMIO_CONFIG, 8), DISK_SECTORS);
    report("blk.features");

    if (driver_init(&d, VIRTIO_F_VERSION_1 | (1ull << 9), 1))
        fail("driver initialisation failed (status 0x%x)", rd(&d, VMMIO_STATUS));
    for (unsigned i = 0; i < sizeof(want); i++)
        want[i] = (uint8_t)(i * 7 + 3);
    memcpy(ram + BUF + 0x100, want, sizeof(want));
    int st = blk_req(&d, 1, 5, sizeof(want), &used);
    CHECK(st == 0 && used == 1, "write: status %d used %ld", st, used);
    CHECK(rd(&d, VMMIO_INTERRUPT_STATUS) & VIRTIO_INT_USED, "no used-buffer interrupt");
    wr(&d, VMMIO_INTERRUPT_ACK, VIRTIO_INT_USED);
    CHECK(rd(&d, VMMIO_INTERRUPT_STATUS) == 0, "interrupt status not acknowledged");
    f = fopen(path, "rb");
    fseek(f, 5 * 512, SEEK_SET);
    CHECK(fread(buf, 1, sizeof(buf), f) == sizeof(buf) && !memcmp(buf, want, sizeof(buf)),
          "the host file does not hold the written sectors");
    fseek(f, 4 * 512, SEEK_SET);
    CHECK(fread(buf, 1, 512, f) == 512 && buf[0] == 4 && buf[511] == 4,
          "sector 4 changed by a write at sector 5");
    fclose(f);
    memset(ram + BUF + 0x100, 0, sizeof(want));
    st = blk_req(&d, 0, 5, sizeof(want), &used);
    CHECK(st == 0 && used == (long)sizeof(want) + 1, "read: status %d used %ld", st, used);
    CHECK(!memcmp(ram + BUF + 0x100, want, sizeof(want)), "read back differs from written");
    st = blk_req(&d, 0, 63, 512, &used);
    CHECK(st == 0 && ram[BUF + 0x100] == 63, "read of the last sector: status %d byte %u",
          st, ram[BUF + 0x100]);
    report("blk.write-read");

    st = blk_req(&d, 4, 0, 0, &used);
    CHECK(st == 0 && used == 1, "flush: status %d used %ld", st, used);
    report("blk.flush");

    memset(ram + BUF + 0x100, 0xff, 20);
    st = blk_req(&d, 8, 0, 20, &used);
    const char *base = strrchr(path, '/') + 1;
    CHECK(st == 0 && used == 21 &&
              !memcmp(ram + BUF + 0x100, base, strlen(base) < 20 ? strlen(base) : 20),
          "get-id: status %d used %ld id '%.20s'", st, used, (char *)ram + BUF + 0x100);
    report("blk.get-id");

    st = blk_req(&d, 0, 63, 1024, &used);
    CHECK(st == 1, "read across the end: status %d, want IOERR (1)", st);
    st = blk_req(&d, 0, DISK_SECTORS, 512, &used);
    CHECK(st == 1, "read past the end: status %d, want IOERR (1)", st);
    st = blk_req(&d, 1, ~0ull / 512 + 2, 512, &used);
    CHECK(st == 1, "write at a sector whose byte offset overflows: status %d", st);
    st = blk_req(&d, 1, 0, 100, &used);
    CHECK(st == 1, "write of 100 bytes (not whole sectors): status %d", st);
    st = blk_req(&d, 77, 0, 0, &used);
    CHECK(st == 2, "unknown request type: status %d, want UNSUPP (2)", st);
    CHECK(!(rd(&d, VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET), "errors broke the device");
    report("blk.out-of-range");
    virtio_release(&d);
}

/* A hostile chain: the device must refuse it (NEEDS_RESET, configuration
 * interrupt), complete nothing, and work again after a reset. */
static void hostile(struct virtio_dev *d, const char *what)
{
    long used = submit(d, 0, 0);

    CHECK(used == -1, "%s: completed (used len %ld)", what, used);
    CHECK(rd(d, VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, "%s: no DEVICE_NEEDS_RESET",
          what);
    CHECK(rd(d, VMMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG, "%s: no config interrupt",
          what);
    wr(d, VMMIO_QUEUE_NOTIFY, 0); /* still refused, no crash */
    CHECK(get16(USED(0) + 2) == 0, "%s: a used entry after NEEDS_RESET", what);
    if (driver_init(d, VIRTIO_F_VERSION_1, 1))
        fail("%s: the device does not come back after a reset", what);
    long ok = 0;
    int st = blk_req(d, 4, 0, 0, &ok);
    CHECK(st == 0, "%s: flush after the reset: status %d", what, st);
    driver_init(d, VIRTIO_F_VERSION_1, 1);
}

static void test_hostile(const char *path)
{
    struct virtio_dev d;

    new_blk(&d, path);
    driver_init(&d, VIRTIO_F_VERSION_1, 1);
    set_desc(0, 0, RAM_SIZE - 8, 16, VIRTQ_DESC_F_NEXT, 1); /* header crosses RAM's end */
    set_desc(0, 1, BUF + 0x80, 1, VIRTQ_DESC_F_WRITE, 0);
    hostile(&d, "descriptor crossing the end of RAM");
    set_desc(0, 0, 0x7ffffffffffff000ull, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(0, 1, BUF + 0x80, 1, VIRTQ_DESC_F_WRITE, 0);
    hostile(&d, "descriptor beyond RAM");
    set_desc(0, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(0, 1, BUF + 0x100, 0xffffffffu, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    set_desc(0, 2, BUF + 0x80, 1, VIRTQ_DESC_F_WRITE, 0);
    hostile(&d, "length overflowing RAM");
    set_desc(0, 0, ~0ull - 7, 16, VIRTQ_DESC_F_NEXT, 1); /* addr + len wraps around */
    set_desc(0, 1, BUF + 0x80, 1, VIRTQ_DESC_F_WRITE, 0);
    hostile(&d, "address + length wrapping around");
    set_desc(0, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 1); /* 0 -> 1 -> 2 -> 1 -> ... */
    set_desc(0, 1, BUF + 0x100, 512, VIRTQ_DESC_F_NEXT, 2);
    set_desc(0, 2, BUF + 0x300, 512, VIRTQ_DESC_F_NEXT, 1);
    hostile(&d, "chain loop");
    set_desc(0, 0, BUF, 16, VIRTQ_DESC_F_NEXT, QN + 3);
    hostile(&d, "next index out of range");
    set_desc(0, 0, BUF, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
    set_desc(0, 1, BUF + 0x80, 1, VIRTQ_DESC_F_WRITE, 0);
    hostile(&d, "indirect descriptor (not negotiated)");
    set_desc(0, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(0, 1, BUF + 0x80, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    set_desc(0, 2, BUF + 0x100, 512, 0, 0);
    hostile(&d, "device-readable descriptor after a writable one");
    report("hostile.descriptors");

    /* a well-formed flush request, but in descriptors QN + 1 and QN + 2:
     * beyond the table the driver gave (still RAM) */
    uint32_t flush = 4;
    memcpy(ram + BUF, &flush, 4);
    set_desc(0, QN + 1, BUF, 16, VIRTQ_DESC_F_NEXT, QN + 2);
    set_desc(0, QN + 2, BUF + 0x80, 1, VIRTQ_DESC_F_WRITE, 0);
    put16(AVAIL(0) + 4, QN + 1); /* head index out of range */
    put16(AVAIL(0) + 2, 1);
    wr(&d, VMMIO_QUEUE_NOTIFY, 0);
    CHECK(rd(&d, VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, "head index %u accepted",
          QN + 1);
    driver_init(&d, VIRTIO_F_VERSION_1, 1);
    set_desc(0, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 1); /* every entry: a good flush */
    set_desc(0, 1, BUF + 0x80, 1, VIRTQ_DESC_F_WRITE, 0);
    put16(AVAIL(0) + 2, QN + 5); /* more entries than the queue holds */
    wr(&d, VMMIO_QUEUE_NOTIFY, 0);
    CHECK(rd(&d, VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET, "avail idx %u accepted",
          QN + 5);
    CHECK(get16(USED(0) + 2) == 0, "a request completed from a bad available ring");
    report("hostile.rings");

    driver_init(&d, VIRTIO_F_VERSION_1, 1);
    wr(&d, VMMIO_QUEUE_SEL, 5); /* a queue the device does not have */
    CHECK(rd(&d, VMMIO_QUEUE_NUM_MAX) == 0, "queue 5 has QueueNumMax %u",
          rd(&d, VMMIO_QUEUE_NUM_MAX));
    wr(&d, VMMIO_QUEUE_NUM, 8);
    wr(&d, VMMIO_QUEUE_READY, 1);
    CHECK(rd(&d, VMMIO_QUEUE_READY) == 0, "queue 5 became ready");
    wr(&d, VMMIO_QUEUE_NOTIFY, 5);
    wr(&d, VMMIO_QUEUE_NOTIFY, 0xffffffffu);
    CHECK(!(rd(&d, VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET),
          "notify of queue 5 broke it");
    /* rings outside RAM, or a size that is not a power of 2, at QueueReady */
    negotiate(&d, VIRTIO_F_VERSION_1);
    wr(&d, VMMIO_QUEUE_SEL, 0);
    wr(&d, VMMIO_QUEUE_NUM, QN);
    wr(&d, VMMIO_QUEUE_DESC_LOW, RAM_SIZE - 64);
    wr(&d, VMMIO_QUEUE_DRIVER_LOW, AVAIL(0));
    wr(&d, VMMIO_QUEUE_DEVICE_LOW, USED(0));
    wr(&d, VMMIO_QUEUE_READY, 1);
    CHECK(rd(&d, VMMIO_QUEUE_READY) == 0 &&
              (rd(&d, VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET),
          "a descriptor table crossing the end of RAM was accepted");
    negotiate(&d, VIRTIO_F_VERSION_1);
    wr(&d, VMMIO_QUEUE_NUM, 6);
    wr(&d, VMMIO_QUEUE_DESC_LOW, DESC(0));
    wr(&d, VMMIO_QUEUE_DEVICE_HIGH, 0);
    wr(&d, VMMIO_QUEUE_READY, 1);
    CHECK(rd(&d, VMMIO_QUEUE_READY) == 0, "queue size 6 accepted");
    CHECK(virtio_mmio_read(&d, VMMIO_CONFIG + 20, 8) == 0, "config read past its end");
    CHECK(virtio_mmio_read(&d, VMMIO_MAGIC, 8) == 0, "an 8-byte register read answered");
    virtio_mmio_write(&d, VMMIO_STATUS, 1, 0); /* a 1-byte reset: ignored */
    CHECK(rd(&d, VMMIO_STATUS) != 0, "a 1-byte write to Status reset the device");
    report("hostile.registers");
    virtio_release(&d);
}

/* ---- network -------------------------------------------------------------- */

static int read_full(int fd, uint8_t *p, size_t n)
{
    while (n) {
        ssize_t r = read(fd, p, n);

        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static void test_net(void)
{
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
    struct virtio_dev d;
    uint8_t frame[60], got[64], rec[4 + 42];
    int sv[2];
    long used;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
        fail("socketpair failed");
        report("net.features");
        return;
    }
    virtio_init(&d, NULL, 0x10000010000ull, 0x41, ram, RAM_SIZE, NULL);
    virtio_net_attach_fd(&d, sv[0], mac);
    CHECK(rd(&d, VMMIO_DEVICE_ID) == 1, "device id %u", rd(&d, VMMIO_DEVICE_ID));
    CHECK(features(&d) & (1ull << 5), "VIRTIO_NET_F_MAC not offered");
    for (unsigned i = 0; i < 6; i++)
        CHECK(virtio_mmio_read(&d, VMMIO_CONFIG + i, 1) == mac[i], "mac byte %u", i);
    CHECK(virtio_mmio_read(&d, VMMIO_CONFIG + 6, 2) == 1, "link not up");
    if (driver_init(&d, VIRTIO_F_VERSION_1 | (1ull << 5), 2))
        fail("driver initialisation failed");
    report("net.features");

    /* transmit: header and frame in separate descriptors */
    for (unsigned i = 0; i < sizeof(frame); i++)
        frame[i] = (uint8_t)(0xa0 + i);
    memset(ram + BUF, 0, 12);
    memcpy(ram + BUF + 0x100, frame, sizeof(frame));
    set_desc(1, 0, BUF, 12, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, 1, BUF + 0x100, sizeof(frame), 0, 0);
    used = submit(&d, 1, 0);
    CHECK(used == 0, "transmit: used len %ld", used);
    CHECK(read_full(sv[1], got, 4 + sizeof(frame)) == 0, "nothing arrived on the socket");
    CHECK(got[0] == 0 && got[1] == 0 && got[2] == 0 && got[3] == sizeof(frame),
          "length prefix %02x%02x%02x%02x, want 0000003c", got[0], got[1], got[2], got[3]);
    CHECK(!memcmp(got + 4, frame, sizeof(frame)), "the frame arrived changed");
    report("net.transmit");

    /* receive: a framed frame from the host, in two writes (split header) */
    wr(&d, VMMIO_INTERRUPT_ACK, 3);
    set_desc(0, 0, BUF + 0x1000, 1526, VIRTQ_DESC_F_WRITE, 0);
    put16(AVAIL(0) + 4, 0);
    put16(AVAIL(0) + 2, 1);
    wr(&d, VMMIO_QUEUE_NOTIFY, 0);
    rec[0] = rec[1] = rec[2] = 0;
    rec[3] = 42;
    for (unsigned i = 0; i < 42; i++)
        rec[4 + i] = (uint8_t)(0x11 * i);
    CHECK(write(sv[1], rec, 2) == 2, "write");
    virtio_net_poll(&d);
    CHECK(get16(USED(0) + 2) == 0, "a frame delivered from half a length prefix");
    CHECK(write(sv[1], rec + 2, sizeof(rec) - 2) == (ssize_t)sizeof(rec) - 2, "write");
    virtio_net_poll(&d);
    CHECK(get16(USED(0) + 2) == 1, "the frame did not arrive in the receive queue");
    CHECK(get32(USED(0) + 8) == 12 + 42, "used len %u, want 54", get32(USED(0) + 8));
    CHECK(get16(BUF + 0x1000 + 10) == 1, "num_buffers %u", get16(BUF + 0x1000 + 10));
    CHECK(!memcmp(ram + BUF + 0x1000 + 12, rec + 4, 42), "the received frame differs");
    CHECK(rd(&d, VMMIO_INTERRUPT_STATUS) & VIRTIO_INT_USED, "no receive interrupt");
    report("net.receive");

    /* a frame with no buffer waits; a bad length from the peer drops the link */
    wr(&d, VMMIO_INTERRUPT_ACK, 3);
    CHECK(write(sv[1], rec, sizeof(rec)) == (ssize_t)sizeof(rec), "write");
    virtio_net_poll(&d);
    CHECK(get16(USED(0) + 2) == 1, "a frame delivered without a buffer");
    put16(AVAIL(0) + 6, 0);
    put16(AVAIL(0) + 2, 2);
    wr(&d, VMMIO_QUEUE_NOTIFY, 0);
    CHECK(get16(USED(0) + 2) == 2, "the waiting frame was not delivered to a new buffer");
    /* three frames in one write, three buffers: one poll delivers them all */
    for (unsigned i = 0; i < 3; i++) {
        set_desc(0, 1 + i, BUF + 0x2000 + 0x800 * i, 1526, VIRTQ_DESC_F_WRITE, 0);
        put16(AVAIL(0) + 4 + 2 * (2 + i), (uint16_t)(1 + i));
    }
    put16(AVAIL(0) + 2, 5);
    uint8_t three[3 * sizeof(rec)];
    for (unsigned i = 0; i < 3; i++)
        memcpy(three + i * sizeof(rec), rec, sizeof(rec));
    CHECK(write(sv[1], three, sizeof(three)) == (ssize_t)sizeof(three), "write");
    virtio_net_poll(&d);
    CHECK(get16(USED(0) + 2) == 5, "one poll delivered %u of 3 waiting frames",
          get16(USED(0) + 2) - 2u);
    CHECK(get32(USED(0) + 4 + 8 * 4) == 3 && get32(USED(0) + 8 + 8 * 4) == 54,
          "the third frame's used entry: id %u len %u", get32(USED(0) + 4 + 8 * 4),
          get32(USED(0) + 8 + 8 * 4));
    uint8_t bad[4] = {0x7f, 0xff, 0xff, 0xff};
    uint32_t gen = rd(&d, VMMIO_CONFIG_GENERATION);
    CHECK(write(sv[1], bad, 4) == 4, "write");
    virtio_net_poll(&d);
    CHECK(virtio_mmio_read(&d, VMMIO_CONFIG + 6, 2) == 0,
          "link still up after a bad length");
    CHECK(rd(&d, VMMIO_CONFIG_GENERATION) != gen, "config generation unchanged");
    CHECK(!(rd(&d, VMMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET), "the device broke");
    report("net.bad-peer");
    virtio_release(&d);
    close(sv[1]);
}

static uint64_t host_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* virtio_net_wait, ia64sim's --idle realtime: a wait in host time on the
 * peer's socket, cut short by a frame (or the peer's end), none without a
 * peer. */
static void test_net_idle_wait(void)
{
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
    uint8_t rec[4 + 42] = {0, 0, 0, 42};
    struct virtio_dev d;
    uint64_t waited, t0, took;
    int sv[2], r;
    pid_t child;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
        fail("socketpair failed");
        report("net.idle-wait");
        return;
    }
    virtio_init(&d, NULL, 0x10000010000ull, 0x41, ram, RAM_SIZE, NULL);
    virtio_net_attach_fd(&d, sv[0], mac);
    t0 = host_ns();
    r = virtio_net_wait(&d, 30000000, &waited);
    took = host_ns() - t0;
    CHECK(r == 0 && waited == 30000000,
          "nothing sent: %d after %llu ns, want 0 after 30 ms", r,
          (unsigned long long)waited);
    CHECK(took >= 29000000, "a 30 ms wait took %llu ns of host time",
          (unsigned long long)took);
    child = fork();
    if (child == 0) {
        struct timespec ms20 = {0, 20000000};

        nanosleep(&ms20, NULL);
        _exit(write(sv[1], rec, sizeof(rec)) != (ssize_t)sizeof(rec));
    }
    r = virtio_net_wait(&d, 2000000000, &waited);
    CHECK(r == 1 && waited >= 15000000 && waited < 1000000000,
          "a frame sent after 20 ms: %d after %llu ns, want 1 after about 20 ms", r,
          (unsigned long long)waited);
    if (child > 0)
        waitpid(child, NULL, 0);
    CHECK(virtio_net_wait(&d, 1000000000, &waited) == 1 && waited == 0,
          "a frame read but not yet delivered does not end the wait at once");
    close(sv[1]);
    virtio_release(&d);
    virtio_init(&d, NULL, 0x10000010000ull, 0x41, ram, RAM_SIZE, NULL);
    virtio_net_attach_fd(&d, -1, mac);
    t0 = host_ns();
    CHECK(virtio_net_wait(&d, 1000000000, &waited) == -1 && host_ns() - t0 < 100000000,
          "no peer: the wait is not refused at once");
    virtio_release(&d);
    report("net.idle-wait");
}

/* The two socket modes of --net: listen:PATH takes a peer (link up), loses
 * it (link down) and takes the next; unix:PATH connects to a listener. */
static void test_net_sockets(void)
{
    char path[64];
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct virtio_dev d;
    uint8_t rec[4 + 20] = {0, 0, 0, 20};
    int c, l;

    snprintf(path, sizeof(path), "/tmp/ia64sim-virtio-%d.sock", (int)getpid());
    strcpy(sa.sun_path, path);
    virtio_init(&d, NULL, 0x10000010000ull, 0x41, ram, RAM_SIZE, NULL);
    if (virtio_net_open(&d, path, NULL) == 0)
        fail("a spec without unix: or listen: was accepted");
    char spec[80];
    snprintf(spec, sizeof(spec), "listen:%s", path);
    if (virtio_net_open(&d, spec, "52:54:00:00:00:07")) {
        fail("virtio_net_open(%s) failed", spec);
        report("net.listen");
        return;
    }
    CHECK(virtio_mmio_read(&d, VMMIO_CONFIG + 5, 1) == 7, "--mac not in config space");
    driver_init(&d, VIRTIO_F_VERSION_1 | (1ull << 16), 2);
    CHECK(virtio_mmio_read(&d, VMMIO_CONFIG + 6, 2) == 0, "link up without a peer");
    for (int round = 0; round < 2; round++) {
        c = socket(AF_UNIX, SOCK_STREAM, 0);
        CHECK(connect(c, (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect to %s", path);
        wr(&d, VMMIO_INTERRUPT_ACK, 3);
        virtio_net_poll(&d);
        CHECK(virtio_mmio_read(&d, VMMIO_CONFIG + 6, 2) == 1, "round %d: link not up",
              round);
        CHECK(rd(&d, VMMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG,
              "round %d: no configuration interrupt for the link", round);
        close(c);
        virtio_net_poll(&d);
        CHECK(virtio_mmio_read(&d, VMMIO_CONFIG + 6, 2) == 0, "round %d: link still up",
              round);
    }
    virtio_release(&d);
    report("net.listen");

    l = socket(AF_UNIX, SOCK_STREAM, 0);
    unlink(path);
    if (bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 1)) {
        fail("cannot listen on %s", path);
        report("net.connect");
        return;
    }
    snprintf(spec, sizeof(spec), "unix:%s", path);
    virtio_init(&d, NULL, 0x10000010000ull, 0x41, ram, RAM_SIZE, NULL);
    if (virtio_net_open(&d, spec, NULL))
        fail("virtio_net_open(%s) failed", spec);
    c = accept(l, NULL, NULL);
    driver_init(&d, VIRTIO_F_VERSION_1, 2);
    memset(ram + BUF, 0, 12);
    memset(ram + BUF + 0x100, 0x5a, 20);
    set_desc(1, 0, BUF, 32, 0, 0); /* header and frame in one descriptor */
    memcpy(ram + BUF + 12, ram + BUF + 0x100, 20);
    CHECK(submit(&d, 1, 0) == 0, "transmit not completed");
    uint8_t got[sizeof(rec)];
    memset(rec + 4, 0x5a, 20);
    CHECK(read_full(c, got, sizeof(got)) == 0 && !memcmp(got, rec, sizeof(rec)),
          "the frame did not arrive framed on the unix socket");
    CHECK(virtio_mmio_read(&d, VMMIO_CONFIG, 1) == 0x52, "default MAC");
    virtio_release(&d);
    close(c);
    close(l);
    unlink(path);
    report("net.connect");
}

int main(void)
{
    char path[64];

    setvbuf(stdout, NULL, _IOLBF, 0);
    ram = calloc(1, RAM_SIZE);
    if (!ram || make_disk(path)) {
        printf("TEST ia64sim.virtio.setup FAIL cannot create RAM or a disk file\n");
        return 1;
    }
    test_blk(path);
    test_hostile(path);
    test_net();
    test_net_sockets();
    test_net_idle_wait();
    unlink(path);
    free(ram);
    return failures != 0;
}
