# SPDX-License-Identifier: MIT
"""Boot one image under its emulator and judge the result.

A run passes only if it finished within the timeout, printed the end line
`HESTIA DONE <passed> 0`, printed no `TEST ... FAIL` line, reported PASS for
every TEST the scenario expects, and the arch's exit channel says pass.
Serial output goes to build/logs/<arch>-<scenario>[-<variant>].log.
"""
import os
import re
import shlex
import signal
import subprocess
import time

from . import arches
from .util import LOGS

TEST_RE = re.compile(r"(?:^|\s)TEST (\S+) (PASS|FAIL|SKIP)(?:\s+(.*))?$")
BENCH_RE = re.compile(r"(?:^|\s)BENCH (\S+) (-?[0-9][0-9.eE+-]*) (\S+)\s*$")
DONE_RE = re.compile(r"(?:^|\s)HESTIA DONE (\d+) (\d+)\s*$")
TIMEOUT_SCALE = float(os.environ.get("HESTIA_TIMEOUT_SCALE", "1"))


class Result:
    def __init__(self, verdict, reason, log=None, bench=None, elapsed=0.0, rc=None):
        self.verdict = verdict  # "PASS", "FAIL" or "SKIP"
        self.rc = rc  # the emulator's exit code (None: not run or killed)
        self.reason = reason
        self.log = log
        self.bench = bench or []
        self.elapsed = elapsed


def parse(text):
    """Protocol lines of a console log: tests, bench values, the last DONE line."""
    tests, bench, done, panic = [], [], None, None
    for line in text.replace("\r", "").split("\n"):
        if panic is None and "PANIC" in line:
            panic = line.strip()[:160]
        m = TEST_RE.search(line)
        if m:
            tests.append((m.group(1), m.group(2), (m.group(3) or "").strip()))
            continue
        m = BENCH_RE.search(line)
        if m:
            bench.append((m.group(1), float(m.group(2)), m.group(3)))
            continue
        m = DONE_RE.search(line)
        if m:
            done = (int(m.group(1)), int(m.group(2)))
    return {"tests": tests, "bench": bench, "done": done, "panic": panic}


def judge(parsed, exit_ok, exit_text, timed_out, expect=()):
    """(verdict, reason) from the parsed log and the exit channel."""
    fails = [n for n, st, _ in parsed["tests"] if st == "FAIL"]
    if fails:
        return "FAIL", "TEST FAIL: " + ", ".join(fails[:5]) + ("..." if len(fails) > 5 else "")
    if timed_out:
        return "FAIL", "timeout" + ("" if parsed["done"] else " before HESTIA DONE")
    if parsed["done"] is None:
        if parsed["panic"]:
            return "FAIL", f"{parsed['panic']} ({exit_text})"
        return "FAIL", f"no HESTIA DONE line ({exit_text})"
    if parsed["done"][1] != 0:
        return "FAIL", f"HESTIA DONE reports {parsed['done'][1]} failed"
    passed = {n for n, st, _ in parsed["tests"] if st == "PASS"}
    missing = [n for n in expect if n not in passed]
    if missing:
        return "FAIL", "expected TEST PASS missing: " + ", ".join(missing)
    if not exit_ok:
        return "FAIL", f"exit channel: {exit_text}"
    return "PASS", f"{parsed['done'][0]} passed, {exit_text}"


def run_captured(argv, log, timeout, env=None, cwd=None):
    """Run argv with stdout+stderr into log and no stdin; kill it at the timeout.
    Returns (exit code or None, timed_out, seconds)."""
    os.makedirs(os.path.dirname(log), exist_ok=True)
    start = time.time()
    with open(log, "wb") as f:
        f.write(("$ " + shlex.join(argv) + "\n").encode())
        f.flush()
        try:
            p = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                 start_new_session=True)
        except OSError as e:
            f.write(f"cannot start: {e}\n".encode())
            return None, False, 0.0
        try:
            rc = p.wait(timeout=timeout)
            return rc, False, time.time() - start
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)  # the whole session: QEMU and helpers
            p.wait()
            return None, True, time.time() - start


def log_path(arch, scenario, variant):
    suffix = "" if variant == arches.variants(arch)[0] else f"-{variant}"
    return os.path.join(LOGS, f"{arch}-{scenario}{suffix}.log")


def run(arch, scenario, variant, cfg, mode="capture"):
    """Boot arch/variant with scenario settings cfg; returns a Result."""
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
    timeout = cfg.get("timeout", 30) * TIMEOUT_SCALE
    rc, timed_out, secs = run_captured(launch.argv, log, timeout, cwd=launch.cwd)
    with open(log, errors="replace") as f:
        parsed = parse(f.read())
    if rc is None and not timed_out:
        return Result("FAIL", "emulator could not be started", log)
    exit_ok, exit_text = (False, "timeout") if timed_out else arches.exit_verdict(
        launch.exit_kind, rc)
    verdict, why = judge(parsed, exit_ok, exit_text, timed_out, cfg.get("expect", ()))
    return Result(verdict, why, log, parsed["bench"], secs, rc)
