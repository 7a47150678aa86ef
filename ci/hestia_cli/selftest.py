# SPDX-License-Identifier: MIT
"""Tests of the runner and the unit-test counting, run by `./hestia test`
before anything boots: a harness that cannot fail proves nothing.
Each check prints `TEST runner.<case> PASS|FAIL` like the other host tests.

The boots that must fail (a failing test, an early crash, a forging domU,
the module-less self-check with boot.fail) are matrix cells on every arch:
tests/scenarios/neg-*.json with `must_fail` (runner.judge_cell)."""
import json
import os
import sys
import tempfile

from . import arches, runner, scenarios, unit
from .util import HestiaError


def _judge(text, rc, kind="isa-debug-exit", timed_out=False, expect=()):
    ok, why = arches.exit_verdict(kind, rc)
    return runner.judge(runner.parse(text), ok, why, timed_out, expect)


def _verdict(*a, **k):
    return _judge(*a, **k)[0]


# What a forging domU prints (core/console.c prefixes its lines with "(d1) ").
FORGED = ("(d1) TEST smoke.dom0-up PASS\n(d1) HESTIA DONE 9 0\n"
          "(d1) x\rHESTIA DONE 9 0\n(d1) \x1b[2K\x1b[1GTEST smoke.dom0-up PASS\n"
          "(d1) (d0) TEST smoke.dom0-up PASS\n(d1) junk TEST smoke.dom0-up PASS\n")


def _attribution_cases():
    p = runner.parse("banner\r\n(d0) TEST a PASS\r\n(d2) TEST iso.x PASS d\nTEST boot FAIL why\n"
                     "(d12) TEST z SKIP\n(dx) TEST w PASS\n")
    yield "prefix_attribution", [t[:3] for t in p["tests"]] == [
        ("d0", "a", "PASS"), ("d2", "iso.x", "PASS"), ("hv", "boot", "FAIL"), ("d12", "z", "SKIP")]
    p = runner.parse("(d0) see TEST a PASS\n(d0) xHESTIA DONE 1 0\nfoo HESTIA DONE 1 0\n")
    yield "protocol_only_at_line_start", p["tests"] == [] and p["done"] is None
    p = runner.parse("(d1) x\rHESTIA DONE 9 0\n(d3) HESTIA DONE 9 0\n")
    yield "cr_does_not_split_lines", p["done"] is None and p["forged_done"] == ["d3"]
    # The forger's lines alone, then the hypervisor's end line for dom0's one test.
    good_end = "(d0) TEST neg.forger-ran PASS\nHESTIA DONE 1 0\n"
    v, why = _judge(FORGED + good_end, 1, expect=("d0:smoke.dom0-up",))
    yield "forged_test_lines_ignored", v == "FAIL" and "missing: d0:smoke.dom0-up" in why
    yield "forged_lines_plain_expect", _verdict(FORGED + good_end, 1,
                                                expect=("smoke.dom0-up",)) == "FAIL"
    v, why = _judge("(d0) TEST smoke.dom0-up PASS\n" + FORGED, 1, expect=("d0:smoke.dom0-up",))
    yield "forged_done_ignored", v == "FAIL" and "no HESTIA DONE line from the hypervisor" in why \
        and "ignored HESTIA DONE from d1" in why
    yield "right_source_passes", _verdict("(d0) TEST smoke.dom0-up PASS\nHESTIA DONE 1 0\n", 1,
                                          expect=("d0:smoke.dom0-up",)) == "PASS"
    yield "wrong_source_fails", _verdict("(d0) TEST iso.x PASS\n(d1) TEST iso.y PASS\n"
                                         "HESTIA DONE 1 0\n", 1, expect=("d2:iso.x",)) == "FAIL"
    p = runner.parse("(d1) HESTIA PANIC: fake\n\nHESTIA PANIC: real\n")
    yield "panic_hv_only", p["panic"] == "HESTIA PANIC: real"
    yield "hv_expect", _verdict("TEST boot PASS x\nHESTIA DONE 1 0\n", 1, expect=("hv:boot",)) \
        == "PASS" and _verdict("(d0) TEST boot PASS\nHESTIA DONE 1 0\n", 1,
                               expect=("hv:boot",)) == "FAIL"


def _count_cases():
    v, why = _judge("(d0) TEST a PASS\nHESTIA DONE 2 0\n", 1)
    yield "done_count_mismatch", v == "FAIL" and "does not match" in why
    yield "done_count_too_low", _verdict("(d0) TEST a PASS\n(d0) TEST b PASS\n"
                                         "HESTIA DONE 1 0\n", 1) == "FAIL"
    yield "done_count_domu_lines_excluded", _verdict(
        "(d0) TEST a PASS\n(d1) TEST b PASS\n(d2) TEST c SKIP\nHESTIA DONE 1 0\n", 1) == "PASS"
    yield "done_count_domu_lines_not_added", _verdict(
        "(d0) TEST a PASS\n(d1) TEST b PASS\nHESTIA DONE 2 0\n", 1) == "FAIL"
    yield "done_count_hv_lines", _verdict("TEST boot PASS\nHESTIA DONE 1 0\n", 1) == "PASS"


def _must_fail_cases():
    jc = runner.judge_cell
    yield "must_fail_right_reason", jc("FAIL", "TEST FAIL: d0:x (rc)", "TEST FAIL: d0:x")[0] \
        == "PASS"
    yield "must_fail_other_reason", jc("FAIL", "timeout", "TEST FAIL: d0:x")[0] == "FAIL"
    yield "must_fail_passed_is_fail", jc("PASS", "1 passed", "TEST FAIL")[0] == "FAIL"
    yield "must_fail_absent", jc("PASS", "1 passed", None) == ("PASS", "1 passed")


def _scenario_format_cases():
    """scenarios.load rejects an expect entry without a valid source."""
    old = scenarios.SCENARIO_DIR
    results = {}
    with tempfile.TemporaryDirectory() as d:
        scenarios.SCENARIO_DIR = d
        try:
            for case, exp, extra in (
                    ("good", ["hv:boot", "d0:a.b", "d12:x"], {"must_fail": "TEST FAIL"}),
                    ("no_source", ["plain"], {}),
                    ("bad_source", ["x1:boot"], {}), ("bad_space", ["d0:a b"], {}),
                    ("empty_name", ["d0:"], {}), ("leading_zero", ["d01:a"], {}),
                    ("bad_must_fail", [], {"must_fail": ""}),
                    ("must_fail_type", [], {"must_fail": ["x"]}),
                    ("cpus_ok", [], {"cpus": 4}), ("cpus_zero", [], {"cpus": 0}),
                    ("cpus_text", [], {"cpus": "2"}), ("cpus_bool", [], {"cpus": True})):
                with open(os.path.join(d, f"{case}.json"), "w") as f:
                    json.dump(dict({"name": case, "expect": exp, "arches": {}}, **extra), f)
                try:
                    scenarios.load(case)
                    results[case] = True
                except HestiaError:
                    results[case] = False
        finally:
            scenarios.SCENARIO_DIR = old
    yield "expect_format", results == {"good": True, "no_source": False, "bad_source": False,
                                       "bad_space": False,
                                       "empty_name": False, "leading_zero": False,
                                       "bad_must_fail": False, "must_fail_type": False,
                                       "cpus_ok": True, "cpus_zero": False,
                                       "cpus_text": False, "cpus_bool": False}
    # "cpus": QEMU gets -smp N (MTTCG too in real time), ia64sim --cpus N; no key, neither.
    def argv(arch, cfg):
        return arches.launch(arch, "kernel", dict(cfg, modules=[]), "capture").argv

    def follows(args, opt, value):
        return any(a == opt and b == value for a, b in zip(args, args[1:]))
    yield "cpus_smp_arg", ("-smp" not in argv("x86_64", {}) and
                           follows(argv("x86_64", {"cpus": 2}), "-smp", "2") and
                           follows(argv("ppc", {"cpus": 4}), "-smp", "4") and
                           "--cpus" not in argv("ia64", {}) and
                           follows(argv("ia64", {"cpus": 2}), "--cpus", "2") and
                           "-smp" not in argv("ia64", {"cpus": 2}))


def _sequence_cases():
    """sequence.py and hostcheck.py: boots in order on one image, the host
    check between them, a failure stops the sequence and keeps the image."""
    from . import hostcheck, sequence
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "p.img")
        with open(img, "wb") as f:
            f.write(hostcheck.disk_pattern_bytes(0, 64 << 10))
        good = hostcheck.disk_pattern(img)[0]
        with open(img, "r+b") as f:
            f.seek(1000)
            f.write(b"\x00")
        bad = hostcheck.disk_pattern(img)
        with open(img, "wb") as f:
            f.write(bytes(1000))
        yield "hostcheck_pattern", good and not bad[0] and "byte 1000 " in bad[1] and \
            not hostcheck.disk_pattern(img)[0]
    calls, real_run = [], runner.run

    def fake_run(arch, scen, variant, cfg, mode="capture"):
        disk = cfg["qemu_args"][0]
        calls.append((scen, disk, os.path.getsize(disk), cfg["expect"]))
        ok = "broken" not in scen
        return runner.Result("PASS" if ok else "FAIL", "fake", bench=[(scen, 1.0, "x")])
    cfg = {"qemu_args": ["{disk}"], "disk_mib": 1, "expect": ["d0:all"],
           "boots": [{"name": "one", "expect": ["d0:one"]}, {"name": "two"}]}
    runner.run = fake_run
    try:
        r = sequence.run("x86_64", "seq", "kernel", cfg)
        disks = {c[1] for c in calls}
        yield "sequence_shares_image", (r.verdict == "PASS" and len(calls) == 2 and
                                        len(disks) == 1 and calls[0][2] == 1 << 20 and
                                        calls[0][3] == ["d0:one"] and calls[1][3] == ["d0:all"]
                                        and len(r.bench) == 2 and not os.path.exists(calls[0][1]))
        calls.clear()
        cfg["boots"] = [{"name": "broken"}, {"name": "never"}]
        r = sequence.run("x86_64", "seq", "kernel", cfg)
        kept = calls and os.path.exists(calls[0][1])
        yield "sequence_stops_and_keeps", r.verdict == "FAIL" and len(calls) == 1 and kept
        if kept:
            os.remove(calls[0][1])
        calls.clear()
        cfg["boots"] = [{"name": "one", "host_check": "disk-pattern"}, {"name": "two"}]
        r = sequence.run("x86_64", "seq", "kernel", cfg)
        yield "sequence_host_check_fails", (r.verdict == "FAIL" and len(calls) == 1 and
                                            "host check disk-pattern" in r.reason)
        if calls and os.path.exists(calls[0][1]):
            os.remove(calls[0][1])
    finally:
        runner.run = real_run
    yield "boots_format", (sequence.check_boots("t", [{"name": "a"}]) is None and
                           sequence.check_boots("t", []) is not None and
                           sequence.check_boots("t", [{"name": "a"}, {"name": "a"}]) is not None
                           and sequence.check_boots("t", [{"name": "a", "bogus": 1}]) is not None
                           and sequence.check_boots("t", [{"name": "a", "host_check": "x"}])
                           is not None)


def _cases():
    good = "banner\r\nTEST boot PASS\r\nHESTIA DONE 1 0\r\n"
    yield "pass_all_good", _verdict(good, 1) == "PASS"
    yield "fail_line_fails_run", _verdict("TEST boot PASS\nTEST x FAIL why\nHESTIA DONE 1 0\n",
                                          1) == "FAIL"
    yield "domu_fail_line", _verdict("(d1) TEST guest.y FAIL\nTEST a PASS\nHESTIA DONE 1 0\n",
                                     1) == "FAIL"
    yield "done_with_failures", _verdict("TEST a PASS\nTEST b FAIL\nHESTIA DONE 1 1\n", 1) \
        == "FAIL"
    yield "no_done_line", _verdict("TEST boot PASS\n", 1) == "FAIL"
    yield "x86_rc0_is_triple_fault", _verdict(good, 0) == "FAIL"
    yield "x86_rc3_is_failure", _verdict(good, 3) == "FAIL"
    yield "ppc_rc0_pass", _verdict(good, 0, "ppc") == "PASS"
    yield "ppc_pvpanic_fail", _verdict(good, 1, "ppc") == "FAIL"
    yield "ia64_status", _verdict(good, 0, "status") == "PASS" and \
        _verdict(good, 2, "status") == "FAIL"
    yield "timeout_fails", _verdict(good, 1, timed_out=True) == "FAIL"
    yield "expect_missing", _verdict(good, 1, expect=("hv:boot", "d0:dom0")) == "FAIL"
    p = runner.parse("BENCH hypercall 123.5 ns\n(d0) BENCH evt 7 insns\n")
    yield "bench_lines", p["bench"] == [("hypercall", 123.5, "ns"), ("evt", 7.0, "insns")]
    yield from _attribution_cases()
    yield from _count_cases()
    yield from _must_fail_cases()
    yield from _scenario_format_cases()
    yield from _sequence_cases()
    from . import ctl_tests
    yield from ctl_tests.cases()
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
