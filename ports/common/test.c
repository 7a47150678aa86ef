/* SPDX-License-Identifier: MIT */
/* The guest test framework: TEST / BENCH / HESTIA DONE lines. */
#include <port/kernel.h>

unsigned test_passed, test_failed;

void test_report(const char *name, int result, const char *fmt, ...)
{
    static const char *const names[] = { "PASS", "FAIL", "SKIP" };
    char detail[160] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        kvsnprintf(detail, sizeof(detail), fmt, ap);
        va_end(ap);
    }
    if (result == TR_PASS)
        test_passed++;
    else if (result == TR_FAIL)
        test_failed++;
    printk("TEST %s %s%s%s\n", name, names[result], detail[0] ? " " : "", detail);
}

void bench_report(const char *name, uint64_t value, const char *unit)
{
    printk("BENCH %s %llu %s\n", name, (unsigned long long)value, unit);
}

void test_done(void)
{
    /* Only dom0 ends the run; a domU reports to dom0 through its shutdown reason. */
    if (start_info->flags & SIF_PRIVILEGED)
        printk("HESTIA DONE %u %u\n", test_passed, test_failed);
    else
        printk("dom%u finished: %u passed, %u failed\n", start_info->domid, test_passed,
               test_failed);
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
    struct tctx t = { 0, 0, "" };
    fn(&t);
    if (t.failed)
        test_report(name, TR_FAIL, "%s", t.detail);
    else if (t.skipped)
        test_report(name, TR_SKIP, "%s", t.detail);
    else
        test_report(name, TR_PASS, "%s", t.detail);
}
