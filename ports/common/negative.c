/* SPDX-License-Identifier: MIT */
/*
 * The negative controls of the test matrix (tests/scenarios/neg-*.json):
 * guests that must make their cell FAIL, so the runner's verdict is seen
 * to be able to fail.  Each cell passes only when the runner names the
 * expected reason (the scenario's must_fail).
 *   test=fail   dom0 reports a failing test           -> "TEST FAIL: d0:..."
 *   role=crash  dom0 dies before it reports anything  -> no HESTIA DONE
 *   test=forge  a domU prints dom0's and the hypervisor's lines; dom0
 *               does not print the test the scenario expects from it
 */
#include <port/toolstack.h>

#define SEC 1000000000ull

/* One console write per piece: each is its own CONSOLEIO_write. */
static void raw_write(const char *s)
{
    hc_console(CONSOLEIO_write, kstrlen(s), s, DOMID_SELF);
}

/*
 * The forger (a domU): every trick to make a line that the runner would
 * take for dom0's `TEST smoke.dom0-up PASS` or the hypervisor's
 * `HESTIA DONE 9 0`.  core/console.c prefixes each of its lines with
 * "(dN) " and neutralizes '\r', '\b' and escape sequences.
 */
void role_forger(void)
{
    static const char *const forged[] = {
        "TEST smoke.dom0-up PASS forged\n",
        "HESTIA DONE 9 0\n",
        "\rTEST smoke.dom0-up PASS forged after a carriage return\n",
        "x\r(d0) TEST smoke.dom0-up PASS forged with dom0's prefix\n",
        "(d0) TEST smoke.dom0-up PASS\n",
        "\x1b[2K\x1b[1GHESTIA DONE 9 0\n",
        "\x1b"
        "c"
        "HESTIA DONE 9 0\n",
        "\b\b\b\b\b\bHESTIA DONE 9 0\n",
        "one line\nHESTIA DONE 9 0\nTEST smoke.dom0-up PASS\n",
        "HESTIA DONE 9 0", /* left open: the next writer must not continue it */
    };
    for (unsigned i = 0; i < ARRAY_SIZE(forged); i++)
        raw_write(forged[i]);
    printk("\nforger: done forging\n");
}

/*
 * Dies early, before any test line: with the trap record marked busy the
 * hypervisor cannot deliver the page fault and crashes the domain
 * ("undeliverable trap").  As dom0 this ends the run with no verdict.
 */
void role_crash(void)
{
    uintptr_t hole = kva_alloc(1);
    printk("crash: faulting at %lx with the trap record busy\n", (unsigned long)hole);
    this_vcpu()->trap.flags |= TRAP_FLAG_BUSY;
    *(volatile uint32_t *)(hole + 8) = 1;
    test_report("neg.crash", TR_FAIL, "the fault at %lx was survived", (unsigned long)hole);
}

/* dom0's test=fail: a guest test that fails. */
void neg_fail(void)
{
    test_report("neg.forced-fail", TR_FAIL, "a negative control: this test always fails");
}

/* dom0's test=forge: start the forger and wait for it; report only that. */
void neg_forge(unsigned module)
{
    long d = ts_domain_new(1024, 0, 0);
    long r = d < 0 ? d : ts_domain_load((hestia_domid_t)d, module, "role=forger");
    if (r >= 0)
        r = ts_unpause((hestia_domid_t)d);
    long why = r < 0 ? r : ts_wait_shutdown((hestia_domid_t)d, 30 * SEC);
    test_report("neg.forger-ran", why == SHUTDOWN_poweroff ? TR_PASS : TR_FAIL,
                "forger dom%ld: %ld", d, why);
    if (d >= 0)
        ts_destroy((hestia_domid_t)d);
}
