/* SPDX-License-Identifier: MIT */
/*
 * The HAL conformance suite (core/selftest/) on the host HAL: the same
 * checks the hypervisor runs on every arch with `selftest=hal`, one case
 * per check, registered from the suite's own table so that a new check
 * runs here without being listed twice.
 */
#include <core/hal_conformance.h>

#include "harness.h"

#include <stdlib.h>

TEST_SUITE("hal-conformance");

#define MAX_CHECKS 128
static struct test_case cases[MAX_CHECKS];
static unsigned indexes[MAX_CHECKS];

static void run_check(void)
{
    const unsigned *index = harness_case_arg();
    static const struct hc_options opt = {.realtime = false};
    static struct hc_result r;
    /* Simulated time moves only when told: let it tick as real clocks do. */
    host_time_autostep(50);
    hal_conformance_run(*index, &opt, &r);
    host_time_autostep(0);
    /* The host HAL implements every kind: nothing may be skipped here. */
    if (r.status != HC_PASS)
        harness_fail(__FILE__, __LINE__, "%s: %s",
                     r.status == HC_SKIP ? "skipped" : "failed", r.detail);
    else if (getenv("HESTIA_TEST_ECHO"))
        printf("  %s\n", r.detail);
}

__attribute__((constructor(200))) static void register_checks(void)
{
    unsigned n = hal_conformance_count();
    if (n > MAX_CHECKS) {
        fprintf(stderr, "test_hal_conformance: %u checks, room for %u\n", n, MAX_CHECKS);
        abort();
    }
    for (unsigned i = 0; i < n; i++) {
        indexes[i] = i;
        cases[i].name = hal_conformance_name(i);
        cases[i].fn = run_check;
        cases[i].arg = &indexes[i];
        harness_register(&cases[i]);
    }
}

/* The suite itself must be able to fail: a check whose contract is broken reports it. */
TEST_CASE(suite_has_checks)
{
    CHECK(hal_conformance_count() >= 40);
    struct hc_result r;
    static const struct hc_options opt;
    hal_conformance_run(hal_conformance_count(), &opt, &r);
    CHECK_EQ(r.status, HC_FAIL);
}

static void selftest_main(void *arg)
{
    host_time_autostep(50);
    core_main(arg);
}

/*
 * `selftest=hal` on the command line: core_main runs the suite instead of
 * building dom0 (even with a module), prints a TEST hal.<check> line per
 * check and ends the run through console_report_done with matching counts.
 */
TEST_CASE(cmdline_selftest_hal_runs_the_suite)
{
    static struct hal_boot_info bi;
    static const char image[64] = "not an ELF: dom0 must not be built";
    host_boot_info(&bi);
    bi.cmdline = "selftest=hal";
    REQUIRE(host_boot_add_module(&bi, image, sizeof(image), "dom0") == 0);
    host_console_clear();
    CHECK_EQ(h_catch(selftest_main, &bi), HOST_JMP_EXIT);
    CHECK_EQ(host_exit_status(), 0);
    const char *out = host_console_output();
    char done[64];
    snprintf(done, sizeof(done), "HESTIA DONE %u 0", hal_conformance_count());
    CHECK(strstr(out, done) != NULL);
    CHECK(strstr(out, "TEST hal.map.kernel PASS") != NULL);
    CHECK(strstr(out, "TEST hal.cpu.accessor PASS") != NULL);
    CHECK(strstr(out, "  dom0: ") == NULL); /* core_main never built it */
}
