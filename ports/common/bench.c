/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks (dom0 test=bench), in guest ns (instructions under
 * -icount shift=0): null hypercall, PV MMU map+unmap, grant map+unmap,
 * event channel round trip between two domains, domain switch.
 */
#include <port/toolstack.h>

/*
 * Profile points for `./hestia bench --profile NAME` (ci/hestia_cli/profile.py):
 * the profiler stops at bench_profile_NAME, single-steps through its gdb stub,
 * and attributes every instruction from bench_profile_start to bench_profile_end
 * to a symbol.  Each operation runs twice more after its timed loop, outside the
 * timing: the first, stepped but not counted, takes the detour a stop at a
 * breakpoint causes (guest time moved on while the emulator was stopped, so the
 * scheduler's slice has run out: 871 instructions against the loop's 723 for a
 * null hypercall on x86_64); the second is the one profiled.
 */
#define BENCH_PROFILE_POINT(name)                                                          \
    __attribute__((noinline)) void bench_profile_##name(void);                             \
    __attribute__((noinline)) void bench_profile_##name(void)                              \
    {                                                                                      \
        __asm__ volatile("" ::: "memory");                                                 \
    }
BENCH_PROFILE_POINT(null_hypercall)
BENCH_PROFILE_POINT(pvmmu_map_unmap)
BENCH_PROFILE_POINT(grant_map_unmap)
BENCH_PROFILE_POINT(evtchn_roundtrip)
BENCH_PROFILE_POINT(domain_switch)
BENCH_PROFILE_POINT(process)
BENCH_PROFILE_POINT(start)
BENCH_PROFILE_POINT(end)
/*
 * Both runs from one call site, kept a loop (the empty asm hides the count
 * from the compiler, which otherwise peels the loop into two copies, as it
 * did on ppc even with `#pragma GCC unroll 1`): with two copies the profiled run's code
 * could sit on a page the first never touched, and on ppc that page's
 * first TLB miss (~100 instructions) landed in the profile (517 against the
 * loop's 419).  The end point is inside the loop so that only one test of
 * the count is profiled besides the operation.
 */
#define BENCH_PROFILE(name, op)                                                            \
    do {                                                                                   \
        bench_profile_##name();                                                            \
        for (unsigned bench_run_ = 0; bench_run_ < 2; bench_run_++) {                      \
            __asm__ volatile("" : "+r"(bench_run_));                                       \
            if (bench_run_)                                                                \
                bench_profile_start();                                                     \
            op;                                                                            \
            if (bench_run_)                                                                \
                bench_profile_end();                                                       \
        }                                                                                  \
    } while (0)

static volatile int flag;
static void handler(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    set_flag(&flag);
}

void bench_run(unsigned module);
void bench_tlb_refill(void);                                     /* bench_tlb.c */
long work_process_once(uint64_t g, unsigned round, uint64_t *h); /* workloads.c */
void bench_main(void)
{
    bench_run(0);
}

/* Baselines measured in the same run: a plain call, a guest thread switch. */
__attribute__((noinline)) static long native_call(long x)
{
    __asm__ volatile("" : "+r"(x));
    return x + 1;
}

static volatile int yielders_stop;
static void yielder(void *arg)
{
    (void)arg;
    while (!yielders_stop)
        thread_yield();
}

/*
 * Event round trips with the peer until `end`, the clock read every 64 (a
 * read per round trip would be measured); how many were answered.  Stops
 * at the first unanswered one (*answered false), and starts none when
 * *answered is already false.
 */
static unsigned round_trips_until(evtchn_port_t port, uint64_t end, bool *answered)
{
    unsigned n = 0;
    while (*answered && ((n & 63) || time_now_ns() < end)) {
        flag = 0;
        evtchn_send(port);
        if (!wait_flag(&flag, 2000000000ull))
            *answered = false;
        else
            n++;
    }
    return n;
}

void bench_run(unsigned module)
{
    enum { N = 5000 };
    uint64_t t0 = time_now_ns();
    long acc = 0;
    for (unsigned i = 0; i < N; i++)
        acc = native_call(acc);
    bench_report("native-call", (time_now_ns() - t0) / N, "ns");
    t0 = time_now_ns();
    for (unsigned i = 0; i < N; i++)
        hc_version(VERSION_abi, 0);
    bench_report("null-hypercall", (time_now_ns() - t0) / N, "ns");
    BENCH_PROFILE(null_hypercall, hc_version(VERSION_abi, 0));
    yielders_stop = 0;
    struct thread *y = thread_create("yielder", yielder, NULL);
    thread_yield();
    uint64_t sw0 = thread_switches;
    t0 = time_now_ns();
    for (unsigned i = 0; i < N; i++)
        thread_yield();
    uint64_t sw = thread_switches - sw0;
    bench_report("guest-thread-switch", sw ? (time_now_ns() - t0) / sw : 0, "ns");
    yielders_stop = 1;
    if (y)
        thread_join(y);

    long g = frame_alloc();
    uintptr_t va = kva_alloc(1);
    t0 = time_now_ns();
    long bad = 0;
    for (unsigned i = 0; i < N; i++) {
        bad |= mmu_map(0, va, (uint64_t)g, MMU_PERM_READ | MMU_PERM_WRITE);
        bad |= mmu_unmap(0, va);
    }
    bench_report("pvmmu-map-unmap", (time_now_ns() - t0) / N, "ns");
    BENCH_PROFILE(pvmmu_map_unmap,
                  bad |= mmu_map(0, va, (uint64_t)g, MMU_PERM_READ | MMU_PERM_WRITE);
                  bad |= mmu_unmap(0, va));
    test_report("bench.pvmmu", bad ? TR_FAIL : TR_PASS, NULL);

    /* The process workload's unit (workloads.c), here to be profiled. */
    enum { PROCESSES = 20, PROCESS_PAGES = 32 };
    long pg = frames_alloc(PROCESS_PAGES);
    uint64_t sum = 0;
    bad = pg < 0;
    t0 = time_now_ns();
    for (unsigned i = 0; i < PROCESSES && !bad; i++)
        bad = work_process_once((uint64_t)pg, i, &sum);
    bench_report("process", (time_now_ns() - t0) / PROCESSES, "ns");
    BENCH_PROFILE(process, bad |= work_process_once((uint64_t)pg, 0, &sum));
    if (pg >= 0)
        frames_free((uint64_t)pg, PROCESS_PAGES);
    test_report("bench.process", bad ? TR_FAIL : TR_PASS, "%ld", bad);

    /* A peer domain: echoes events, grants us a page, then yields. */
    long peer = ts_domain_new(1024, 0, 0);
    long port = peer >= 0 ? ts_offer_port(start_info->domid, (hestia_domid_t)peer) : peer;
    char args[64];
    ksnprintf(args, sizeof(args), "role=bench-peer port=%ld yields=%u", port, N);
    long r = port < 0 ? port : ts_domain_load((hestia_domid_t)peer, module, args);
    if (r >= 0) {
        evtchn_set_handler((evtchn_port_t)port, handler, NULL);
        evtchn_unmask((evtchn_port_t)port);
        r = ts_unpause((hestia_domid_t)peer);
    }
    if (r < 0 || !wait_flag(&flag, 20000000000ull)) {
        test_report("bench.peer", TR_FAIL, "peer dom%ld: %ld", peer, r);
        return;
    }
    test_report("bench.peer", TR_PASS, "dom%ld", peer);

    uintptr_t gva = kva_alloc(1);
    grant_handle_t h;
    bad = 0;
    t0 = time_now_ns();
    for (unsigned i = 0; i < N; i++) {
        bad |= gnttab_map((hestia_domid_t)peer, 1, gva, 0, false, &h);
        bad |= gnttab_unmap(gva, 0, h);
    }
    bench_report("grant-map-unmap", (time_now_ns() - t0) / N, "ns");
    BENCH_PROFILE(grant_map_unmap,
                  bad |= gnttab_map((hestia_domid_t)peer, 1, gva, 0, false, &h);
                  bad |= gnttab_unmap(gva, 0, h));
    test_report("bench.grant", bad ? TR_FAIL : TR_PASS, NULL);

    /*
     * Round trips over two whole credit periods of the scheduler (30 ms,
     * SCHED_CREDIT_PERIOD_NS in <hestia/sched.h>), after one
     * period of warm-up (the first after the peer's boot starts from the
     * credit its boot left).  Which way a round trip goes depends on credit:
     * (A) the woken peer preempts the sender, or (B) it queues behind it and
     * each side blocks, idles and is woken (~650 instructions dearer on
     * x86_64).  The mix follows the accounting, period after period: on
     * x86_64 the thirds of each period averaged 4273, 3870 and 3690
     * instructions.  A fixed count (5000 round trips, two thirds of a
     * period) measured whatever part of the period it started in; the
     * average over whole periods does not depend on that.
     */
    bool warm = true;
    round_trips_until((evtchn_port_t)port, time_now_ns() + SCHED_CREDIT_PERIOD_NS, &warm);
    t0 = time_now_ns();
    unsigned done =
        round_trips_until((evtchn_port_t)port, t0 + 2 * SCHED_CREDIT_PERIOD_NS, &warm);
    bench_report("evtchn-roundtrip", done ? (time_now_ns() - t0) / done : 0, "ns");
    bool echoed = true;
    BENCH_PROFILE(evtchn_roundtrip, flag = 0; evtchn_send((evtchn_port_t)port);
                  echoed &= wait_flag(&flag, 2000000000ull));
    /* Every round trip, the profiled ones too, must have been answered. */
    test_report("bench.evtchn", warm && echoed && done ? TR_PASS : TR_FAIL,
                "%u round trips in two credit periods", done);

    /* Tell the peer to start yielding (through the shared page), then yield too. */
    if (gnttab_map((hestia_domid_t)peer, 1, gva, 0, false, &h) == 0) {
        *(volatile uint32_t *)gva = 1;
        gnttab_unmap(gva, 0, h);
    }
    evtchn_send((evtchn_port_t)port);
    struct domctl_info info;
    ts_getinfo((hestia_domid_t)peer, &info);
    BENCH_PROFILE(domain_switch, hc_sched(SCHEDOP_yield, 0)); /* outside the timing */
    t0 = time_now_ns();
    unsigned yields = 0;
    while (yields < N && ts_getinfo((hestia_domid_t)peer, &info) == 0 &&
           info.state != DOMSTATE_shutdown) {
        hc_sched(SCHEDOP_yield, 0);
        yields++;
    }
    uint64_t el = time_now_ns() - t0;
    /* Each of our yields switched to the peer and back: two switches. */
    bench_report("domain-switch", yields ? el / (2 * yields) : 0, "ns");
    r = ts_wait_shutdown((hestia_domid_t)peer, 20000000000ull);
    test_report("bench.peer-shutdown", r == SHUTDOWN_poweroff ? TR_PASS : TR_FAIL, "%ld",
                r);
    ts_destroy((hestia_domid_t)peer);
    bench_tlb_refill(); /* last: its 1024 mappings leave the others' figures alone */
}
