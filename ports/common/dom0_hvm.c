/* SPDX-License-Identifier: MIT */
/*
 * dom0's HVM scenarios (docs/hvm.md).
 *
 * hvm-linux: two PV domUs exchange events (ping / pong) while dom0 boots
 * Debian's kernel as an HVM guest with `create-hvm`.  dom0 reads the
 * guest's console ring as it goes (the ring is 4 KiB, the kernel log much
 * longer) and checks it line by line: every workload's TEST line PASS, no
 * BUG, panic, soft lockup or Call Trace; then that the guest powered off
 * and the PV pair finished.
 *
 * hvm-bench: the same guest alone (no PV pair disturbs its timings); the
 * host compares its workload times with a native boot (ci/hestia_cli/hvmbench.py).
 *
 * hvm-isolation: beside the same PV pair, a hostile bare-metal HVM guest
 * (arch/x86_64/test/hvmhostile.c) attacks from inside SVM and ends in a
 * triple fault.  dom0 wants every attack contained (its TEST lines, all
 * PASS, and its last words), the domain crashed and nothing else hurt:
 * the pair finishes, and a second HVM guest (the hvm-basic test program)
 * still runs to its power-off on the same hypervisor.
 */
#include <port/toolstack.h>

#define SEC 1000000000ull

static const char *const bad_words[] = {"BUG", "panic", "soft lockup", "Call Trace"};
static const char *const workloads[] = {
    "linux.cpu",       "linux.syscall", "linux.fork-exec", "linux.memory",
    "linux.pagefault", "linux.sleep",   "linux.time"};

struct log_scan {
    char line[256];
    size_t len;
    unsigned bad, passed, lines;
    unsigned tests_pass, tests_fail; /* any TEST line of the guest */
    bool last_words;                 /* hvm-isolation: the hostile's summary */
    char first_bad[96];
};

static bool contains(const char *s, size_t n, const char *w)
{
    size_t l = kstrlen(w);
    for (size_t i = 0; i + l <= n; i++)
        if (kstrneq(s + i, w, l))
            return true;
    return false;
}

static void scan_line(struct log_scan *sc)
{
    sc->lines++;
    if (sc->len >= 5 && kstrneq(sc->line, "TEST ", 5)) {
        if (contains(sc->line, sc->len, " PASS"))
            sc->tests_pass++;
        else
            sc->tests_fail++;
    }
    if (contains(sc->line, sc->len, "hostile: 0 failed; now a triple fault"))
        sc->last_words = true;
    for (unsigned i = 0; i < ARRAY_SIZE(bad_words); i++) {
        if (contains(sc->line, sc->len, bad_words[i])) {
            if (!sc->bad++)
                ksnprintf(sc->first_bad, sizeof(sc->first_bad), "%.*s",
                          (int)MIN(sc->len, (size_t)90), sc->line);
        }
    }
    for (unsigned i = 0; i < ARRAY_SIZE(workloads); i++) {
        char want[48];
        int l = ksnprintf(want, sizeof(want), "TEST %s PASS", workloads[i]);
        if (sc->len >= (size_t)l && kstrneq(sc->line, want, (size_t)l))
            sc->passed++;
    }
}

/* Read what dom wrote since the last call and scan each whole line. */
static void scan_ring(hestia_domid_t dom, struct log_scan *sc)
{
    static char buf[512];
    long n;
    while ((n = hc_console(CONSOLEIO_read_ring, sizeof(buf), buf, dom)) > 0) {
        for (long i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                scan_line(sc);
                sc->len = 0;
            } else if (sc->len < sizeof(sc->line)) {
                sc->line[sc->len++] = buf[i];
            }
        }
    }
}

/* Wait for dom to shut down, scanning its console; its reason or -HESTIA_EAGAIN. */
static long watch(hestia_domid_t dom, struct log_scan *sc, uint64_t timeout)
{
    uint64_t deadline = time_now_ns() + timeout;
    for (;;) {
        scan_ring(dom, sc);
        struct domctl_info info;
        long r = ts_getinfo(dom, &info);
        if (r < 0)
            return r;
        if (info.state == DOMSTATE_shutdown) {
            scan_ring(dom, sc);
            return info.shutdown_reason;
        }
        if (time_now_ns() >= deadline)
            return -HESTIA_EAGAIN;
        thread_sleep_ns(20000000);
    }
}

static long pv_pair(unsigned module, long *ping, long *pong, unsigned rounds)
{
    char args[128];
    *ping = ts_domain_new(1024, 0, 0);
    *pong = ts_domain_new(1024, 0, 0);
    if (*ping < 0 || *pong < 0)
        return *ping < 0 ? *ping : *pong;
    long p = ts_offer_port((hestia_domid_t)*ping, (hestia_domid_t)*pong);
    if (p < 0)
        return p;
    ksnprintf(args, sizeof(args), "role=ping peer=%ld port=%ld rounds=%u", *pong, p,
              rounds);
    long r = ts_domain_load((hestia_domid_t)*ping, module, args);
    ksnprintf(args, sizeof(args), "role=pong peer=%ld port=%ld rounds=%u", *ping, p,
              rounds);
    if (r >= 0)
        r = ts_domain_load((hestia_domid_t)*pong, module, args);
    if (r >= 0)
        r = ts_unpause((hestia_domid_t)*ping);
    if (r >= 0)
        r = ts_unpause((hestia_domid_t)*pong);
    return r;
}

static void expect_down(const char *name, long dom, uint64_t timeout)
{
    long r = dom < 0 ? dom : ts_wait_shutdown((hestia_domid_t)dom, timeout);
    test_report(name, r == SHUTDOWN_poweroff ? TR_PASS : TR_FAIL, "dom%ld: %s", dom,
                r >= 0 ? ts_reason_name((unsigned)r) : kstrerror(r));
    if (dom >= 0)
        ts_destroy((hestia_domid_t)dom);
}

/* Boot the Linux guest, watch it to its power-off and judge its console (prefix.*). */
static void linux_guest(const char *prefix)
{
    static const char cmd[] = "create-hvm vmlinuz initrd=initrd mem=128";
    char name[48];
    long hvm = ts_create_hvm(cmd, sizeof(cmd) - 1);
    ksnprintf(name, sizeof(name), "%s.linux-create", prefix);
    test_report(name, hvm >= 0 ? TR_PASS : TR_FAIL, "dom%ld", hvm);
    if (hvm < 0)
        return;
    static struct log_scan sc;
    long why = watch((hestia_domid_t)hvm, &sc, 600 * SEC);
    ksnprintf(name, sizeof(name), "%s.linux-poweroff", prefix);
    test_report(name, why == SHUTDOWN_poweroff ? TR_PASS : TR_FAIL,
                "dom%ld: %s after %u console lines", hvm,
                why >= 0 ? ts_reason_name((unsigned)why) : kstrerror(why), sc.lines);
    ksnprintf(name, sizeof(name), "%s.linux-workloads", prefix);
    test_report(name, sc.passed == ARRAY_SIZE(workloads) ? TR_PASS : TR_FAIL,
                "%u of %u workload lines PASS", sc.passed, (unsigned)ARRAY_SIZE(workloads));
    ksnprintf(name, sizeof(name), "%s.linux-log-clean", prefix);
    test_report(name, sc.bad == 0 ? TR_PASS : TR_FAIL,
                "%u lines with BUG / panic / soft lockup / Call Trace%s%s", sc.bad,
                sc.bad ? ", first: " : "", sc.first_bad);
    ts_list();
    ts_destroy((hestia_domid_t)hvm);
}

void dom0_hvm_linux(unsigned pv_module)
{
    long ping = -1, pong = -1;
    /* About as long as the Linux guest runs (12 us a round trip under -icount). */
    long r = pv_pair(pv_module, &ping, &pong, 600000);
    test_report("hvm.pv-pair", r >= 0 ? TR_PASS : TR_FAIL, "ping dom%ld pong dom%ld (%s)",
                ping, pong, r >= 0 ? "running" : kstrerror(r));
    linux_guest("hvm");
    expect_down("hvm.ping-shutdown", ping, 300 * SEC);
    expect_down("hvm.pong-shutdown", pong, 10 * SEC);
}

/* hvm-bench's Hestia half: the Linux guest alone beside dom0 (the host compares). */
void dom0_hvm_bench(void)
{
    linux_guest("hvmbench");
}

void dom0_hvm_isolation(unsigned pv_module)
{
    long ping = -1, pong = -1;
    long r = pv_pair(pv_module, &ping, &pong, 300000);
    test_report("hvmiso.pv-pair", r >= 0 ? TR_PASS : TR_FAIL,
                "ping dom%ld pong dom%ld (%s)", ping, pong,
                r >= 0 ? "running" : kstrerror(r));
    static const char cmd[] = "create-hvm hostile mem=16";
    long h = ts_create_hvm(cmd, sizeof(cmd) - 1);
    test_report("hvmiso.create", h >= 0 ? TR_PASS : TR_FAIL, "dom%ld", h);
    if (h >= 0) {
        static struct log_scan sc;
        long why = watch((hestia_domid_t)h, &sc, 600 * SEC);
        test_report("hvmiso.crashed", why == SHUTDOWN_crash ? TR_PASS : TR_FAIL,
                    "dom%ld: %s", h,
                    why >= 0 ? ts_reason_name((unsigned)why) : kstrerror(why));
        test_report("hvmiso.contained",
                    sc.tests_pass == 6 && !sc.tests_fail && sc.last_words ? TR_PASS
                                                                          : TR_FAIL,
                    "%u attacks contained, %u not, last words %s", sc.tests_pass,
                    sc.tests_fail, sc.last_words ? "seen" : "missing");
        ts_destroy((hestia_domid_t)h);
    }
    /* The hypervisor's SVM state survived: another HVM guest runs to its power-off. */
    static const char cmd2[] = "create-hvm hvmtest mem=16";
    long t = ts_create_hvm(cmd2, sizeof(cmd2) - 1);
    static struct log_scan sc2;
    long why = t < 0 ? t : watch((hestia_domid_t)t, &sc2, 120 * SEC);
    test_report("hvmiso.next-guest",
                why == SHUTDOWN_poweroff && sc2.tests_pass == 6 && !sc2.tests_fail
                    ? TR_PASS
                    : TR_FAIL,
                "dom%ld: %s, %u TEST PASS", t,
                why >= 0 ? ts_reason_name((unsigned)why) : kstrerror(why), sc2.tests_pass);
    if (t >= 0)
        ts_destroy((hestia_domid_t)t);
    expect_down("hvmiso.ping-shutdown", ping, 300 * SEC);
    expect_down("hvmiso.pong-shutdown", pong, 10 * SEC);
}
