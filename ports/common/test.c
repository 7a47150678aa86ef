/* SPDX-License-Identifier: MIT */
/*
 * The guest test framework: TEST / BENCH lines, and the end of the run.
 * dom0 reports its counts with SCHEDOP_report and the hypervisor prints
 * the HESTIA DONE line (a guest cannot print one the CI runner believes).
 */
#include <port/kernel.h>

unsigned test_passed, test_failed;

void test_report(const char *name, int result, const char *fmt, ...)
{
    static const char *const names[] = {"PASS", "FAIL", "SKIP"};
    char detail[160] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        kvsnprintf(detail, sizeof(detail), fmt, ap);
        va_end(ap);
    }
    /* Threads on several vCPUs may report at once. */
    if (result == TR_PASS)
        __atomic_fetch_add(&test_passed, 1, __ATOMIC_RELAXED);
    else if (result == TR_FAIL)
        __atomic_fetch_add(&test_failed, 1, __ATOMIC_RELAXED);
    printk("TEST %s %s%s%s\n", name, names[result], detail[0] ? " " : "", detail);
}

bool t_window_done(const char *name, bool ok, unsigned window, const char *detail)
{
    if (ok || window + 1 == t_windows()) {
        test_report(name, ok ? TR_PASS : TR_FAIL, "%s (window %u of %u)", detail,
                    window + 1, t_windows());
        return true;
    }
    printk(
        "%s: window %u of %u out of bounds (%s), host noise in real time? looking again\n",
        name, window + 1, t_windows(), detail);
    return false;
}

void bench_report(const char *name, uint64_t value, const char *unit)
{
    printk("BENCH %s %llu %s\n", name, (unsigned long long)value, unit);
}

void test_report_done(unsigned passed, unsigned failed)
{
    struct sched_report r = {.passed = passed, .failed = failed};
    long rc = hc_sched(SCHEDOP_report, (unsigned long)(uintptr_t)&r);
    /* Only returns with an error: leave as a failure without a verdict. */
    printk("SCHEDOP_report: %ld\n", rc);
    for (;;)
        hc_sched(SCHEDOP_shutdown, SHUTDOWN_crash);
}

void test_done(void)
{
    /* Only dom0 ends the run; a domU reports to dom0 through its shutdown reason. */
    printk("dom%u finished: %u passed, %u failed\n", start_info->domid, test_passed,
           test_failed);
    if (start_info->flags & SIF_PRIVILEGED)
        test_report_done(test_passed, test_failed);
    hc_sched(SCHEDOP_shutdown, test_failed ? SHUTDOWN_crash : SHUTDOWN_poweroff);
    panic("shutdown returned");
}

void t_fail(struct tctx *t, const char *fmt, ...)
{
    if (!t->failed) {
        va_list ap;
        va_start(ap, fmt);
        kvsnprintf(t->detail, sizeof(t->detail), fmt, ap);
        va_end(ap);
    }
    t->failed++;
}

void test_run(const char *name, test_fn fn)
{
    struct tctx t = {0, 0, ""};
    fn(&t);
    if (t.failed)
        test_report(name, TR_FAIL, "%s", t.detail);
    else if (t.skipped)
        test_report(name, TR_SKIP, "%s", t.detail);
    else
        test_report(name, TR_PASS, "%s", t.detail);
}
