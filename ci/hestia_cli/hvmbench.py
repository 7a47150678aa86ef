# SPDX-License-Identifier: MIT
"""The hvm-bench scenario (host_driver "hvm-bench", docs/benchmarks.md):
the Linux guest's workloads natively and as an HVM guest under Hestia.

Two boots, one after the other (never at once: they would share the host's
CPUs and the machine has few):
1. Hestia with dom0 `test=hvm-bench`: dom0 boots Debian's kernel and the
   initramfs (tools/hvm/init) with `create-hvm` and judges its console; the
   init writes a mark to port 0xe9 after each workload and the hypervisor
   prints the VM exits by reason since the previous mark (arch/x86_64/svm/
   exits.c).
2. The same kernel and initramfs booted directly by QEMU (`-kernel` /
   `-initrd`), with the kernel command line the HVM guest was given (read
   from its log) plus `nolapic` (the HVM guest sees no local APIC: both run
   on the PIC and the PIT), the same -cpu, the same -icount, 128 MiB (the
   HVM guest's mem=128) and the RTC on QEMU's virtual clock (as Hestia's
   CMOS clock is the hypervisor's).  Without ACPI, `poweroff -f` halts the
   native machine: the runner stops QEMU when the kernel says so.

Both measure inside the guest with CLOCK_MONOTONIC on the TSC clocksource
(the init's now_us): under -icount shift=0 the TSC counts emulated
instructions, one per ns, so a workload's time is the instructions the
machine executed while it ran: the guest's own, and under Hestia also the
hypervisor's for every exit (and dom0's, which polls the guest's console).
What a real CPU spends in VMRUN / #VMEXIT and nested-TLB walks is not in it:
TCG counts VMRUN as one instruction.

The checks are TEST lines of source "host" (expect "host:<test>"):
hvmbench.native-run, hvmbench.same-counts, hvmbench.overhead (every
workload's overhead within OVERHEAD_BOUNDS) and hvmbench.exits (a mark line
with exits for every workload).  The bound holds under -icount only:
in real time (`./hestia test --realtime`) the figures measure the emulator
on a loaded host (QEMU's TCG flushes its soft TLB at every VMRUN and
#VMEXIT, seen at 170 000-250 000 host TSC cycles an exit and +26 % to
+122 %), so there the times must only be present.  BENCH values: hvmbench.<workload>.native /
.hvm (us), .overhead (%), .exits and .exits-<reason> (exits).
"""
import os
import re
import subprocess
import time

from . import arches, procs, runner

WORKLOADS = ["linux.cpu", "linux.syscall", "linux.fork-exec", "linux.memory",
             "linux.pagefault", "linux.sleep"]
# Overhead of the HVM run over the native one, in percent, that counts as
# sane.  Generous on purpose: what it guards is a broken measurement (a
# missing or zero time, a workload that ran elsewhere or differently) or a
# gross regression; the system we follow puts full virtualization at "up
# to 20%".  Below zero is allowed down to -25%: the system-call loop is a
# `dd | wc` pipeline whose pipe hand-offs follow the timer ticks, and a
# slower path elsewhere moved it by -8% (seen with CPUID exits made slow).
OVERHEAD_BOUNDS = (-25.0, 100.0)
NATIVE_MEMORY = "128M"
HALTED_RE = re.compile(r"reboot: (System halted|Power down)")
BENCH_LINE = re.compile(r"^BENCH (\S+) (\d+) us\s*$")
TEST_LINE = re.compile(r"^TEST (\S+) (PASS|FAIL) n=(\d+)")
CMDLINE_RE = re.compile(r"^\(d(\d+)\) \[ *[0-9.]+\] Command line: (.*?)\s*$", re.M)
MARK_RE = re.compile(r"^hestia: hvm d\d+: mark (\d+): exits by reason since the last mark:"
                     r"(.*); total (\d+); hot ports:(.*?)\s*$", re.M)
REASON_RE = re.compile(r"(\S+)=(\d+)")


def _workload_lines(text, source):
    """{workload: (us, count, PASS/FAIL)} of one guest's console (source "(dN) " or "")."""
    us, counts = {}, {}
    for raw in text.split("\n"):
        line = raw.replace("\r", "")
        if source:
            if not line.startswith(source):
                continue
            line = line[len(source):]
        m = BENCH_LINE.match(line)
        if m:
            us[m.group(1)] = int(m.group(2))
        m = TEST_LINE.match(line)
        if m:
            counts[m.group(1)] = (int(m.group(3)), m.group(2))
    return {w: (us.get(w), *counts.get(w, (None, None))) for w in WORKLOADS}


def _marks(text):
    """{mark value: (total, {reason: n}, hot ports text)} of the hypervisor's mark lines."""
    out = {}
    for m in MARK_RE.finditer(text):
        reasons = {k: int(v) for k, v in REASON_RE.findall(m.group(2))}
        out[int(m.group(1))] = (int(m.group(3)), reasons, m.group(4).strip())
    return out


def native_argv(launch, cmdline):
    """The direct QEMU boot of the same kernel and initramfs (paths relative to build/<arch>)."""
    argv = launch.argv
    cpu = argv[argv.index("-cpu") + 1] if "-cpu" in argv else "qemu64,+svm,+npt"
    out = ["qemu-system-x86_64", "-m", NATIVE_MEMORY, "-no-reboot", "-display", "none",
           "-nic", "none", "-cpu", cpu, "-serial", "stdio", "-monitor", "none",
           "-rtc", "clock=vm", "-kernel", "arch/x86_64/hvm-vmlinuz",
           "-initrd", "arch/x86_64/hvm-initramfs.cpio", "-append", f"{cmdline} nolapic"]
    if "-icount" in argv:
        out += ["-icount", argv[argv.index("-icount") + 1]]
    return out


def _run_native(argv, log, timeout, cwd):
    """Run until the kernel halts (then stop QEMU) or the timeout; (halted, seconds)."""
    start = time.time()
    with open(log, "wb") as f:
        f.write(("$ " + " ".join(argv) + "\n").encode())
        f.flush()
        proc = procs.spawn(argv, stdout=f, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, cwd=cwd)
    halted = False
    try:
        while time.time() - start < timeout and proc.poll() is None:
            time.sleep(1)
            with open(log, errors="replace") as f:
                if HALTED_RE.search(f.read()):
                    halted = True
                    break
    finally:
        procs.stop(proc)
    return halted, time.time() - start


def compare(hvm_text, native_text, native_halted, bounded=True):
    """The host's checks and BENCH values: ([(name, ok, detail)], [(name, value, unit)]).
    bounded: apply OVERHEAD_BOUNDS (under -icount); else times need only be there."""
    m = CMDLINE_RE.search(hvm_text)
    src = f"(d{m.group(1)}) " if m else "(d1) "
    hvm = _workload_lines(hvm_text, src)
    nat = _workload_lines(native_text, "")
    marks = _marks(hvm_text)
    host, bench = [], []
    nat_ok = [w for w in WORKLOADS if nat[w][2] == "PASS" and nat[w][0]]
    host.append(("hvmbench.native-run", native_halted and len(nat_ok) == len(WORKLOADS),
                 f"{len(nat_ok)} of {len(WORKLOADS)} workloads PASS with a time, "
                 f"{'halted' if native_halted else 'never halted'}"))
    same = [w for w in WORKLOADS if hvm[w][1] is not None and hvm[w][1] == nat[w][1]]
    host.append(("hvmbench.same-counts", len(same) == len(WORKLOADS),
                 "; ".join(f"{w} {nat[w][1]}/{hvm[w][1]}" for w in WORKLOADS)))
    sane, words = True, []
    lo, hi = OVERHEAD_BOUNDS
    for w in WORKLOADS:
        n_us, h_us = nat[w][0], hvm[w][0]
        if not n_us or not h_us:
            sane = False
            words.append(f"{w} native {n_us} hvm {h_us} us")
            continue
        pct = 100.0 * (h_us - n_us) / n_us
        sane = sane and (lo <= pct <= hi or not bounded)
        words.append(f"{w} {pct:+.1f}%")
        bench += [(f"hvmbench.{w}.native", float(n_us), "us"),
                  (f"hvmbench.{w}.hvm", float(h_us), "us"),
                  (f"hvmbench.{w}.overhead", round(pct, 1), "%")]
    how = (f"bounds {lo:+.0f}%..{hi:+.0f}%" if bounded else
           "real time: times present, no bound (the emulator's speed on a loaded host)")
    host.append(("hvmbench.overhead", sane, f"{how}: " + ", ".join(words)))
    have = []
    for i, w in enumerate(WORKLOADS, 1):
        if i not in marks:
            continue
        total, reasons, ports = marks[i]
        if total > 0:
            have.append(w)
        bench.append((f"hvmbench.{w}.exits", float(total), "exits"))
        bench += [(f"hvmbench.{w}.exits-{r}", float(n), "exits")
                  for r, n in sorted(reasons.items(), key=lambda kv: -kv[1])]
    host.append(("hvmbench.exits", len(have) == len(WORKLOADS),
                 f"mark lines with exits for {len(have)} of {len(WORKLOADS)} workloads"))
    return host, bench


def run(arch, variant, cfg, log):
    """Both boots; a runner.Result judged on the Hestia log plus the host's checks."""
    timeout = cfg.get("timeout", 30) * runner.TIMEOUT_SCALE
    launch = arches.launch(arch, variant, cfg, "capture")
    rc, timed_out, secs = runner.run_captured(launch.argv, log, timeout, cwd=launch.cwd)
    with open(log, errors="replace") as f:
        hvm_text = f.read()
    native_log = log[:-4] + "-native.log"
    m = CMDLINE_RE.search(hvm_text)
    if m:
        halted, nsecs = _run_native(native_argv(launch, m.group(2)), native_log, timeout,
                                    launch.cwd)
        with open(native_log, errors="replace") as f:
            native_text = f.read()
    else:
        halted, nsecs, native_text = False, 0.0, ""
        with open(native_log, "w") as f:
            f.write("not run: the HVM guest's log has no kernel command line to copy\n")
    host, bench = compare(hvm_text, native_text, halted, bounded="-icount" in launch.argv)
    with open(log, "a") as f:
        f.write(f"[host] native run: {native_log}\n")
        for name, ok, detail in host:
            f.write(f"[host] TEST {name} {'PASS' if ok else 'FAIL'} {detail}\n")
        for name, value, unit in bench:
            f.write(f"[host] BENCH {name} {value:.10g} {unit}\n")
    parsed = runner.parse(hvm_text)
    parsed["tests"] += [("host", n, "PASS" if ok else "FAIL", d) for n, ok, d in host]
    exit_ok, exit_text = (False, "timeout") if timed_out else arches.exit_verdict(
        launch.exit_kind, rc)
    verdict, why = runner.judge(parsed, exit_ok, exit_text, timed_out, cfg.get("expect", ()))
    return runner.Result(verdict, why, log, parsed["bench"] + bench, secs + nsecs, rc)
