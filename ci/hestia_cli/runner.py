# SPDX-License-Identifier: MIT
"""Boot one image under its emulator and judge the result.

Attribution: the console log is split on '\n' only.  A line starting with
"(dN) " was printed by domain N (core/console.c prefixes every domain line,
dom0's included, and a domain cannot hide its prefix); every other line is
the hypervisor's ("hv"; the emulator's and the firmware's too).  Protocol
lines are recognized only at the start of the text after the prefix:
`TEST <name> PASS|FAIL|SKIP [detail]`, `BENCH <name> <value> <unit>`,
`HESTIA DONE <passed> <failed>`.

A run passes only if it finished within the timeout, printed no
`TEST ... FAIL` line (from any source), the hypervisor itself printed
`HESTIA DONE <passed> 0` (a domain's DONE line is ignored), those counts
equal the TEST PASS / FAIL lines of the reporting source (dom0 and the
hypervisor), every `expect` entry ("<src>:<test>", e.g. "d0:smoke.dom0-up",
"hv:boot") was reported PASS by that source, and the arch's exit channel
says pass.  A negative control (`must_fail`) inverts this: see judge_cell.
Serial output goes to build/logs/<arch>-<scenario>[-<variant>].log.
"""
import os
import re
import shlex
import subprocess
import time

from . import arches, procs
from .util import LOGS

PREFIX_RE = re.compile(r"^\(d(\d+)\) ")
TEST_RE = re.compile(r"^TEST (\S+) (PASS|FAIL|SKIP)(?:\s+(.*))?$")
BENCH_RE = re.compile(r"^BENCH (\S+) (-?[0-9][0-9.eE+-]*) (\S+)\s*$")
DONE_RE = re.compile(r"^HESTIA DONE (\d+) (\d+)\s*$")
TIMEOUT_SCALE = float(os.environ.get("HESTIA_TIMEOUT_SCALE", "1"))
# Sources whose TEST lines the hypervisor's DONE counts: dom0 reports them by
# SCHEDOP_report; the hypervisor's own (module-less self-check) are its own.
REPORTING = ("hv", "d0")


class Result:
    def __init__(self, verdict, reason, log=None, bench=None, elapsed=0.0, rc=None):
        self.verdict = verdict  # "PASS", "FAIL" or "SKIP"
        self.rc = rc  # the emulator's exit code (None: not run or killed)
        self.reason = reason
        self.log = log
        self.bench = bench or []
        self.elapsed = elapsed


def split_source(line):
    """(source, text): ("d3", rest) for a "(d3) " line, else ("hv", line)."""
    m = PREFIX_RE.match(line)
    if m:
        return f"d{int(m.group(1))}", line[m.end():]
    return "hv", line


def parse(text):
    """Protocol lines of a console log with their sources.

    tests: [(source, name, status, detail)], bench: [(name, value, unit)]
    (any source: values, not verdicts), done: the hypervisor's last
    (passed, failed) or None, forged_done: sources of DONE lines printed by
    domains (ignored), panic: the hypervisor's first line containing PANIC
    (core_panic's `HESTIA PANIC: ...`; a domain's is not quoted)."""
    tests, bench, done, forged, panic = [], [], None, [], None
    for raw in text.split("\n"):
        src, body = split_source(raw.replace("\r", ""))
        if panic is None and src == "hv" and "PANIC" in body:
            panic = body.strip()[:160]
        m = TEST_RE.match(body)
        if m:
            tests.append((src, m.group(1), m.group(2), (m.group(3) or "").strip()))
            continue
        m = BENCH_RE.match(body)
        if m:
            bench.append((m.group(1), float(m.group(2)), m.group(3)))
            continue
        m = DONE_RE.match(body)
        if m:
            if src == "hv":
                done = (int(m.group(1)), int(m.group(2)))
            elif src not in forged:
                forged.append(src)
    return {"tests": tests, "bench": bench, "done": done, "forged_done": forged,
            "panic": panic}


def expect_key(entry):
    """("d0", "smoke.dom0-up") for "d0:smoke.dom0-up" (scenarios.load has
    checked the form; a name without a source never matches)."""
    src, sep, name = entry.partition(":")
    return (src, name) if sep else ("", entry)


def judge(parsed, exit_ok, exit_text, timed_out, expect=()):
    """(verdict, reason) from the parsed log and the exit channel."""
    fails = [f"{src}:{n}" for src, n, st, _ in parsed["tests"] if st == "FAIL"]
    if fails:
        return "FAIL", ("TEST FAIL: " + ", ".join(fails[:5]) + ("..." if len(fails) > 5 else "")
                        + f" ({exit_text})")
    if timed_out:
        return "FAIL", "timeout" + ("" if parsed["done"] else " before HESTIA DONE")
    if parsed["done"] is None:
        forged = parsed.get("forged_done") or []
        ignored = (f"; ignored HESTIA DONE from {', '.join(forged)}" if forged else "")
        if parsed["panic"]:
            return "FAIL", f"{parsed['panic']} ({exit_text}{ignored})"
        return "FAIL", f"no HESTIA DONE line from the hypervisor ({exit_text}{ignored})"
    if parsed["done"][1] != 0:
        return "FAIL", f"HESTIA DONE reports {parsed['done'][1]} failed"
    seen = [st for src, _, st, _ in parsed["tests"] if src in REPORTING]
    counted = (seen.count("PASS"), seen.count("FAIL"))
    if counted != parsed["done"]:
        return "FAIL", (f"HESTIA DONE {parsed['done'][0]} {parsed['done'][1]} does not match "
                        f"the TEST lines of dom0 and the hypervisor ({counted[0]} PASS, "
                        f"{counted[1]} FAIL)")
    passed = {(src, n) for src, n, st, _ in parsed["tests"] if st == "PASS"}
    missing = [e for e in expect if expect_key(e) not in passed]
    if missing:
        return "FAIL", "expected TEST PASS missing: " + ", ".join(missing)
    if not exit_ok:
        return "FAIL", f"exit channel: {exit_text}"
    return "PASS", f"{parsed['done'][0]} passed, {exit_text}"


def judge_cell(verdict, reason, must_fail=None):
    """A negative control (scenario key must_fail = a piece of the reason it
    must fail with) passes only when the boot was judged FAIL for that
    reason; passing, or failing for another reason, fails the cell."""
    if not must_fail:
        return verdict, reason
    if verdict == "FAIL" and must_fail in reason:
        return "PASS", f"negative control failed as required: {reason}"
    if verdict == "FAIL":
        return "FAIL", (f"negative control failed for another reason (want '{must_fail}'): "
                        f"{reason}")
    return "FAIL", f"negative control was not caught: judged {verdict} ({reason})"


def run_captured(argv, log, timeout, env=None, cwd=None):
    """Run argv with stdout+stderr into log and no stdin; kill it at the timeout.
    Returns (exit code or None, timed_out, seconds)."""
    os.makedirs(os.path.dirname(log), exist_ok=True)
    start = time.time()
    with open(log, "wb") as f:
        f.write(("$ " + shlex.join(argv) + "\n").encode())
        f.flush()
        try:
            p = procs.spawn(argv, stdout=f, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        except OSError as e:
            f.write(f"cannot start: {e}\n".encode())
            return None, False, 0.0
        try:
            rc = p.wait(timeout=timeout)
            return rc, False, time.time() - start
        except subprocess.TimeoutExpired:
            return None, True, time.time() - start
        finally:  # the whole session, QEMU and helpers, on every way out (Ctrl-C too)
            procs.stop(p)


def log_path(arch, scenario, variant):
    suffix = "" if variant == arches.variants(arch)[0] else f"-{variant}"
    return os.path.join(LOGS, f"{arch}-{scenario}{suffix}.log")


def run(arch, scenario, variant, cfg, mode="capture"):
    """Boot arch/variant with scenario settings cfg; returns a Result."""
    if cfg.get("boots"):  # sequential boots sharing a disk image: sequence.py
        from . import sequence
        return sequence.run(arch, scenario, variant, cfg, mode)
    reason = arches.missing_prereq(arch)
    if reason:
        return Result("SKIP", reason)
    launch = arches.launch(arch, variant, cfg, mode)
    if not os.path.exists(launch.image):
        return Result("FAIL", f"image missing: {os.path.relpath(launch.image)}")
    for p, _ in arches.modules_paths(arch, cfg.get("modules", [])):
        if not os.path.exists(p):
            return Result("FAIL", f"boot module missing: {os.path.relpath(p)}")
    log = log_path(arch, scenario, variant)
    if cfg.get("host_driver"):  # the host takes part while it runs (multi.py)
        from . import multi
        return multi.run(arch, scenario, variant, cfg, log)
    timeout = cfg.get("timeout", 30) * TIMEOUT_SCALE
    rc, timed_out, secs = run_captured(launch.argv, log, timeout, cwd=launch.cwd)
    with open(log, errors="replace") as f:
        parsed = parse(f.read())
    if rc is None and not timed_out:
        return Result("FAIL", "emulator could not be started", log)
    exit_ok, exit_text = (False, "timeout") if timed_out else arches.exit_verdict(
        launch.exit_kind, rc)
    verdict, why = judge(parsed, exit_ok, exit_text, timed_out, cfg.get("expect", ()))
    verdict, why = judge_cell(verdict, why, cfg.get("must_fail"))
    return Result(verdict, why, log, parsed["bench"], secs, rc)
