/* SPDX-License-Identifier: MIT */
/*
 * dom0: runs a scenario (test=smoke|selftest|selftest-domu|pv-selftest|multi|
 * isolation|bench|fail|forge) or a script (script=cmd;cmd;..., the last word
 * of the command line: it runs to the end, each command reported as a TEST
 * line) and then, unless a test ran, the interactive toolstack prompt.
 * Scenarios build their domUs from the first boot module given to dom0
 * (module=<label> picks another), with role=... set on the domU's command
 * line.
 */
#include <port/toolstack.h>

#define SEC 1000000000ull

static unsigned guest_module;
static uint64_t canary[512];

static void canary_fill(void)
{
    uint64_t s = 0xc0ffee;
    for (unsigned i = 0; i < ARRAY_SIZE(canary); i++)
        canary[i] = kxorshift(&s);
}

static bool canary_ok(void)
{
    uint64_t s = 0xc0ffee;
    for (unsigned i = 0; i < ARRAY_SIZE(canary); i++)
        if (canary[i] != kxorshift(&s))
            return false;
    return true;
}

/* Create + load + (optionally) unpause a domU running role with args. */
static long spawn(const char *args, uint64_t pages, uint32_t weight, uint32_t cap, bool run)
{
    long d = ts_domain_new(pages, weight, cap);
    if (d < 0)
        return d;
    long r = ts_domain_load((hestia_domid_t)d, guest_module, args);
    if (r >= 0 && run)
        r = ts_unpause((hestia_domid_t)d);
    if (r < 0) {
        ts_destroy((hestia_domid_t)d);
        return r;
    }
    return d;
}

static void expect_shutdown(const char *name, long dom, unsigned want, uint64_t timeout)
{
    if (dom < 0) {
        test_report(name, TR_FAIL, "domain not created: %ld", dom);
        return;
    }
    long r = ts_wait_shutdown((hestia_domid_t)dom, timeout);
    test_report(name, r == (long)want ? TR_PASS : TR_FAIL, "dom%ld %s%s", dom,
                r >= 0 ? "shut down: " : "did not shut down: ",
                r >= 0 ? ts_reason_name((unsigned)r) : "timeout");
    ts_destroy((hestia_domid_t)dom);
}

static void scenario_smoke(void)
{
    struct domctl_info info;
    long r = ts_getinfo(start_info->domid, &info);
    test_report("smoke.dom0-up", r == 0 && (info.flags & DOMINFO_privileged) ? TR_PASS : TR_FAIL,
                "dom%u, %llu pages, %u modules", start_info->domid,
                (unsigned long long)start_info->nr_pages, start_info->nr_modules);
    ts_list();
}

static uint64_t cpu_ns(long dom)
{
    struct domctl_info info;
    return ts_getinfo((hestia_domid_t)dom, &info) < 0 ? 0 : info.cpu_time_ns;
}

static void sched_weights(void)
{
    long a = spawn("role=burner", 1024, 256, 0, true);
    long b = spawn("role=burner", 1024, 512, 0, true);
    if (a < 0 || b < 0) {
        test_report("multi.sched-weight", TR_FAIL, "create %ld %ld", a, b);
        return;
    }
    thread_sleep_ns(SEC / 5);
    uint64_t a0 = cpu_ns(a), b0 = cpu_ns(b);
    thread_sleep_ns(2 * SEC);
    uint64_t da = cpu_ns(a) - a0, db = cpu_ns(b) - b0;
    /* ratio in thousandths */
    uint64_t ratio = da ? db * 1000 / da : 0;
    test_report("multi.sched-weight", ratio >= 1800 && ratio <= 2200 ? TR_PASS : TR_FAIL,
                "weight 256: %llu ms, weight 512: %llu ms, ratio %llu.%03llu (want 2 +-10%%)",
                (unsigned long long)(da / 1000000), (unsigned long long)(db / 1000000),
                (unsigned long long)(ratio / 1000), (unsigned long long)(ratio % 1000));
    ts_destroy((hestia_domid_t)a);
    ts_destroy((hestia_domid_t)b);
}

static void sched_cap(void)
{
    long a = spawn("role=burner", 1024, 256, 25, true);
    if (a < 0) {
        test_report("multi.sched-cap", TR_FAIL, "create %ld", a);
        return;
    }
    thread_sleep_ns(SEC / 5);
    uint64_t c0 = cpu_ns(a), t0 = time_now_ns();
    thread_sleep_ns(2 * SEC);
    uint64_t dc = cpu_ns(a) - c0, dt = time_now_ns() - t0;
    uint64_t permille = dt ? dc * 1000 / dt : 0;
    test_report("multi.sched-cap", permille >= 225 && permille <= 275 ? TR_PASS : TR_FAIL,
                "cap 25%%: got %llu.%llu%% of the CPU", (unsigned long long)(permille / 10),
                (unsigned long long)(permille % 10));
    ts_destroy((hestia_domid_t)a);
}

static void scenario_multi(void)
{
    char args[128];
    /* ping/pong and the ring run at the same time. */
    long ping = ts_domain_new(1024, 0, 0), pong = ts_domain_new(1024, 0, 0);
    long prod = ts_domain_new(1024, 0, 0), cons = ts_domain_new(1024, 0, 0);
    if (ping < 0 || pong < 0 || prod < 0 || cons < 0) {
        test_report("multi.create", TR_FAIL, "%ld %ld %ld %ld", ping, pong, prod, cons);
        return;
    }
    long pp = ts_offer_port((hestia_domid_t)ping, (hestia_domid_t)pong);
    long rp = ts_offer_port((hestia_domid_t)prod, (hestia_domid_t)cons);
    long r = pp < 0 ? pp : rp;
    ksnprintf(args, sizeof(args), "role=ping peer=%ld port=%ld", pong, pp);
    if (r >= 0)
        r = ts_domain_load((hestia_domid_t)ping, guest_module, args);
    ksnprintf(args, sizeof(args), "role=pong peer=%ld port=%ld", ping, pp);
    if (r >= 0)
        r = ts_domain_load((hestia_domid_t)pong, guest_module, args);
    ksnprintf(args, sizeof(args), "role=producer peer=%ld port=%ld", cons, rp);
    if (r >= 0)
        r = ts_domain_load((hestia_domid_t)prod, guest_module, args);
    ksnprintf(args, sizeof(args), "role=consumer peer=%ld port=%ld", prod, rp);
    if (r >= 0)
        r = ts_domain_load((hestia_domid_t)cons, guest_module, args);
    test_report("multi.create", r >= 0 ? TR_PASS : TR_FAIL,
                "ping dom%ld pong dom%ld producer dom%ld consumer dom%ld (%ld)", ping, pong, prod,
                cons, r);
    if (r < 0)
        return;
    ts_list();
    ts_unpause((hestia_domid_t)ping);
    ts_unpause((hestia_domid_t)pong);
    ts_unpause((hestia_domid_t)prod);
    ts_unpause((hestia_domid_t)cons);
    /* Each domU powers off when its own tests passed, crashes otherwise. */
    expect_shutdown("multi.ping-shutdown", ping, SHUTDOWN_poweroff, 120 * SEC);
    expect_shutdown("multi.pong-shutdown", pong, SHUTDOWN_poweroff, 10 * SEC);
    expect_shutdown("multi.consumer-shutdown", cons, SHUTDOWN_poweroff, 120 * SEC);
    expect_shutdown("multi.producer-shutdown", prod, SHUTDOWN_poweroff, 10 * SEC);
    sched_weights();
    sched_cap();
    ts_list();
}

static volatile int iso_flag;
static void iso_handler(evtchn_port_t port, void *arg)
{
    (void)port;
    (void)arg;
    set_flag(&iso_flag);
}

static void scenario_isolation(void)
{
    char args[96];
    canary_fill();
    long v = ts_domain_new(1024, 0, 0), h = ts_domain_new(1024, 0, 0);
    long vp = v >= 0 ? ts_offer_port((hestia_domid_t)v, 0) : -1;
    long r = v < 0 || h < 0 || vp < 0 ? -HESTIA_ENOMEM : 0;
    ksnprintf(args, sizeof(args), "role=victim peer=%ld port=%ld", h, vp);
    if (r >= 0)
        r = ts_domain_load((hestia_domid_t)v, guest_module, args);
    ksnprintf(args, sizeof(args), "role=hostile victim=%ld", v);
    if (r >= 0)
        r = ts_domain_load((hestia_domid_t)h, guest_module, args);
    long lp = r >= 0 ? evtchn_bind_interdomain((hestia_domid_t)v, (evtchn_port_t)vp, iso_handler,
                                               NULL)
                     : r;
    test_report("iso.create", lp > 0 ? TR_PASS : TR_FAIL, "victim dom%ld hostile dom%ld (%ld)",
                v, h, lp);
    if (lp <= 0)
        return;
    ts_unpause((hestia_domid_t)v);
    if (!wait_flag(&iso_flag, 20 * SEC)) {
        test_report("iso.victim-ready", TR_FAIL, "no event from the victim");
        return;
    }
    iso_flag = 0;
    ts_unpause((hestia_domid_t)h);
    long why = ts_wait_shutdown((hestia_domid_t)h, 300 * SEC);
    test_report("iso.hostile-crashed", why == SHUTDOWN_crash ? TR_PASS : TR_FAIL, "reason %ld",
                why);
    r = ts_destroy((hestia_domid_t)h);
    struct domctl_info info;
    long gone = ts_getinfo((hestia_domid_t)h, &info);
    test_report("iso.hostile-destroyed", r == 0 && gone < 0 ? TR_PASS : TR_FAIL,
                "destroy %ld, getinfo %ld", r, gone);
    r = ts_getinfo((hestia_domid_t)v, &info);
    test_report("iso.victim-alive",
                r == 0 && (info.state == DOMSTATE_running || info.state == DOMSTATE_blocked)
                    ? TR_PASS : TR_FAIL,
                "state %s", r == 0 ? ts_state_name(info.state) : "gone");
    evtchn_send((evtchn_port_t)lp);
    expect_shutdown("iso.victim-shutdown", v, SHUTDOWN_poweroff, 20 * SEC);
    test_report("iso.dom0-intact", canary_ok() ? TR_PASS : TR_FAIL, NULL);
    /* dom0 still has every resource the hostile domain tried to exhaust. */
    long p = evtchn_bind_ipi(NULL, NULL);
    test_report("iso.dom0-resources", p > 0 ? TR_PASS : TR_FAIL, "ipi port %ld", p);
    if (p > 0)
        evtchn_close((evtchn_port_t)p);
}

void bench_run(unsigned module);

void dom0_main(void)
{
    ts_init();
    struct ktok v;
    if (kcmdline_get(port_cmdline, "module", &v)) {
        long m = ts_find_module(v.s, v.len);
        guest_module = m < 0 ? 0 : (unsigned)m;
    }
    if (kcmdline_get(port_cmdline, "test", &v)) {
        if (start_info->nr_modules == 0 && !ktok_eq(&v, "smoke") && !ktok_eq(&v, "selftest") &&
            !ktok_eq(&v, "fail")) {
            test_report("dom0.modules", TR_FAIL, "no domU image among the boot modules");
            return;
        }
        if (ktok_eq(&v, "smoke"))
            scenario_smoke();
        else if (ktok_eq(&v, "multi") || ktok_eq(&v, "multi-domain"))
            scenario_multi();
        else if (ktok_eq(&v, "isolation"))
            scenario_isolation();
        else if (ktok_eq(&v, "bench"))
            bench_run(guest_module);
        else if (ktok_eq(&v, "selftest"))
            selftest_main();
        else if (ktok_eq(&v, "pv-selftest")) {
            /* Privileged, then unprivileged: both branches of each test run. */
            selftest_main();
            expect_shutdown("dom0.selftest-domu", spawn("role=selftest", 2048, 0, 0, true),
                            SHUTDOWN_poweroff, 120 * SEC);
        } else if (ktok_eq(&v, "fail"))
            neg_fail();
        else if (ktok_eq(&v, "forge"))
            neg_forge(guest_module);
        else if (ktok_eq(&v, "selftest-domu"))
            expect_shutdown("dom0.selftest-domu", spawn("role=selftest", 2048, 0, 0, true),
                            SHUTDOWN_poweroff, 120 * SEC);
        else
            test_report("dom0.test", TR_FAIL, "unknown test '%.*s'", (int)v.len, v.s);
        return; /* test_done() powers off */
    }
    if (kcmdline_get(port_cmdline, "script", &v)) {
        /* The script runs to the end of the command line (it has spaces). */
        char script[START_CMDLINE_SIZE];
        ksnprintf(script, sizeof(script), "%s", v.s);
        printk("dom0: script: %s\n", script);
        ts_script(script);
    }
    printk("dom0: Hestia toolstack ready; type `help`.\n");
    ts_interactive();
}
