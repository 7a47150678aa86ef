/* SPDX-License-Identifier: MIT */
/*
 * The migrate and migrate-fault scenarios (tests/scenarios/migrate*.json):
 * two machines on one virtual LAN.  Machine 0's dom0 runs a domU (role
 * migrant: it rewrites whole pages of a work area at a configurable rate
 * and stamps the time every 100 us) and migrates it to machine 1's dom0,
 * which checks the stream into an image.  migrate-fault makes the
 * receiver fail at three points (reset during pre-copy, reset after the
 * last byte, NAK) before a last attempt succeeds; after each failure the
 * source must have the domain running, log-dirty off and its work area
 * intact.  The runner compares the CRC-32 of the paused domain's memory
 * on the source with that of the destination's image (host:mig.crc-match).
 *
 * Command line: mig=send|recv, mig_peer=A.B.C.D (send), faults=N (the
 * first N of precopy, end, nak), dirty=KiB/s (the migrant's rate).
 */
#include <hestia_lwip.h>
#include <port/dom0net.h>
#include <port/kernel.h>
#include <port/livemig.h>
#include <port/toolstack.h>

#include "lwip/ip4_addr.h"

#define MS 1000000ull
#define SEC 1000000000ull
#define MIGRANT_PAGES 1024u /* 4 MiB */
#define WORK_PAGES                                                                         \
    128u /* the migrant's work area, halved until it fits (ia64: ~70 free)                 \
          */
#define WORK_MAGIC 0x4d494752u /* "MIGR" in its first word */

/* ---- the migrant (domU) ------------------------------------------------ */

struct work_head {
    uint32_t magic, first_gfn; /* page 0 of the area: where it is */
    volatile uint64_t steps, max_gap_ns, stamps;
    uint32_t pages, pad; /* of the area */
};

static struct work_head *work;

/* Page p of the work area after step s: every word the same, low 16 bits p. */
static inline uint64_t work_word(uint64_t step, unsigned p)
{
    return step << 16 | p;
}

static void stamper(void *arg)
{
    (void)arg;
    uint64_t last = time_now_ns();
    for (;;) {
        thread_sleep_ns(100000);
        uint64_t now = time_now_ns();
        if (now - last > work->max_gap_ns)
            work->max_gap_ns = now - last;
        last = now;
        work->stamps++;
    }
}

void role_migrant(void)
{
    uint64_t kib_s = kcmdline_u64(port_cmdline, "dirty", 1024);
    unsigned pages = WORK_PAGES;
    long g = frames_alloc(pages);
    while (g < 0 && pages > 16)
        g = frames_alloc(pages /= 2);
    if (g < 0) {
        printk("migrant: no work area\n");
        return;
    }
    uint8_t *area = gfn_to_va((uint64_t)g);
    work = (struct work_head *)area;
    work->pages = pages;
    for (unsigned p = 1; p < pages; p++) {
        uint64_t *w = (uint64_t *)(area + p * HESTIA_PAGE_SIZE);
        for (unsigned i = 0; i < HESTIA_PAGE_SIZE / 8; i++)
            w[i] = work_word(0, p);
    }
    work->first_gfn = (uint32_t)g;
    work->magic = WORK_MAGIC;
    printk("migrant: work area of %u pages at gfn %ld, %llu KiB/s\n", pages, g,
           (unsigned long long)kib_s);
    thread_create("stamper", stamper, NULL);
    /* Whole pages every millisecond, as many as the rate asks (KiB/s = bytes/ms). */
    uint64_t owed = 0, step = 0;
    for (;;) {
        thread_sleep_ns(MS);
        owed += kib_s * 1024 / 1000;
        while (owed >= HESTIA_PAGE_SIZE) {
            owed -= HESTIA_PAGE_SIZE;
            step++;
            unsigned p = 1 + (unsigned)(step % (pages - 1));
            uint64_t *w = (uint64_t *)(area + p * HESTIA_PAGE_SIZE);
            for (unsigned i = 0; i < HESTIA_PAGE_SIZE / 8; i++)
                w[i] = work_word(step, p);
            work->steps = step;
        }
    }
}

/* ---- dom0 ---------------------------------------------------------------- */

static uint8_t frame[HESTIA_PAGE_SIZE] __attribute__((aligned(4096)));

static long read_gfn(hestia_domid_t dom, uint64_t gfn)
{
    struct hestia_domctl c = {0};
    c.u.read_memory.gfns = (uintptr_t)&gfn;
    c.u.read_memory.buf = (uintptr_t)frame;
    c.u.read_memory.nr = 1;
    return ts_domctl(DOMCTL_read_memory, dom, &c);
}

/* The migrant's work area (its page 0 names itself), the domain paused; -1 if none. */
static long find_work(hestia_domid_t dom)
{
    for (uint64_t gfn = 0; gfn < MIGRANT_PAGES; gfn++) {
        const struct work_head *h = (const void *)frame;
        if (read_gfn(dom, gfn) == 0 && h->magic == WORK_MAGIC && h->first_gfn == gfn)
            return (long)gfn;
    }
    return -1;
}

/*
 * Every page of the paused migrant's work area whole (all words equal, its
 * own page number in them): no page lost or torn.  Returns the first bad
 * page, 0 if all are whole; *steps gets the migrant's step count.
 */
static unsigned work_intact(hestia_domid_t dom, uint64_t first, uint64_t *steps)
{
    if (read_gfn(dom, first))
        return 1u << 31;
    *steps = ((const struct work_head *)frame)->steps;
    unsigned pages = ((const struct work_head *)frame)->pages;
    if (pages < 2 || pages > WORK_PAGES)
        return 1u << 30;
    for (unsigned p = 1; p < pages; p++) {
        if (read_gfn(dom, first + p))
            return p;
        const uint64_t *w = (const uint64_t *)frame;
        if ((w[0] & 0xffff) != p)
            return p;
        for (unsigned i = 1; i < HESTIA_PAGE_SIZE / 8; i++)
            if (w[i] != w[0])
                return p;
    }
    return 0;
}

static uint32_t addr_now;
static void read_address(void *arg)
{
    (void)arg;
    addr_now = hestia_netif_address();
}

static uint32_t wait_address(void)
{
    for (unsigned i = 0; i < 300; i++) {
        dom0_net_run(read_address, NULL);
        if (addr_now)
            return addr_now;
        thread_sleep_ns(100 * MS);
    }
    return 0;
}

static bool cmdline_ip(const char *key, uint32_t *out)
{
    struct ktok v;
    char s[20];
    ip4_addr_t a;
    if (!kcmdline_get(port_cmdline, key, &v) || v.len >= sizeof(s))
        return false;
    ksnprintf(s, sizeof(s), "%.*s", (int)v.len, v.s);
    if (!ip4addr_aton(s, &a))
        return false;
    *out = lwip_ntohl(ip4_addr_get_u32(&a));
    return true;
}

static const enum mig_fault fault_order[] = {MIG_FAULT_PRECOPY, MIG_FAULT_END,
                                             MIG_FAULT_NAK};
static const char *const fault_name[] = {"none", "precopy", "end", "nak"};

/* One migration, in the net thread. */
static struct {
    hestia_domid_t dom;
    uint32_t peer;
    enum mig_fault fault;
    struct mig_send_stats st;
    struct mig_recv_stats rst;
    const char *why;
    long r;
} job;

static void send_job(void *arg)
{
    (void)arg;
    job.r = migrate_send(job.dom, job.peer, MIG_PORT, true, &job.st, &job.why);
}

static void recv_job(void *arg)
{
    (void)arg;
    job.r = migrate_receive_restore(MIG_PORT, 60 * SEC, true, job.fault, &job.rst, &job.dom,
                                    &job.why);
}

/* After a failed attempt: still here, running, log-dirty off, its work area whole. */
static void check_source_keeps(const char *fault, hestia_domid_t d, uint64_t work_gfn)
{
    char name[48];
    struct domctl_info a, b;
    long r1 = ts_getinfo(d, &a);
    thread_sleep_ns(100 * MS);
    long r2 = ts_getinfo(d, &b);
    bool runs = r1 == 0 && r2 == 0 && a.domid == d && b.domid == d &&
                b.cpu_time_ns > a.cpu_time_ns && b.state != DOMSTATE_paused &&
                b.state != DOMSTATE_shutdown;
    static uint8_t bm[MIGRANT_PAGES * 2 / 8];
    long peek = ts_log_dirty(d, DOMCTL_LOG_DIRTY_PEEK_CLEAN, bm, sizeof(bm) * 8, NULL);
    uint64_t steps0 = 0, steps1 = 0;
    ts_pause(d);
    unsigned bad = work_intact(d, work_gfn, &steps0);
    ts_unpause(d);
    thread_sleep_ns(50 * MS);
    ts_pause(d);
    unsigned bad2 = work_intact(d, work_gfn, &steps1);
    ts_unpause(d);
    ksnprintf(name, sizeof(name), "mig.source-keeps-%s", fault);
    test_report(
        name,
        runs && peek == -HESTIA_EINVAL && !bad && !bad2 && steps1 > steps0 ? TR_PASS
                                                                           : TR_FAIL,
        "dom%u %s (CPU %llu -> %llu us), log-dirty %s, work area %s, steps %llu -> "
        "%llu",
        d, runs ? "runs" : "does not run", (unsigned long long)a.cpu_time_ns / 1000,
        (unsigned long long)b.cpu_time_ns / 1000,
        peek == -HESTIA_EINVAL ? "off" : "still on", bad || bad2 ? "damaged" : "whole",
        (unsigned long long)steps0, (unsigned long long)steps1);
}

static void send_side(unsigned module, unsigned faults)
{
    uint32_t peer = 0;
    if (!cmdline_ip("mig_peer", &peer)) {
        test_report("mig.config", TR_FAIL, "want mig_peer=A.B.C.D");
        return;
    }
    char args[64];
    ksnprintf(args, sizeof(args), "role=migrant dirty=%llu",
              (unsigned long long)kcmdline_u64(port_cmdline, "dirty", 1024));
    long dom = ts_domain_new(MIGRANT_PAGES, 0, 0);
    long r = dom < 0 ? dom : ts_domain_load((hestia_domid_t)dom, module, args);
    if (r >= 0)
        r = ts_unpause((hestia_domid_t)dom);
    hestia_domid_t d = (hestia_domid_t)dom;
    long work_gfn = -1;
    if (r >= 0) {
        thread_sleep_ns(300 * MS); /* it sets up its work area and runs a while */
        ts_pause(d);
        work_gfn = find_work(d);
        ts_unpause(d);
    }
    test_report("mig.create", work_gfn >= 0 ? TR_PASS : TR_FAIL,
                "dom%ld, 4 MiB, work area at gfn %ld (%ld)", dom, work_gfn, r);
    if (work_gfn < 0)
        return;
    job.dom = d;
    job.peer = peer;
    for (unsigned i = 0; i < faults; i++) {
        dom0_net_run(send_job, NULL);
        char name[48];
        ksnprintf(name, sizeof(name), "mig.send-fails-%s", fault_name[fault_order[i]]);
        test_report(name, job.r < 0 && !job.st.committed ? TR_PASS : TR_FAIL,
                    "%s after %u rounds, %llu bytes: %s",
                    job.r < 0 ? "failed" : "succeeded", job.st.rounds,
                    (unsigned long long)job.st.bytes, job.why);
        check_source_keeps(fault_name[fault_order[i]], d, (uint64_t)work_gfn);
    }
    dom0_net_run(send_job, NULL);
    const struct mig_send_stats *st = &job.st;
    test_report("mig.send", job.r == 0 && st->committed ? TR_PASS : TR_FAIL,
                "%u pre-copy rounds, pages %llu/%llu/%llu.., final %llu pages %llu bytes, "
                "stream %llu bytes; source image crc32 %08x; %s",
                st->rounds, (unsigned long long)st->round_pages[0],
                (unsigned long long)st->round_pages[1],
                (unsigned long long)st->round_pages[2], (unsigned long long)st->final_pages,
                (unsigned long long)st->final_bytes, (unsigned long long)st->bytes,
                st->image_crc, job.why);
    struct domctl_info info;
    long g = ts_getinfo(d, &info);
    bool gone = g < 0 || info.domid != d;
    test_report("mig.source-gone", job.r == 0 && gone ? TR_PASS : TR_FAIL,
                "dom%u %s on the source", d, gone ? "is gone" : "still exists");
    if (job.r == 0) {
        bench_report("mig.total", st->total_ns / 1000, "us");
        bench_report("mig.pause-host", st->pause_ns / 1000, "us");
        bench_report("mig.stop-copy", st->stop_copy_ns / 1000, "us");
        bench_report("mig.rounds", st->rounds, "rounds");
        bench_report("mig.round0-pages", st->round_pages[0], "pages");
        bench_report("mig.round1-pages", st->round_pages[1], "pages");
        bench_report("mig.final-pages", st->final_pages, "pages");
        bench_report("mig.final-bytes", st->final_bytes, "bytes");
    }
}

/* The moved domain runs here: its steps and stamps go on; its largest time gap. */
static void check_runs_here(hestia_domid_t d)
{
    thread_sleep_ns(300 * MS);
    ts_pause(d);
    long work_gfn = find_work(d);
    struct work_head h0 = {0}, h1 = {0};
    if (work_gfn >= 0 && read_gfn(d, (uint64_t)work_gfn) == 0)
        __builtin_memcpy(&h0, frame, sizeof(h0));
    ts_unpause(d);
    thread_sleep_ns(200 * MS);
    ts_pause(d);
    uint64_t steps = 0;
    unsigned bad = work_gfn >= 0 ? work_intact(d, (uint64_t)work_gfn, &steps) : 1;
    if (work_gfn >= 0 && read_gfn(d, (uint64_t)work_gfn) == 0)
        __builtin_memcpy(&h1, frame, sizeof(h1));
    ts_unpause(d);
    bool runs = work_gfn >= 0 && h1.steps > h0.steps && h1.stamps > h0.stamps && !bad;
    test_report(
        "mig.runs-here", runs ? TR_PASS : TR_FAIL,
        "dom%u: work area at gfn %ld %s, steps %llu -> %llu, time stamps %llu -> %llu, "
        "largest gap it saw %llu us",
        d, work_gfn, bad ? "damaged" : "whole", (unsigned long long)h0.steps,
        (unsigned long long)h1.steps, (unsigned long long)h0.stamps,
        (unsigned long long)h1.stamps, (unsigned long long)h1.max_gap_ns / 1000);
    if (runs)
        bench_report("mig.guest-pause", h1.max_gap_ns / 1000, "us");
}

static void recv_side(unsigned faults)
{
    for (unsigned i = 0; i <= faults; i++) {
        job.fault = i < faults ? fault_order[i] : MIG_FAULT_NONE;
        dom0_net_run(recv_job, NULL);
        const struct mig_recv_stats *st = &job.rst;
        struct domctl_info info;
        long left = ts_getinfo(1, &info); /* the next domain after dom0: none */
        char name[48];
        if (job.fault != MIG_FAULT_NONE) {
            ksnprintf(name, sizeof(name), "mig.recv-fault-%s", fault_name[job.fault]);
            test_report(name, job.r < 0 && !st->committed && left < 0 ? TR_PASS : TR_FAIL,
                        "%llu records, %llu pages read; %s; %s",
                        (unsigned long long)st->records, (unsigned long long)st->pages,
                        job.why,
                        left < 0 ? "no domain left here" : "a domain was left here");
            continue;
        }
        test_report("mig.receive", job.r == 0 && st->committed ? TR_PASS : TR_FAIL,
                    "restored dom%u: %llu page copies of %llu pages, %llu bytes, "
                    "image crc32 %08x; %s",
                    job.dom, (unsigned long long)st->pages,
                    (unsigned long long)st->nr_pages, (unsigned long long)st->bytes,
                    st->image_crc, job.why);
        if (job.r == 0)
            check_runs_here(job.dom);
    }
}

void migrate_test(unsigned module)
{
    struct ktok v;
    bool send = kcmdline_get(port_cmdline, "mig", &v) && ktok_eq(&v, "send");
    unsigned faults = (unsigned)MIN(kcmdline_u64(port_cmdline, "faults", 0), (uint64_t)3);
    long r = dom0_net_start();
    uint32_t addr = r < 0 ? 0 : wait_address();
    test_report("mig.address", addr ? TR_PASS : TR_FAIL, "%u.%u.%u.%u%s%s", addr >> 24,
                (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff, r < 0 ? ": " : "",
                r < 0 ? kstrerror(r) : "");
    if (addr) {
        if (send)
            send_side(module, faults);
        else
            recv_side(faults);
    }
    thread_sleep_ns(3 * SEC); /* the peer may still wait for our last ACKs */
    test_done();
}
