# SPDX-License-Identifier: MIT
"""Tests of the runner and the unit-test counting, run by `./hestia test`
before anything boots: a harness that cannot fail proves nothing.
Each check prints `TEST runner.<case> PASS|FAIL` like the other host tests."""
import os
import sys
import tempfile

from . import arches, runner, unit


def _judge(text, rc, kind="isa-debug-exit", timed_out=False, expect=()):
    ok, why = arches.exit_verdict(kind, rc)
    return runner.judge(runner.parse(text), ok, why, timed_out, expect)[0]


def _cases():
    good = "banner\r\nTEST boot PASS\r\nHESTIA DONE 1 0\r\n"
    yield "pass_all_good", _judge(good, 1) == "PASS"
    yield "fail_line_fails_run", _judge("TEST boot PASS\nTEST x FAIL why\nHESTIA DONE 1 0\n",
                                        1) == "FAIL"
    yield "prefixed_fail_line", _judge("(d1) TEST guest.y FAIL\nHESTIA DONE 1 0\n", 1) == "FAIL"
    yield "done_with_failures", _judge("TEST a PASS\nHESTIA DONE 1 1\n", 1) == "FAIL"
    yield "no_done_line", _judge("TEST boot PASS\n", 1) == "FAIL"
    yield "x86_rc0_is_triple_fault", _judge(good, 0) == "FAIL"
    yield "x86_rc3_is_failure", _judge(good, 3) == "FAIL"
    yield "ppc_rc0_pass", _judge(good, 0, "ppc") == "PASS"
    yield "ppc_pvpanic_fail", _judge(good, 1, "ppc") == "FAIL"
    yield "ia64_status", _judge(good, 0, "status") == "PASS" and \
        _judge(good, 2, "status") == "FAIL"
    yield "timeout_fails", _judge(good, 1, timed_out=True) == "FAIL"
    yield "expect_missing", _judge(good, 1, expect=("boot", "dom0")) == "FAIL"
    p = runner.parse("BENCH hypercall 123.5 ns\nBENCH evt 7 insns\n")
    yield "bench_lines", p["bench"] == [("hypercall", 123.5, "ns"), ("evt", 7.0, "insns")]
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "x.log")
        script = "echo TEST boot PASS; echo TEST hv FAIL; echo HESTIA DONE 1 0; exit 1"
        rc, to, _ = runner.run_captured(["sh", "-c", script], log, 10)
        with open(log) as f:
            verdict = runner.judge(runner.parse(f.read()), rc == 1, "rc", to)[0]
        yield "captured_fail_line", rc == 1 and not to and verdict == "FAIL"
        rc, to, secs = runner.run_captured(["sh", "-c", "echo start; sleep 20"], log, 0.5)
        yield "hard_timeout", rc is None and to and secs < 5
    c = unit.Counts()
    unit.count_program(c, "prog_crash", "TEST s.a PASS\n", -11)
    unit.count_program(c, "prog_ok", "TEST s.b PASS\nTEST s.c SKIP no x\n", 0)
    unit.count_program(c, "prog_fail", "TEST s.d FAIL bad\n", 1)
    yield "unit_counting", (c.passed, c.failed, c.skipped) == (2, 2, 1)
    for arch in NEGATIVE_CONTROL_ARCHES:
        yield f"{arch}_negative_control", _negative_control(arch)


# Arches whose image honours "boot.fail" on its command line (a FAIL line
# and the failure exit channel, status 1).
NEGATIVE_CONTROL_ARCHES = ("ppc", "ia64")


def _negative_control(arch):
    """Boot the real image with "boot.fail": it prints a FAIL line and
    leaves through the failure exit channel; the runner must call that FAIL,
    and the same image without the word PASS.  SKIP (None) when the image or
    emulator is not there."""
    if not os.path.exists(arches.boot_path(arch, "kernel")) or arches.missing_prereq(arch):
        return None
    bad = runner.run(arch, "selftest-fail", "kernel",
                     {"timeout": 30, "cmdline": "boot.fail", "expect": ["boot"]})
    good = runner.run(arch, "selftest-pass", "kernel", {"timeout": 30, "expect": ["boot"]})
    return (bad.verdict == "FAIL" and bad.rc == 1 and "TEST FAIL" in bad.reason
            and good.verdict == "PASS" and good.rc == 0)


def run(counts, verbose=False):
    for name, ok in _cases():
        status = "SKIP" if ok is None else "PASS" if ok else "FAIL"
        counts.add(f"runner.{name}", status)
        if verbose or status == "FAIL":
            print(f"TEST runner.{name} {status}", flush=True)


if __name__ == "__main__":
    c = unit.Counts()
    run(c, verbose=True)
    sys.exit(1 if c.failed else 0)
