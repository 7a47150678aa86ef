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
