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
 * first N of precopy, end, nak, before the first move), dirty=R[/R..]
 * (KiB/s: one migrant moved per rate, in order; TEST and BENCH names carry
 * the rate's tag: idle, 2mib, 10mib, ...), remap=1 (the migrant also moves
 * one kernel mapping between two frames every millisecond, so the address
 * spaces change between their pre-copy send and the pause: the stream's
 * mappings reset, docs/migration.md).
 *
 * The guest-visible pause is the migrant's own: it binds VIRQ_RESUMED,
 * and the stamp after the move records the gap across it (move_gap_ns).
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
    /* VIRQ_RESUMEDs seen, and the time gap around the last one: the move. */
    volatile uint64_t resumes, move_gap_ns;
    /* Guest time of the stamps that bound that gap: where the gap lies against the
     * state record's time (the destination's part of it, docs/migration.md). */
    volatile uint64_t move_start_ns, move_end_ns;
    /* remap=1: mappings moved, and reads through the moved mapping that found the
     * other frame (or a remap the hypervisor refused). */
    volatile uint64_t remaps, remap_bad;
};

static struct work_head *volatile work;
static volatile uint64_t resumed;

static void on_resumed(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    resumed++;
}

/* Page p of the work area after step s: every word the same, low 16 bits p. */
static inline uint64_t work_word(uint64_t step, unsigned p)
{
    return step << 16 | p;
}

static void stamper(void *arg)
{
    (void)arg;
    while (!work) /* started before the work area takes the free memory */
        thread_sleep_ns(100000);
    uint64_t last = time_now_ns(), prev_gap = 0, seen = 0;
    for (;;) {
        thread_sleep_ns(100000);
        uint64_t now = time_now_ns(), gap = now - last;
        if (gap > work->max_gap_ns)
            work->max_gap_ns = gap;
        if (resumed != seen) {
            /*
             * The upcall may come just before or just after the first
             * stamp after the unpause: the move is the larger of the two.
             */
            seen = resumed;
            work->move_gap_ns = MAX(gap, prev_gap);
            work->move_start_ns = gap >= prev_gap ? last : last - prev_gap;
            work->move_end_ns = gap >= prev_gap ? now : last;
            work->resumes = seen;
        }
        prev_gap = gap;
        last = now;
        work->stamps++;
    }
}

/*
 * remap=1: kernel va x maps frame a or b (each all one word naming itself), moved
 * every millisecond: unmap, map the other, read it back.  A stream that kept the
 * pre-copy's mappings would leave x on the wrong frame, or mapped twice.
 */
static struct {
    uintptr_t x;
    uint64_t gfn[2];
    unsigned cur;
} remap;

static bool remap_setup(void)
{
    long g = frames_alloc(2);
    remap.x = kva_alloc(1);
    if (g < 0 || !remap.x)
        return false;
    for (unsigned k = 0; k < 2; k++) {
        remap.gfn[k] = (uint64_t)g + k;
        uint64_t *w = gfn_to_va(remap.gfn[k]);
        for (unsigned i = 0; i < HESTIA_PAGE_SIZE / 8; i++)
            w[i] = 0x52454d4150000000ull | remap.gfn[k]; /* "REMAP" */
    }
    return mmu_map(0, remap.x, remap.gfn[0], MMU_PERM_READ) == 0;
}

static void remap_step(struct work_head *head)
{
    unsigned next = remap.cur ^ 1;
    if (mmu_unmap(0, remap.x) || mmu_map(0, remap.x, remap.gfn[next], MMU_PERM_READ)) {
        head->remap_bad++;
        return;
    }
    remap.cur = next;
    const volatile uint64_t *w = (const volatile uint64_t *)remap.x;
    if (w[0] != (0x52454d4150000000ull | remap.gfn[next]) ||
        w[HESTIA_PAGE_SIZE / 8 - 1] != w[0])
        head->remap_bad++;
    head->remaps++;
}

void role_migrant(void)
{
    uint64_t kib_s = kcmdline_u64(port_cmdline, "dirty", 1024);
    bool remaps = kcmdline_u64(port_cmdline, "remap", 0) != 0;
    if (remaps && !remap_setup()) {
        printk("migrant: cannot set up remap=1\n");
        remaps = false;
    }
    /* The stamper's stack first: the work area then takes what is left (ia64's image leaves
     * a 4 MiB domain few free pages). */
    if (!thread_create("stamper", stamper, NULL))
        printk("migrant: cannot start the stamper thread\n");
    unsigned pages = WORK_PAGES;
    long g = frames_alloc(pages);
    while (g < 0 && pages > 16)
        g = frames_alloc(pages /= 2);
    if (g < 0) {
        printk("migrant: no work area\n");
        return;
    }
    uint8_t *area = gfn_to_va((uint64_t)g);
    struct work_head *head = (struct work_head *)area;
    head->pages = pages;
    for (unsigned p = 1; p < pages; p++) {
        uint64_t *w = (uint64_t *)(area + p * HESTIA_PAGE_SIZE);
        for (unsigned i = 0; i < HESTIA_PAGE_SIZE / 8; i++)
            w[i] = work_word(0, p);
    }
    head->first_gfn = (uint32_t)g;
    head->magic = WORK_MAGIC;
    work = head; /* the stamper starts stamping */
    if (evtchn_bind_virq(VIRQ_RESUMED, on_resumed, NULL) < 0)
        printk("migrant: cannot bind VIRQ_RESUMED\n");
    printk("migrant: work area of %u pages at gfn %ld, %llu KiB/s\n", pages, g,
           (unsigned long long)kib_s);
    /* Whole pages every millisecond, as many as the rate asks (KiB/s = bytes/ms). */
    uint64_t owed = 0, step = 0;
    for (;;) {
        thread_sleep_ns(MS);
        if (remaps)
            remap_step(head);
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
 * own page number in them): no page lost or torn.  The one page the
 * migrant was rewriting when it was paused (step steps + 1) may hold the
 * new step's words followed by the old ones: a pause can land inside its
 * loop.  Returns the first bad page, 0 if all are whole; *steps gets the
 * migrant's step count.
 */
static unsigned work_intact(hestia_domid_t dom, uint64_t first, uint64_t *steps)
{
    if (read_gfn(dom, first))
        return 1u << 31;
    *steps = ((const struct work_head *)frame)->steps;
    unsigned pages = ((const struct work_head *)frame)->pages;
    if (pages < 2 || pages > WORK_PAGES)
        return 1u << 30;
    unsigned busy = 1 + (unsigned)((*steps + 1) % (pages - 1));
    for (unsigned p = 1; p < pages; p++) {
        if (read_gfn(dom, first + p))
            return p;
        const uint64_t *w = (const uint64_t *)frame;
        if ((w[0] & 0xffff) != p)
            return p;
        unsigned i = 1;
        if (p == busy && w[0] == work_word(*steps + 1, p))
            while (i < HESTIA_PAGE_SIZE / 8 && w[i] == w[0])
                i++; /* the new words; the rest must be one older step's */
        uint64_t rest = i < HESTIA_PAGE_SIZE / 8 ? w[i] : w[0];
        if ((rest & 0xffff) != p)
            return p;
        for (; i < HESTIA_PAGE_SIZE / 8; i++)
            if (w[i] != rest)
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
    uint16_t port; /* one per move: the last one's may still be in TIME_WAIT */
    enum mig_fault fault;
    struct mig_send_stats st;
    struct mig_recv_stats rst;
    const char *why;
    long r;
} job;

static void send_job(void *arg)
{
    (void)arg;
    job.r = migrate_send(job.dom, job.peer, job.port, true, &job.st, &job.why);
}

static void recv_job(void *arg)
{
    (void)arg;
    job.r = migrate_receive_restore(job.port, 60 * SEC, true, job.fault, &job.rst, &job.dom,
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

#define MAX_RATES 4

/* The rates of dirty=R[/R..] (KiB/s); their count. */
static unsigned cmdline_rates(uint64_t *rates)
{
    struct ktok v;
    if (!kcmdline_get(port_cmdline, "dirty", &v)) {
        rates[0] = 1024;
        return 1;
    }
    unsigned n = 0;
    size_t i = 0;
    while (i < v.len && n < MAX_RATES) {
        size_t j = i;
        while (j < v.len && v.s[j] != '/')
            j++;
        if (kparse_u64(v.s + i, j - i, &rates[n]) == 0)
            n++;
        i = j + 1;
    }
    return n;
}

/* A rate's name in TEST and BENCH names: idle, 2mib, 10mib, 700kib. */
static void rate_tag(uint64_t kib_s, char *tag, size_t size)
{
    if (kib_s == 0)
        ksnprintf(tag, size, "idle");
    else if (kib_s % 1024 == 0)
        ksnprintf(tag, size, "%llumib", (unsigned long long)(kib_s / 1024));
    else
        ksnprintf(tag, size, "%llukib", (unsigned long long)kib_s);
}

static void tagged(char *out, size_t size, const char *name, const char *tag)
{
    ksnprintf(out, size, "%s.%s", name, tag);
}

static void bench_tagged(const char *tag, const char *what, uint64_t value,
                         const char *unit)
{
    char name[64];
    ksnprintf(name, sizeof(name), "mig.%s.%s", tag, what);
    bench_report(name, value, unit);
}

/* Create a migrant at kib_s, move it to the peer (after faults failed attempts). */
static void send_one(unsigned module, uint32_t peer, uint64_t kib_s, unsigned faults,
                     bool remaps)
{
    char tag[16], name[48], args[64];
    rate_tag(kib_s, tag, sizeof(tag));
    ksnprintf(args, sizeof(args), "role=migrant dirty=%llu remap=%u",
              (unsigned long long)kib_s, remaps);
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
    tagged(name, sizeof(name), "mig.create", tag);
    test_report(name, work_gfn >= 0 ? TR_PASS : TR_FAIL,
                "dom%ld, 4 MiB, %llu KiB/s, work area at gfn %ld (%ld)", dom,
                (unsigned long long)kib_s, work_gfn, r);
    if (work_gfn < 0)
        return;
    job.dom = d;
    job.peer = peer;
    for (unsigned i = 0; i < faults; i++) {
        dom0_net_run(send_job, NULL);
        ksnprintf(name, sizeof(name), "mig.send-fails-%s", fault_name[fault_order[i]]);
        test_report(name, job.r < 0 && !job.st.committed ? TR_PASS : TR_FAIL,
                    "%s after %u rounds, %llu bytes: %s",
                    job.r < 0 ? "failed" : "succeeded", job.st.rounds,
                    (unsigned long long)job.st.bytes, job.why);
        check_source_keeps(fault_name[fault_order[i]], d, (uint64_t)work_gfn);
    }
    dom0_net_run(send_job, NULL);
    const struct mig_send_stats *st = &job.st;
    tagged(name, sizeof(name), "mig.send", tag);
    /*
     * remap=1: the migrant moves a mapping every ms, so under -icount the
     * pause must have resent them.  In real time a loaded host may not run
     * the migrant between the pre-copy send and the pause (ppc, load ~10:
     * "maps pre-copy"); the destination's remap reads check it either way.
     */
    bool resent_ok = !remaps || st->maps_resent || time_realtime();
    test_report(name, job.r == 0 && st->committed && resent_ok ? TR_PASS : TR_FAIL,
                "%u pre-copy rounds, pages %llu/%llu/%llu.., final %llu pages %llu bytes, "
                "stream %llu bytes; source image crc32 %08x; %s; maps %s",
                st->rounds, (unsigned long long)st->round_pages[0],
                (unsigned long long)st->round_pages[1],
                (unsigned long long)st->round_pages[2], (unsigned long long)st->final_pages,
                (unsigned long long)st->final_bytes, (unsigned long long)st->bytes,
                st->image_crc, job.why, st->maps_resent ? "resent" : "pre-copy");
    struct domctl_info info;
    long g = ts_getinfo(d, &info);
    bool gone = g < 0 || info.domid != d;
    tagged(name, sizeof(name), "mig.source-gone", tag);
    test_report(name, job.r == 0 && gone ? TR_PASS : TR_FAIL, "dom%u %s on the source", d,
                gone ? "is gone" : "still exists");
    if (job.r == 0) {
        bench_tagged(tag, "total", st->total_ns / 1000, "us");
        bench_tagged(tag, "pause-host", st->pause_ns / 1000, "us");
        bench_tagged(tag, "stop-copy", st->stop_copy_ns / 1000, "us");
        bench_tagged(tag, "drain", st->drain_ns / 1000, "us");
        bench_tagged(tag, "maps-precopy", st->maps_precopy_ns / 1000, "us");
        bench_tagged(tag, "maps-resent", st->maps_resent, "count");
        bench_tagged(tag, "pause.final-round", st->final_round_ns / 1000, "us");
        bench_tagged(tag, "pause.state", (st->state_ns - st->final_round_ns) / 1000, "us");
        bench_tagged(tag, "pause.flush", (st->stop_copy_ns - st->state_ns) / 1000, "us");
        bench_tagged(tag, "pause.ack-wait", (st->pause_ns - st->stop_copy_ns) / 1000, "us");
        bench_tagged(tag, "rounds", st->rounds, "rounds");
        bench_tagged(tag, "round0-pages", st->round_pages[0], "pages");
        bench_tagged(tag, "round1-pages", st->round_pages[1], "pages");
        bench_tagged(tag, "final-pages", st->final_pages, "pages");
        bench_tagged(tag, "final-bytes", st->final_bytes, "bytes");
    }
}

static void send_side(unsigned module, unsigned faults)
{
    uint32_t peer = 0;
    if (!cmdline_ip("mig_peer", &peer)) {
        test_report("mig.config", TR_FAIL, "want mig_peer=A.B.C.D");
        return;
    }
    uint64_t rates[MAX_RATES];
    unsigned n = cmdline_rates(rates);
    for (unsigned k = 0; k < n; k++) {
        job.port = (uint16_t)(MIG_PORT + k);
        send_one(module, peer, rates[k], k == 0 ? faults : 0,
                 kcmdline_u64(port_cmdline, "remap", 0) != 0);
    }
}

/* The moved domain runs here: its steps and stamps go on; the gap it saw across the move.
 */
static void check_runs_here(hestia_domid_t d, const char *tag, bool writes,
                            uint64_t state_time_ns)
{
    bool remaps = kcmdline_u64(port_cmdline, "remap", 0) != 0;
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
    /* h0 was read before any pause of ours here: its gaps are the source's and the move's.
     */
    bool runs = work_gfn >= 0 && (h1.steps > h0.steps || !writes) &&
                h1.stamps > h0.stamps && !bad && h0.resumes == 1 && h1.remap_bad == 0 &&
                (!remaps || h1.remaps > h0.remaps);
    char name[48];
    tagged(name, sizeof(name), "mig.runs-here", tag);
    test_report(name, runs ? TR_PASS : TR_FAIL,
                "dom%u: work area at gfn %ld %s, steps %llu -> %llu, stamps %llu -> %llu, "
                "VIRQ_RESUMED seen %llu, remaps %llu -> %llu (%llu wrong), gap across the "
                "move %llu us (largest before our checks %llu us)",
                d, work_gfn, bad ? "damaged" : "whole", (unsigned long long)h0.steps,
                (unsigned long long)h1.steps, (unsigned long long)h0.stamps,
                (unsigned long long)h1.stamps, (unsigned long long)h0.resumes,
                (unsigned long long)h0.remaps, (unsigned long long)h1.remaps,
                (unsigned long long)h1.remap_bad, (unsigned long long)h0.move_gap_ns / 1000,
                (unsigned long long)h0.max_gap_ns / 1000);
    if (runs)
        bench_tagged(tag, "guest-pause", h0.move_gap_ns / 1000, "us");
    /*
     * Split at the state record's guest time (the source's clock at its write; the
     * destination's clock runs on from there): before it, the source's last stamp to
     * its final round and state records; after it, the destination's commit, unpause
     * and the guest's first turn on the CPU.
     */
    if (runs && state_time_ns && h0.move_start_ns <= state_time_ns &&
        state_time_ns <= h0.move_end_ns) {
        bench_tagged(tag, "guest-pause.source", (state_time_ns - h0.move_start_ns) / 1000,
                     "us");
        bench_tagged(tag, "guest-pause.dest", (h0.move_end_ns - state_time_ns) / 1000,
                     "us");
    }
}

static void recv_side(unsigned faults)
{
    uint64_t rates[MAX_RATES];
    unsigned n = cmdline_rates(rates);
    for (unsigned k = 0; k < n; k++) {
        char tag[16], name[48];
        rate_tag(rates[k], tag, sizeof(tag));
        unsigned f = k == 0 ? faults : 0;
        job.port = (uint16_t)(MIG_PORT + k);
        for (unsigned i = 0; i <= f; i++) {
            job.fault = i < f ? fault_order[i] : MIG_FAULT_NONE;
            dom0_net_run(recv_job, NULL);
            const struct mig_recv_stats *st = &job.rst;
            struct domctl_info info;
            long left = ts_getinfo(1, &info); /* the next domain after dom0: none */
            if (job.fault != MIG_FAULT_NONE) {
                ksnprintf(name, sizeof(name), "mig.recv-fault-%s", fault_name[job.fault]);
                test_report(
                    name, job.r < 0 && !st->committed && left < 0 ? TR_PASS : TR_FAIL,
                    "%llu records, %llu pages read; %s; %s",
                    (unsigned long long)st->records, (unsigned long long)st->pages, job.why,
                    left < 0 ? "no domain left here" : "a domain was left here");
                continue;
            }
            if (job.r == 0) {
                /* The check of what arrived, once the guest's first stamps are past. */
                thread_sleep_ns(100 * MS);
                migrate_receive_verify(&job.rst);
            }
            tagged(name, sizeof(name), "mig.receive", tag);
            test_report(
                name, job.r == 0 && st->committed ? TR_PASS : TR_FAIL,
                "restored dom%u: %llu page copies of %llu pages, %llu bytes, "
                "image crc32 %08x (of what arrived, computed %llu us long, after the "
                "guest ran 100 ms); %s",
                job.dom, (unsigned long long)st->pages, (unsigned long long)st->nr_pages,
                (unsigned long long)st->bytes, st->image_crc,
                (unsigned long long)st->verify_ns / 1000, job.why);
            if (job.r == 0 && st->t_state) {
                /* What is in the pause on this side (docs/migration.md). */
                bench_tagged(tag, "pause.recv-rest", (st->t_commit - st->t_state) / 1000,
                             "us");
                bench_tagged(tag, "pause.recv-ack", (st->t_acked - st->t_commit) / 1000,
                             "us");
                bench_tagged(tag, "pause.recv-go-wait", (st->t_go - st->t_acked) / 1000,
                             "us");
                bench_tagged(tag, "pause.recv-unpause", (st->t_resumed - st->t_go) / 1000,
                             "us");
            }
            if (job.r == 0) {
                check_runs_here(job.dom, tag, rates[k] != 0, st->state_time_ns);
                ts_destroy(job.dom); /* room for the next, and dom1 free for the checks */
            }
        }
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
