# SPDX-License-Identifier: MIT
"""The native-vs-PV part of `./hestia bench` (docs/native.md, docs/benchmarks.md).

The same guest kernel runs the workloads of ports/common/workloads.c twice
under -icount shift=0 (ia64sim: ar.itc counts instructions; a guest ns is
one instruction):
  pv      Hestia with dom0 `role=workloads` (build/<arch>/ports/<arch>/hestia-guest)
  native  the kernel linked with the native platform, alone on the emulator
          (build/<arch>/ports/<arch>/hestia-native)
Each prints `WORKLOAD <name> <ns> ns sum <checksum>` per workload.  Per
workload: the overhead in percent, (pv - native) / native, and a TEST line
bench.workloads.<arch>.<name> that passes when both runs completed (their
own TEST lines passed, the run ended with a pass) and the checksums agree.
"""
import os
import re

from . import arches, runner
from .util import BUILD, LOGS

WORKLOADS = ("compute-int", "compute-mem", "syscall", "process", "thread-switch", "ring",
             "sleep")
# The anchors (issue 17): the overhead the PV kernel should stay within.
TARGETS = {"compute-int": 2.0, "compute-mem": 2.0, "syscall": 8.0, "process": 8.0}
WORKLOAD_RE = re.compile(r"^WORKLOAD (\S+) (\d+) ns sum ([0-9a-f]+)\s*$")
TIMEOUT = 120
PV_CFG = {"timeout": TIMEOUT, "deterministic": True, "cmdline": "",
          "modules": [{"image": "ports/{arch}/hestia-guest",
                       "cmdline": "dom0 role=workloads"}]}
# Arches whose native platform exists (ports/<arch>/native); the others say SKIP.
NATIVE = ("x86_64", "x86", "ppc", "ia64")
# Arches whose native image also boots role=native-user (ports/common/native/
# usercheck.c): user-mode faults, timer interrupts in user mode and the arch's
# own cases, which the workloads do not reach; TEST bench.<arch>.<its names>.
NATIVE_CHECKS = ("ia64",)


def native_image(arch):
    return os.path.join(BUILD, arch, "ports", arch, "hestia-native")


def parse_workloads(text):
    """{name: (ns, checksum)} from a console log (PV lines carry a (dN) prefix)."""
    out = {}
    for raw in text.split("\n"):
        _, body = runner.split_source(raw.replace("\r", ""))
        m = WORKLOAD_RE.match(body)
        if m:
            out[m.group(1)] = (int(m.group(2)), m.group(3))
    return out


def native_launch(arch, role="workloads"):
    """argv, exit kind and working directory of the native boot."""
    image = native_image(arch)
    icount = ["-icount", "shift=0,sleep=off"]
    if arch in ("x86", "x86_64"):
        # The PV runs' machine (arches.launch) without SVM: nothing natively uses it.
        bdir = os.path.join(BUILD, arch)
        qemu, cpu = (("qemu-system-x86_64", "qemu64") if arch == "x86_64"
                     else ("qemu-system-i386", "qemu32,+nx"))
        argv = [qemu, "-m", arches.QEMU_MEMORY, "-no-reboot", "-display",
                "none", "-nic", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
                "-cpu", cpu, "-serial", "stdio", "-monitor", "none",
                "-kernel", os.path.relpath(image, bdir), "-append", f"role={role}"]
        return argv + icount, "isa-debug-exit", bdir
    if arch == "ppc":
        # The PV runs' machine and exit channel (arches.launch, variant kernel): the
        # native kernel ends a pass with a GUTS reset, a failure with pvpanic-pci.
        bdir = os.path.join(BUILD, arch)
        argv = ["qemu-system-ppc", "-M", "ppce500", "-cpu", "e500v2", "-m",
                arches.QEMU_MEMORY, "-nographic", "-no-reboot", "-nic", "none",
                "-device", "pvpanic-pci", "-action", "panic=exit-failure",
                "-kernel", os.path.relpath(image, bdir), "-append", f"role={role}"]
        return argv + icount, "ppc", bdir
    if arch == "ia64":
        # ia64sim's default machine, as the PV run's (arches.launch): 256 MiB,
        # one CPU; ar.itc counts instructions, so a guest ns is one there too.
        return ([arches.IA64SIM, "--cmdline", f"role={role}", image], "status",
                os.path.join(BUILD, arch))
    raise ValueError(f"no native platform for {arch}")


def _run_log(argv, exit_kind, cwd, log):
    rc, timed_out, _ = runner.run_captured(argv, log, TIMEOUT * runner.TIMEOUT_SCALE, cwd=cwd)
    with open(log, errors="replace") as f:
        text = f.read()
    exit_ok, exit_text = (False, "timeout") if timed_out else arches.exit_verdict(exit_kind,
                                                                                     rc)
    verdict, why = runner.judge(runner.parse(text), exit_ok, exit_text, timed_out)
    return verdict, why, text


def native_checks(arch):
    """The role=native-user boot: its TEST lines as bench.<arch>.<name>, one
    for the run itself (it ended with a pass), and its log."""
    log = os.path.join(LOGS, f"{arch}-native-user.log")
    verdict, why, text = _run_log(*native_launch(arch, "native-user"), log)
    tests = [(f"bench.{arch}.{n}", st, d) for _, n, st, d in runner.parse(text)["tests"]]
    tests.append((f"bench.{arch}.native.user-run", "PASS" if verdict == "PASS" else "FAIL",
                  why))
    return tests, log


def compare(arch, native, pv, native_ok, pv_ok, has_native=True):
    """TEST verdicts and rows: ([(name, status, detail)], [row dict]).  Without a
    native platform a workload's row has native None and its TEST says SKIP."""
    tests, rows = [], []
    for w in WORKLOADS:
        n, p = native.get(w), pv.get(w)
        name = f"bench.workloads.{arch}.{w}"
        if not has_native:
            tests.append((name, "SKIP", f"no native platform for {arch} yet (docs/native.md)"
                          + (f"; pv {p[0]} ns" if p else "; no pv WORKLOAD line")))
            if p:
                rows.append({"workload": w, "native": None, "pv": p[0], "overhead": None,
                             "target": TARGETS.get(w), "sum": p[1]})
            continue
        if not n or not p:
            missing = " and ".join(k for k, v in (("native", n), ("pv", p)) if not v)
            tests.append((name, "FAIL", f"no WORKLOAD line from the {missing} run"))
            continue
        agree = n[1] == p[1]
        ok = agree and native_ok and pv_ok
        pct = (p[0] - n[0]) * 100.0 / n[0] if n[0] else 0.0
        why = ("checksums agree" if agree else f"checksums differ: native {n[1]}, pv {p[1]}")
        if not (native_ok and pv_ok):
            why += "; a run failed (its log says why)"
        tests.append((name, "PASS" if ok else "FAIL",
                      f"native {n[0]} ns, pv {p[0]} ns, overhead {pct:+.1f}%: {why}"))
        rows.append({"workload": w, "native": n[0], "pv": p[0], "overhead": round(pct, 1),
                     "target": TARGETS.get(w), "sum": n[1]})
    return tests, rows


def run(arch):
    """Both runs for one arch (the PV run alone where no native platform exists):
    {"verdict", "reason", "tests", "rows", "bench", "logs"}."""
    os.makedirs(LOGS, exist_ok=True)
    variant = arches.variants(arch)[0]
    pv_result = runner.run(arch, "workloads", variant, dict(PV_CFG), mode="bench")
    pv_text = ""
    if pv_result.log and os.path.exists(pv_result.log):
        with open(pv_result.log, errors="replace") as f:
            pv_text = f.read()
    has_native = arch in NATIVE
    nlog = os.path.join(LOGS, f"{arch}-workloads-native.log")
    nv, nwhy, ntext = "SKIP", "no native platform", ""
    if has_native and os.path.exists(native_image(arch)):
        nv, nwhy, ntext = _run_log(*native_launch(arch), nlog)
    elif has_native:
        nv, nwhy = "FAIL", f"image missing: {os.path.relpath(native_image(arch))}"
    tests, rows = compare(arch, parse_workloads(ntext), parse_workloads(pv_text),
                          nv == "PASS", pv_result.verdict == "PASS", has_native)
    check_log = None
    if has_native and arch in NATIVE_CHECKS and os.path.exists(native_image(arch)):
        checks, check_log = native_checks(arch)
        tests += checks
    bench = []
    for r in rows:
        if r["native"] is not None:
            bench.append((f"work.{r['workload']}.native", float(r["native"]), "ns"))
        bench.append((f"work.{r['workload']}.pv", float(r["pv"]), "ns"))
        if r["overhead"] is not None:
            bench.append((f"work.{r['workload']}.overhead", r["overhead"], "%"))
    failed = [n for n, st, _ in tests if st == "FAIL"]
    if pv_result.verdict != "PASS" or (has_native and nv != "PASS") or failed:
        verdict, reason = "FAIL", (f"pv: {pv_result.reason}; native: {nwhy}"
                                   + (f"; failed: {', '.join(failed[:5])}" if failed else ""))
    elif not has_native:
        verdict, reason = "SKIP", (f"no native platform for {arch} yet (docs/native.md); "
                                   f"pv: {pv_result.reason}")
    else:
        verdict, reason = "PASS", (f"{len(rows)} workloads agree"
                                   + (f", {len(tests) - len(rows)} native checks passed"
                                      if len(tests) > len(rows) else ""))
    logs = [p for p in (pv_result.log, nlog if ntext else None, check_log) if p]
    return {"verdict": verdict, "reason": reason, "tests": tests, "rows": rows,
            "bench": bench, "logs": logs}


def print_table(per_arch):
    """The native / PV / overhead table of every arch that ran, then the TEST lines."""
    print(f"\n{'arch':8} {'workload':14} {'native ns':>10} {'pv ns':>10} {'overhead':>9}"
          f" {'target':>7}")
    for arch, res in per_arch.items():
        for r in res["rows"]:
            target = f"{r['target']:.0f}%" if r["target"] is not None else "-"
            native = f"{r['native']:10d}" if r["native"] is not None else f"{'-':>10}"
            over = f"{r['overhead']:+8.1f}%" if r["overhead"] is not None else f"{'-':>9}"
            print(f"{arch:8} {r['workload']:14} {native} {r['pv']:10d} {over} {target:>7}")
        if res["verdict"] != "PASS":
            print(f"{arch:8} {res['verdict']}: {res['reason']}")
    for arch, res in per_arch.items():
        for name, status, detail in res["tests"]:
            print(f"TEST {name} {status} {detail}")
