/* SPDX-License-Identifier: MIT */
/*
 * The HAL conformance suite (core/selftest/): checks of every documented
 * contract of hal/include/hal/ (every header), written once against the public HAL
 * headers and run unchanged by the hypervisor on each arch (the
 * `selftest=hal` command-line word, scenario `hal-conformance`) and by a
 * host unit test on arch/host (tests/unit/test_hal_conformance.c).
 *
 * Each check builds what it needs (a domain, its own address spaces and
 * vCPU state) and frees all of it: it verifies that the free-frame count
 * is back where it started, so a normal boot, where the suite does not
 * run, is unaffected either way.
 */
#ifndef CORE_HAL_CONFORMANCE_H
#define CORE_HAL_CONFORMANCE_H

#include <hal/boot.h>
#include <hal/types.h>

enum hc_status { HC_PASS, HC_FAIL, HC_SKIP };

struct hc_result {
    enum hc_status status;
    char detail[160]; /* why it failed or was skipped; a summary when it passed */
};

struct hc_options {
    /*
     * Guest time follows a host that may be loaded (the `realtime`
     * command-line word): timing bounds widen as the guest port's do.
     */
    bool realtime;
};

/* Number of checks, and the name of check i ("map.kernel", "timer.one-shot"). */
unsigned hal_conformance_count(void);
const char *hal_conformance_name(unsigned i);

/*
 * Run check i (< hal_conformance_count()) and fill *r.  Context: boot CPU,
 * after mm_init() and sched_init(), no domain running; the check leaves
 * the machine as it found it.
 */
void hal_conformance_run(unsigned i, const struct hc_options *opt, struct hc_result *r);

/*
 * `selftest=hal`: run every check, print `TEST hal.<name> PASS|FAIL|SKIP
 * <detail>` for each and end the run with console_report_done().
 */
HAL_NORETURN void hal_conformance_boot(const struct hal_boot_info *bi);

#endif
