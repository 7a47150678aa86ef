/* SPDX-License-Identifier: MIT */
/*
 * role=resumer: a domU that is saved in one boot and restored in another
 * (tests/scenarios/save-restore.json).  Before the save it fills memory
 * with a pattern, binds VIRQ_RESUMED, an IPI and an interdomain channel to
 * dom0, grants dom0 a frame and runs two counting threads on timers.  When
 * VIRQ_RESUMED arrives it checks what must have survived: the memory
 * checksum, its system time going on without a jump back or a large leap,
 * its port numbers and bindings (the channel to dom0, which did not move,
 * now unbound), its grant entry (no longer mapped), the threads counting.
 * Its TEST lines are progress only; its verdict for dom0 is how it shuts
 * down (poweroff: every check passed; crash: one failed).
 */
#include <port/kernel.h>
#include <port/resume.h>

#define MS 1000000ull
#define AREA_PAGES 64u /* 256 KiB of state to checksum */

/* Free frames taken at start: bss would weigh on every domU of this image. */
static uint8_t *area;
#define AREA_BYTES (AREA_PAGES * HESTIA_PAGE_SIZE)
static uint32_t area_sum;
static volatile int resumed;
static volatile uint64_t counters[2], ipis;
static volatile uint64_t last_seen_ns;
static evtchn_port_t p_resumed, p_ipi, p_inter;
static uint64_t grant_gfn;

static uint32_t checksum(void)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < AREA_BYTES; i++)
        h = (h ^ area[i]) * 16777619u;
    return h;
}

static void on_resumed(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    set_flag(&resumed);
}

static void on_ipi(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    ipis++;
}

static void on_inter(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
}

static void worker(void *arg)
{
    unsigned idx = (unsigned)(uintptr_t)arg;
    for (;;) {
        counters[idx]++;
        thread_sleep_ns((idx + 1) * MS);
    }
}

static bool port_is(evtchn_port_t port, uint32_t status, uint32_t what)
{
    struct evtchn_status st = {.dom = DOMID_SELF, .port = port};
    if (hc_evtchn(EVTCHNOP_status, &st) < 0 || st.status != status)
        return false;
    if (status == EVTCHNSTAT_virq)
        return st.u.virq == what;
    if (status == EVTCHNSTAT_unbound)
        return st.u.unbound.dom == what;
    return true;
}

/* After VIRQ_RESUMED: every check, as TEST lines; true if all passed. */
static bool check_resumed(uint64_t before_ns)
{
    unsigned failed = 0;
    uint64_t now = time_now_ns();
    uint32_t sum = checksum();
    failed += sum != area_sum;
    test_report("resume.memory", sum == area_sum ? TR_PASS : TR_FAIL,
                "checksum of %u KiB 0x%08x, before the save 0x%08x",
                (unsigned)(AREA_BYTES >> 10), sum, area_sum);
    /*
     * Guest time goes on from the save point: no step back, and no leap
     * either (its time stopped at the pause; the restore's own work is not
     * its time).  The gap is what passed between the guest's last look and
     * the pause, plus the unpause and this check: a few ms under -icount, but
     * in real time on a loaded host the guest can sit descheduled while dom0
     * works (seen on a fresh CI clone on ppc: 101.6 ms), hence 1 s there; a
     * restore without the time offset jumps by the boots in between or back.
     */
    bool mono = now >= before_ns && now - before_ns < t_bound(100, 1000) * MS;
    failed += !mono;
    test_report("resume.time", mono ? TR_PASS : TR_FAIL,
                "last time seen before the save %llu us, first after %llu us%s",
                (unsigned long long)(before_ns / 1000), (unsigned long long)(now / 1000),
                TIME_MODE);
    uint64_t ipis_before = ipis;
    evtchn_send(p_ipi);
    thread_sleep_ns(MS);
    bool ports = port_is(p_resumed, EVTCHNSTAT_virq, VIRQ_RESUMED) &&
                 port_is(p_ipi, EVTCHNSTAT_ipi, 0) && ipis > ipis_before &&
                 port_is(p_inter, EVTCHNSTAT_unbound, DOMID_INVALID) &&
                 evtchn_send(p_inter) == 0;
    failed += !ports;
    test_report("resume.ports", ports ? TR_PASS : TR_FAIL,
                "VIRQ_RESUMED on port %u, IPI on %u delivered, channel to dom0 on %u now "
                "unbound (the peer did not move)",
                p_resumed, p_ipi, p_inter);
    const volatile uint64_t *g = gfn_to_va(grant_gfn);
    long end = gnttab_end(RESUMER_REF);
    bool grant = g[0] == RESUMER_MAGIC && end == 0;
    failed += !grant;
    test_report("resume.grant", grant ? TR_PASS : TR_FAIL,
                "ref %u's frame intact, revocable (%ld): dom0's mapping stayed behind",
                RESUMER_REF, end);
    uint64_t c0 = counters[0], c1 = counters[1], t0 = time_now_ns();
    thread_sleep_ns(50 * MS);
    uint64_t dt = time_now_ns() - t0;
    bool on = counters[0] > c0 && counters[1] > c1 && dt >= 50 * MS;
    failed += !on;
    test_report("resume.carry-on", on ? TR_PASS : TR_FAIL,
                "threads counted %llu and %llu more in %llu us",
                (unsigned long long)(counters[0] - c0),
                (unsigned long long)(counters[1] - c1), (unsigned long long)(dt / 1000));
    return failed == 0;
}

void role_resumer(void)
{
    long ag = frames_alloc(AREA_PAGES);
    if (ag < 0) {
        test_report("resume.ready", TR_FAIL,
                    "no %u free frames for the memory to check (%ld)", AREA_PAGES, ag);
        hc_sched(SCHEDOP_shutdown, SHUTDOWN_crash);
    }
    area = gfn_to_va((uint64_t)ag);
    for (size_t i = 0; i < AREA_BYTES; i++)
        area[i] = (uint8_t)(i * 7 + (i >> 12) * 13 + 1);
    area_sum = checksum();
    long r = evtchn_bind_virq(VIRQ_RESUMED, on_resumed, NULL);
    long i = evtchn_bind_ipi(on_ipi, NULL);
    hestia_domid_t peer = (hestia_domid_t)kcmdline_u64(port_cmdline, "peer", 0);
    long b = evtchn_bind_interdomain(
        peer, (evtchn_port_t)kcmdline_u64(port_cmdline, "port", 0), on_inter, NULL);
    long gf = frame_alloc();
    long ref = -1;
    if (gf >= 0 && gnttab_init(1) == 0) {
        grant_gfn = (uint64_t)gf;
        *(volatile uint64_t *)gfn_to_va(grant_gfn) = RESUMER_MAGIC;
        ref = gnttab_grant(peer, grant_gfn, false);
    }
    if (r < 0 || i < 0 || b < 0 || ref != RESUMER_REF) {
        test_report("resume.ready", TR_FAIL, "virq %ld ipi %ld interdomain %ld grant %ld",
                    r, i, b, ref);
        hc_sched(SCHEDOP_shutdown, SHUTDOWN_crash);
    }
    p_resumed = (evtchn_port_t)r, p_ipi = (evtchn_port_t)i, p_inter = (evtchn_port_t)b;
    thread_create("count0", worker, (void *)0);
    thread_create("count1", worker, (void *)1);
    test_report("resume.ready", TR_PASS, "ports %u %u %u, grant ref %ld, memory 0x%08x",
                p_resumed, p_ipi, p_inter, ref, area_sum);
    evtchn_send(p_inter); /* dom0 waits for this before it saves */
    while (!resumed) {
        last_seen_ns = time_now_ns();
        wait_flag(&resumed, MS);
    }
    bool ok = check_resumed(last_seen_ns);
    hc_sched(SCHEDOP_shutdown, ok ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}
