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
    """Pass/fail/skip counts, and every test case for the JUnit report.

    suite: the JUnit suite for add() calls that name none (set by the caller
    before a group of tests)."""

    def __init__(self):
        self.passed, self.failed, self.skipped = 0, 0, 0
        self.failures = []  # (name, detail)
        self.records = []  # Record per test case, in order
        self.suite = "unit"

    def add(self, name, status, detail="", suite=None, excerpt="", seconds=0.0, log=""):
        if status == "PASS":
            self.passed += 1
        elif status == "SKIP":
            self.skipped += 1
        else:
            status = "FAIL"  # anything unknown counts as a failure
            self.failed += 1
            self.failures.append((name, detail))
        self.records.append(Record(suite or self.suite, name, status, detail, excerpt,
                                   seconds, log))


class Record:
    def __init__(self, suite, name, status, detail, excerpt, seconds, log):
        self.suite, self.name, self.status, self.detail = suite, name, status, detail
        self.excerpt, self.seconds, self.log = excerpt, seconds, log


def _xml_text(text):
    """text without the characters XML 1.0 cannot hold (console logs have some)."""
    return "".join(c for c in str(text) if c in "\t\n\r" or
                   (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c > "\uffff")


def junit_tree(counts):
    """An ElementTree of counts in JUnit XML: a testsuite per suite, a testcase
    per record; failures carry their detail and the log excerpt."""
    import xml.etree.ElementTree as ET
    root = ET.Element("testsuites", name="hestia", tests=str(len(counts.records)),
                      failures=str(counts.failed), errors="0", skipped=str(counts.skipped))
    suites = {}
    for r in counts.records:
        if r.suite not in suites:
            suites[r.suite] = ET.SubElement(root, "testsuite", name=_xml_text(r.suite))
        tc = ET.SubElement(suites[r.suite], "testcase", classname=_xml_text(r.suite),
                           name=_xml_text(r.name), time=f"{r.seconds:.3f}")
        if r.status == "FAIL":
            f = ET.SubElement(tc, "failure", message=_xml_text(r.detail or "failed"))
            f.text = _xml_text(r.excerpt or r.detail)
        elif r.status == "SKIP":
            ET.SubElement(tc, "skipped", message=_xml_text(r.detail))
        if r.log:
            ET.SubElement(tc, "system-out").text = _xml_text(f"log: {r.log}")
    for name, el in suites.items():
        cases = [r for r in counts.records if r.suite == name]
        el.set("tests", str(len(cases)))
        el.set("failures", str(sum(r.status == "FAIL" for r in cases)))
        el.set("errors", "0")
        el.set("skipped", str(sum(r.status == "SKIP" for r in cases)))
        el.set("time", f"{sum(r.seconds for r in cases):.3f}")
    return ET.ElementTree(root)


def write_junit(counts, path):
    """Write the JUnit XML file (via a temporary file: never half-written)."""
    tree = junit_tree(counts)
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    tmp = path + ".tmp"
    tree.write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)


def count_program(counts, name, stdout, returncode, timed_out=False):
    """Fold one test program's output into counts."""
    parsed = parse(stdout)
    excerpt = "\n".join(stdout.splitlines()[-30:])
    for _src, tname, status, detail in parsed["tests"]:
        counts.add(tname, status, detail, excerpt=excerpt if status == "FAIL" else "")
    has_fail = any(st == "FAIL" for _, _, st, _ in parsed["tests"])
    if timed_out:
        counts.add(name, "FAIL", "timed out", excerpt=excerpt)
    elif returncode != 0 and not has_fail:
        counts.add(name, "FAIL", f"exited {returncode} without a FAIL line", excerpt=excerpt)
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
