/* SPDX-License-Identifier: MIT */
/*
 * dom0's density scenario (docs/density.md): create count small domUs
 * (hestia-mini, role heartbeat) of pages frames each, check each answers
 * a heartbeat on the event channel bound to it alone, list them, destroy
 * them, and check the hypervisor's memory came back to the frame.  The
 * figures come from DOMCTL_memstat before and after; the verdicts are
 * dom0's (a domU's lines prove nothing).
 *
 * Command line: count=<domUs> (rtcount=<domUs> instead under realtime
 * timing, to keep the CI row short), pages=<frames per domU, 64..256>.
 */
#include <port/toolstack.h>

#define SEC 1000000000ull
#define DENSITY_MAX (HESTIA_MAX_DOMAINS - 1)
#define SLAB_SLACK 7u     /* frames: one partly used slab page per heap size class */
#define HYP_BUDGET 16384u /* bytes of hypervisor memory per domain, page tables apart */

struct density_dom {
    hestia_domid_t dom;
    evtchn_port_t port;
    volatile uint32_t beats; /* events dom0 got on port */
    uint64_t create_ns;      /* the DOMCTL_create call alone, in dom0's CPU time */
};
static struct density_dom g[DENSITY_MAX];
static volatile int beat_flag;

static void on_beat(evtchn_port_t port, void *arg)
{
    (void)port;
    __atomic_fetch_add(&((struct density_dom *)arg)->beats, 1, __ATOMIC_RELAXED);
    set_flag(&beat_flag);
}

/*
 * dom0's own CPU time: costs are measured in it, not in time passed, so the
 * domUs that run while dom0 is preempted (the new ones boot) do not count.
 * Under -icount it is the instructions dom0's vCPU ran, hypercalls included.
 */
static uint64_t cpu_now(void)
{
    uint64_t rt = 0;
    hc_vcpu(VCPUOP_get_runtime, 0, (uintptr_t)&rt);
    return rt;
}

static long memstat(struct domctl_memstat *m)
{
    struct hestia_domctl d = {0};
    long r = ts_domctl(DOMCTL_memstat, 0, &d);
    *m = d.u.memstat;
    return r;
}

/* Wait until every domU's port has seen at least want events: how many have. */
static unsigned wait_beats(unsigned n, uint32_t want, uint64_t timeout_ns)
{
    uint64_t deadline = time_now_ns() + timeout_ns;
    for (;;) {
        beat_flag = 0;
        unsigned ok = 0;
        for (unsigned i = 0; i < n; i++)
            ok += g[i].beats >= want;
        uint64_t now = time_now_ns();
        if (ok == n || now >= deadline)
            return ok;
        wait_flag(&beat_flag, MIN(deadline - now, SEC / 10));
    }
}

/* One domU: create (timed), offer it a port of ours, load, start. */
static long build_one(unsigned i, unsigned module, uint64_t pages)
{
    uint64_t t0 = cpu_now();
    long d = ts_domain_new(pages, 0, 0);
    g[i].create_ns = cpu_now() - t0;
    if (d < 0)
        return d;
    g[i].dom = (hestia_domid_t)d;
    long p = evtchn_alloc_unbound((hestia_domid_t)d, on_beat, &g[i]);
    if (p < 0) {
        ts_destroy((hestia_domid_t)d);
        return p;
    }
    g[i].port = (evtchn_port_t)p;
    char args[64];
    ksnprintf(args, sizeof(args), "peer=%u port=%ld", start_info->domid, p);
    long r = ts_domain_load((hestia_domid_t)d, module, args);
    if (r >= 0)
        r = ts_unpause((hestia_domid_t)d);
    if (r < 0) {
        evtchn_close((evtchn_port_t)p);
        ts_destroy((hestia_domid_t)d);
    }
    return r;
}

/* Mean DOMCTL_create time of the domains [from, to). */
static uint64_t mean_create(unsigned from, unsigned to)
{
    uint64_t s = 0;
    for (unsigned i = from; i < to; i++)
        s += g[i].create_ns;
    return to > from ? s / (to - from) : 0;
}

/*
 * The cheapest DOMCTL_create of the domains [from, to): what the flatness
 * checks compare.  With realtime timing dom0's CPU time includes the host
 * preempting the emulator (a create measured 4 ms among 0.2 ms ones on a
 * loaded host); the minimum of 16 is what the work costs.  Under -icount it
 * leaves out the create that also took a new slab page.
 */
static uint64_t min_create(unsigned from, unsigned to)
{
    uint64_t m = UINT64_MAX;
    for (unsigned i = from; i < to; i++)
        m = MIN(m, g[i].create_ns);
    return m;
}

/* Cheapest time of a DOMCTL that looks its target up (sched_get) over domUs [from, to). */
static uint64_t min_lookup(unsigned from, unsigned to)
{
    uint64_t m = UINT64_MAX;
    for (unsigned i = from; i < to; i++) {
        struct hestia_domctl d = {0};
        uint64_t t0 = cpu_now();
        ts_domctl(DOMCTL_sched_get, g[i].dom, &d);
        uint64_t ns = cpu_now() - t0; /* once: MIN evaluates its arguments twice */
        m = MIN(m, ns);
    }
    return m;
}

/* Domains DOMCTL_getinfo walks (what `list` does), without printing. */
static unsigned count_domains(void)
{
    unsigned n = 0;
    for (unsigned id = 0; id < HESTIA_MAX_DOMAINS; n++) {
        struct hestia_domctl d = {0};
        if (ts_domctl(DOMCTL_getinfo, (hestia_domid_t)id, &d) < 0)
            break;
        id = d.domid + 1u;
    }
    return n;
}

static void report_memory(const struct domctl_memstat *m0, const struct domctl_memstat *m1,
                          unsigned n, uint64_t pages)
{
    uint64_t used = (m0->free_frames - m1->free_frames) * HESTIA_PAGE_SIZE;
    uint64_t guest = (uint64_t)n * pages * HESTIA_PAGE_SIZE;
    uint64_t pt = (m1->pt_frames - m0->pt_frames) * HESTIA_PAGE_SIZE / n;
    uint64_t hyp = used > guest ? (used - guest) / n : 0;
    uint64_t other = hyp > pt ? hyp - pt : 0;
    uint64_t heap = (m1->heap_bytes - m0->heap_bytes) / n;
    bench_report("density.hyp-bytes-per-domain", other, "bytes");
    bench_report("density.pt-bytes-per-domain", pt, "bytes");
    bench_report("density.heap-bytes-per-domain", heap, "bytes");
    test_report("density.hyp-memory",
                other <= HYP_BUDGET && used > guest ? TR_PASS : TR_FAIL,
                "%llu bytes per domain besides its %llu KiB and %llu bytes of page tables "
                "(budget %u)",
                (unsigned long long)other, (unsigned long long)(pages * 4),
                (unsigned long long)pt, HYP_BUDGET);
}

void density_run(unsigned module)
{
    uint64_t count = kcmdline_u64(port_cmdline, "count", 1000);
    if (time_realtime())
        count = kcmdline_u64(port_cmdline, "rtcount", count);
    uint64_t pages = kcmdline_u64(port_cmdline, "pages", 64);
    if (count == 0 || count > DENSITY_MAX || pages < 64 || pages > 256) {
        test_report("density.args", TR_FAIL,
                    "count=%llu pages=%llu: want 1..%u domUs of 64..256 pages",
                    (unsigned long long)count, (unsigned long long)pages, DENSITY_MAX);
        return;
    }
    unsigned n = (unsigned)count;
    struct domctl_memstat m0, m1, m2;
    /* dom0 needs a port per domU: its table grown first (ts_grow_ports). */
    ts_grow_ports(n);
    /*
     * One domU built, beaten and destroyed first: what dom0's hypervisor
     * state allocates on first use (its poll buffer, ...) is then in the
     * baseline, and a leak per domU shows up count times over.
     */
    if (build_one(0, module, pages) == 0) {
        wait_beats(1, 1, 10 * SEC);
        evtchn_send(g[0].port);
        wait_beats(1, 2, 10 * SEC);
        ts_destroy(g[0].dom);
        evtchn_close(g[0].port);
    }
    g[0] = (struct density_dom){0};
    if (memstat(&m0) < 0) {
        test_report("density.memstat", TR_FAIL, "DOMCTL_memstat refused");
        return;
    }
    unsigned doms_before = count_domains();

    uint64_t t0 = time_now_ns();
    unsigned built = 0;
    long err = 0;
    for (; built < n; built++) {
        if ((err = build_one(built, module, pages)) < 0)
            break;
    }
    uint64_t build_ns = time_now_ns() - t0;
    test_report("density.create", built == n ? TR_PASS : TR_FAIL,
                "%u/%u domUs of %llu KiB built in %llu ms%s%s", built, n,
                (unsigned long long)(pages * 4), (unsigned long long)(build_ns / 1000000),
                built == n ? "" : ": ", built == n ? "" : kstrerror(err));

    /* Each says hello once bound, then answers dom0's beat. */
    unsigned up = wait_beats(built, 1, 60 * SEC);
    for (unsigned i = 0; i < built; i++)
        evtchn_send(g[i].port);
    unsigned alive = wait_beats(built, 2, 60 * SEC);
    test_report("density.heartbeat", built == n && alive == n ? TR_PASS : TR_FAIL,
                "%u/%u up, %u/%u answered the heartbeat on their own channel", up, n, alive,
                n);

    if (memstat(&m1) == 0 && built == n)
        report_memory(&m0, &m1, n, pages);

    uint64_t l0 = cpu_now();
    unsigned listed = count_domains();
    uint64_t list_ns = cpu_now() - l0;
    l0 = cpu_now();
    ts_list();
    uint64_t print_ns = cpu_now() - l0;
    test_report("density.list", listed == doms_before + built ? TR_PASS : TR_FAIL,
                "%u domains listed (want %u) in %llu us, %llu us printed", listed,
                doms_before + built, (unsigned long long)(list_ns / 1000),
                (unsigned long long)(print_ns / 1000));
    bench_report("density.list-ns", list_ns, "ns");
    bench_report("density.list-printed-ns", print_ns, "ns");

    if (built > 0) {
        bench_report("density.create-1-ns", g[0].create_ns, "ns");
        bench_report("density.create-mid-ns", g[built / 2].create_ns, "ns");
        bench_report("density.create-last-ns", g[built - 1].create_ns, "ns");
    }
    if (built == n && n >= 64) {
        /* The curve, for the docs: means of 16 at each eighth. */
        printk("density: DOMCTL_create by domU number (means of 16):");
        for (unsigned k = 0; k < 8; k++) {
            unsigned from = k * (n - 16) / 7;
            printk(" %u:%llu", from + 1, (unsigned long long)mean_create(from, from + 16));
        }
        printk(" ns\n");
        /*
         * The cheapest of 16 creates at the middle and at the end: from n/2
         * to n the domain count doubles.  Not from the first: on ppc creating
         * costs 3% more once ~100 domains have run, when dom0's translations
         * no longer survive in the software-refilled TLB (a step, flat after
         * it).  Deterministic under -icount, so the bound is tight (+3%: the
         * old sorted domain list cost +6% from 500 to 1000).  In real time a
         * loaded host can slow a whole stretch of 16 (seen on a fresh CI clone:
         * 129 us cheapest at the middle, 277 us at the end of 200), so there
         * the bound is x4 and catches only gross growth; the icount row is the
         * one that judges flatness.
         */
        uint64_t first = min_create(n / 2 - 8, n / 2 + 8), last = min_create(n - 16, n);
        uint64_t limit = time_realtime() ? 4 * first : first + first / 32;
        test_report(
            "density.create-flat", last <= limit ? TR_PASS : TR_FAIL,
            "cheapest DOMCTL_create %llu ns among domUs %u-%u, %llu ns among the last "
            "16 (limit %llu)%s",
            (unsigned long long)first, n / 2 - 7, n / 2 + 8, (unsigned long long)last,
            (unsigned long long)limit, TIME_MODE);
        first = min_lookup(0, 16);
        last = min_lookup(n - 16, n);
        limit = first + first / t_bound(4, 1); /* +25%, realtime +100% */
        bench_report("density.lookup-first-ns", first, "ns");
        bench_report("density.lookup-last-ns", last, "ns");
        test_report(
            "density.lookup-flat", last <= limit ? TR_PASS : TR_FAIL,
            "cheapest DOMCTL_sched_get %llu ns on the first 16 domUs, %llu ns on the "
            "last 16 (limit %llu)%s",
            (unsigned long long)first, (unsigned long long)last, (unsigned long long)limit,
            TIME_MODE);
    }

    uint64_t d0 = cpu_now();
    unsigned destroyed = 0;
    for (unsigned i = 0; i < built; i++) {
        destroyed += ts_destroy(g[i].dom) == 0;
        evtchn_close(g[i].port);
    }
    uint64_t destroy_ns = cpu_now() - d0;
    if (built)
        bench_report("density.destroy-ns", destroy_ns / built, "ns");
    unsigned left = count_domains();
    test_report("density.destroy",
                destroyed == built && left == doms_before ? TR_PASS : TR_FAIL,
                "%u/%u destroyed in %llu ms, %u domains left", destroyed, built,
                (unsigned long long)(destroy_ns / 1000000), left);

    /*
     * Heap objects and page tables must be back exactly.  Frames may differ
     * by a partly used slab page per size class: an object freed and
     * allocated again (dom0's timer array grown and shrunk) can land in
     * another page than before.  A leak per domU would be count times over.
     */
    long r = memstat(&m2);
    bool same = r == 0 && m2.heap_bytes == m0.heap_bytes && m2.pt_frames == m0.pt_frames &&
                m2.free_frames + SLAB_SLACK >= m0.free_frames &&
                m2.free_frames <= m0.free_frames + SLAB_SLACK;
    test_report("density.no-leak", same ? TR_PASS : TR_FAIL,
                "free frames %llu -> %llu (slack %u), heap bytes %llu -> %llu, page-table "
                "frames %llu -> %llu",
                (unsigned long long)m0.free_frames, (unsigned long long)m2.free_frames,
                SLAB_SLACK, (unsigned long long)m0.heap_bytes,
                (unsigned long long)m2.heap_bytes, (unsigned long long)m0.pt_frames,
                (unsigned long long)m2.pt_frames);
}
