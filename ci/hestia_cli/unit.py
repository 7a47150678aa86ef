# SPDX-License-Identifier: MIT
"""Host unit tests: `meson test -C build/host`, counted by their TEST lines.

Each test program prints `TEST <suite>.<case> PASS|FAIL|SKIP [detail]`.  A
program that exits non-zero (or times out) without printing a FAIL line
counts as one failure of its own, so a crash is never lost; one that prints
no TEST line and exits 0 counts as one pass under its meson name.
"""
import json
import os
import subprocess

from . import deps
from .runner import parse
from .util import BUILD, LOGS, rel


class Counts:
    def __init__(self):
        self.passed, self.failed, self.skipped = 0, 0, 0
        self.failures = []  # (name, detail)

    def add(self, name, status, detail=""):
        if status == "PASS":
            self.passed += 1
        elif status == "SKIP":
            self.skipped += 1
        else:
            self.failed += 1
            self.failures.append((name, detail))


def count_program(counts, name, stdout, returncode, timed_out=False):
    """Fold one test program's output into counts."""
    parsed = parse(stdout)
    for _src, tname, status, detail in parsed["tests"]:
        counts.add(tname, status, detail)
    has_fail = any(st == "FAIL" for _, _, st, _ in parsed["tests"])
    if timed_out:
        counts.add(name, "FAIL", "timed out")
    elif returncode != 0 and not has_fail:
        counts.add(name, "FAIL", f"exited {returncode} without a FAIL line")
    elif returncode == 0 and not parsed["tests"]:
        counts.add(name, "PASS")


def ia64_images():
    """The IA-64 hypervisor and guest images built so far (absolute paths)."""
    root = os.path.join(BUILD, "ia64")
    found = [os.path.join(root, "arch", "ia64", "hestia.elf"),
             os.path.join(root, "ports", "ia64", "hestia-guest")]
    return [p for p in found if os.path.exists(p)]


def run_meson_tests(bdir, counts):
    """Run the host test suite; returns the path of the console log."""
    os.makedirs(LOGS, exist_ok=True)
    log = os.path.join(LOGS, "unit.log")
    env = deps.tool_env()
    images = ia64_images()
    if images:
        # The simulator's decoder check then also covers the hypervisor and guest images.
        env["IA64SIM_IMAGES"] = os.pathsep.join(images)
    with open(log, "w") as f:
        subprocess.run(["meson", "test", "-C", bdir, "--no-rebuild", "--logbase", "unit",
                        "--num-processes", str(os.cpu_count() or 2)],
                       stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                       env=env)
    jpath = os.path.join(bdir, "meson-logs", "unit.json")
    if not os.path.exists(jpath):
        counts.add("meson-test", "FAIL", f"no results ({rel(log)})")
        return log
    seen = 0
    with open(jpath) as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            seen += 1
            out = (t.get("stdout") or "") + "\n" + (t.get("stderr") or "")
            count_program(counts, t.get("name", "?"), out, t.get("returncode", 1),
                          t.get("result") == "TIMEOUT")
    if seen == 0:
        counts.add("meson-test", "FAIL", "the host build defines no tests")
    return log
