# SPDX-License-Identifier: MIT
"""The gdb test: on each arch, boot the image stopped with its gdb stub
(the `./hestia debug` launch), drive gdb-multiarch in batch mode through
break core_main / continue / read $pc and a variable / next / detach, and
check gdb's own output.  One line per arch: TEST gdb.<arch> PASS|FAIL|SKIP.

    PYTHONPATH=ci python3 -m hestia_cli.gdbtest [--arch A] [--break FUNC] [--timeout S]

runs it alone (--break on a function the boot never reaches shows the
FAIL path).  The arches must be built (./hestia build --arch A).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

from . import arches, scenarios, session
from .util import ARCHES, HestiaError

# The demo's interactive form: dom0 stays at its prompt, so the emulator is
# still running when gdb detaches (a module-less boot may finish and exit
# QEMU first, and gdb then reports a broken pipe instead of "detached").
SCENARIO = "demo"
FUNCTION = "core_main"
TIMEOUT = 120  # seconds for the whole gdb session of one arch (ia64sim: ~10 s)


def _commands(sock, function):
    return ["set confirm off", "set pagination off", "set width 0",
            f"target remote {sock}",
            f"break {function}",
            "continue",
            "echo @@pc\\n", "info symbol $pc", "p/x $pc",
            "echo @@var\\n", "print bi->platform",
            "echo @@next\\n", "next", "info symbol $pc", "p/x $pc",
            "echo @@detach\\n", "detach"]


def _section(out, name):
    m = re.search(rf"^@@{name}\n(.*?)(?=^@@|\Z)", out, re.S | re.M)
    return m.group(1) if m else ""


def check_output(out, function):
    """None if gdb's output shows every step worked, else the reason."""
    if not re.search(rf"^Breakpoint 1 at ", out, re.M):
        return f"gdb could not set a breakpoint on {function}"
    if not re.search(rf"^Breakpoint 1, .*\b{re.escape(function)} ?\(", out, re.M):
        if re.search(r"exited (normally|with code)|Remote connection closed", out):
            return f"breakpoint on {function} never hit: the program ran to its end"
        return f"breakpoint on {function} never hit"
    pc = _section(out, "pc")
    m = re.search(r"^\$\d+ = (0x[0-9a-f]+)", pc, re.M)
    if not m or not re.search(rf"^{re.escape(function)}( \+ \d+)? in section", pc, re.M):
        return f"$pc is not in {function}: {pc.strip()[:120]!r}"
    pc0 = int(m.group(1), 16)
    var = _section(out, "var")
    if not re.search(r'^\$\d+ = 0x[0-9a-f]+ "[^"]+"', var, re.M):
        return f"variable bi->platform unreadable: {var.strip()[:120]!r}"
    nxt = _section(out, "next")
    m = re.search(r"^\$\d+ = (0x[0-9a-f]+)", nxt, re.M)
    if not m or not re.search(rf"^{re.escape(function)} \+ \d+ in section", nxt, re.M):
        return f"next did not stay in {function}: {nxt.strip()[:120]!r}"
    if int(m.group(1), 16) == pc0:
        return "next did not move $pc"
    if "detached" not in _section(out, "detach"):
        return "detach failed"
    return None


def run_one(arch, function=FUNCTION, timeout=TIMEOUT):
    """(verdict, reason) of the gdb test on one arch."""
    gdb = shutil.which("gdb-multiarch")
    if not gdb:
        return "SKIP", "gdb-multiarch not installed"
    if scenarios.config(scenarios.load(SCENARIO), arch) is None:
        return "SKIP", f"{arch} does not claim the {SCENARIO} scenario"
    elf = arches.elf_path(arch)
    why = arches.missing_prereq(arch)
    if why or not os.path.exists(elf):
        return "FAIL", why or f"{os.path.relpath(elf)} not built"
    try:
        proc, sock, log = session.start_debug(arch, SCENARIO, tag="gdbtest")
    except HestiaError as e:
        return "FAIL", str(e)
    argv = [gdb, "-q", "-nx", "-batch", elf]
    for c in _commands(sock, function):
        argv += ["-ex", c]
    timed_out = False
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        out = r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        timed_out = True
        out = e.stdout or ""
        if isinstance(out, bytes):
            out = out.decode(errors="replace")
    finally:
        session.stop_debug(proc)
        if os.path.exists(sock):
            os.unlink(sock)
    with open(os.path.join(os.path.dirname(log), f"gdbtest-{arch}.gdb.log"), "w") as f:
        f.write(out)
    if timed_out:
        reason = check_output(out, function) or "gdb did not finish"
        return "FAIL", f"timeout after {timeout:g} s ({reason})"
    reason = check_output(out, function)
    if reason:
        return "FAIL", reason
    return "PASS", f"break {function}, $pc, bi->platform, next, detach"


def run(counts, arch_list):
    """Add one gdb.<arch> result per arch to counts (unit.Counts)."""
    for arch in arch_list:
        verdict, reason = run_one(arch)
        print(f"TEST gdb.{arch} {verdict} {reason}", flush=True)
        counts.add(f"gdb.{arch}", verdict, reason)


def main(argv=None):
    ap = argparse.ArgumentParser(description="gdb batch test against the arch's gdb stub")
    ap.add_argument("--arch", action="append", choices=ARCHES)
    ap.add_argument("--break", dest="function", default=FUNCTION)
    ap.add_argument("--timeout", type=float, default=TIMEOUT)
    a = ap.parse_args(argv)
    failed = 0
    for arch in a.arch or ARCHES:
        verdict, reason = run_one(arch, a.function, a.timeout)
        print(f"TEST gdb.{arch} {verdict} {reason}", flush=True)
        failed += verdict == "FAIL"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
