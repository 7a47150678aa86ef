# SPDX-License-Identifier: MIT
"""The gdb test: on each arch, boot the image stopped with its gdb stub
(the `./hestia debug` launch), drive gdb-multiarch in batch mode through
break core_main / continue / read $pc and a variable / next / detach, and
check gdb's own output.  One line per arch: TEST gdb.<arch> PASS|FAIL|SKIP.
Then Ctrl-C (TEST gdb.<arch>.ctrl-c): `./hestia debug` itself on a pty,
`continue`, Ctrl-C typed at the terminal must stop the guest through the
stub while ./hestia and the emulator stay, and gdb's `quit` must end
./hestia with exit 0 and the emulator with it.

    PYTHONPATH=ci python3 -m hestia_cli.gdbtest [--arch A] [--break FUNC] [--timeout S]

runs it alone (--break on a function the boot never reaches shows the
FAIL path).  The arches must be built (./hestia build --arch A).
"""
import argparse
import fcntl
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import termios
import time

from . import arches, scenarios, session
from .util import ARCHES, LOGS, ROOT, HestiaError

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


# `./hestia debug --arch A --scenario demo` itself (not built again: the
# caller built A), as a user at a terminal runs it.  argv: ci dir, arch.
DEBUG_CHILD = r"""
import sys
sys.path.insert(0, sys.argv[1])
from hestia_cli import deps, main, session
deps.ensure = lambda arch_list: None
session._prepare = lambda arch: None
sys.exit(main.main(["debug", "--arch", sys.argv[2], "--scenario", "demo"]))
"""
CTRL_C_TIMEOUT = 60  # seconds for the whole Ctrl-C check of one arch


class _Pty:
    """A child in a session of its own with a pty as its terminal; its output kept."""

    def __init__(self, argv):
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True,
                                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.out = b""

    def text(self):
        return self.out.decode(errors="replace")

    def expect(self, pattern, deadline):
        """Read until pattern (a regex) shows in the output after what was
        matched before, or the deadline (time.time()) passes, or the child's
        terminal closes.  True if it showed."""
        start = len(self.out)
        while time.time() < deadline:
            if re.search(pattern, self.out[start:].decode(errors="replace")):
                return True
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    return bool(re.search(pattern, self.out[start:].decode(errors="replace")))
                self.out += chunk
        return False

    def send(self, data):
        os.write(self.master, data)

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        os.close(self.master)


def _children(pid):
    """The pids whose parent is pid (its emulator and gdb)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(w) for w in f.read().split()]
    except OSError:
        return []


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in "ZX"
    except OSError:
        return False


def run_ctrl_c(arch, timeout=CTRL_C_TIMEOUT):
    """(verdict, reason): `./hestia debug` on a pty with the real gdb and
    emulator.  gdb continues the guest; Ctrl-C typed at the terminal must
    stop it through the stub (gdb: "received signal SIGINT") while ./hestia
    and the emulator keep running; gdb's quit then ends ./hestia with exit
    0 and the emulator is gone."""
    if not shutil.which("gdb-multiarch"):
        return "SKIP", "gdb-multiarch not installed"
    if scenarios.config(scenarios.load(SCENARIO), arch) is None:
        return "SKIP", f"{arch} does not claim the {SCENARIO} scenario"
    why = arches.missing_prereq(arch)
    if why or not os.path.exists(arches.elf_path(arch)):
        return "FAIL", why or f"{os.path.relpath(arches.elf_path(arch))} not built"
    end = time.time() + timeout
    t = _Pty([sys.executable, "-c", DEBUG_CHILD, os.path.join(ROOT, "ci"), arch])
    emulator = []
    try:
        if not t.expect(r"\(gdb\) ", end):
            return "FAIL", "no gdb prompt"
        emulator = [p for p in _children(t.proc.pid) if "gdb" not in _comm(p)]
        t.send(b"set confirm off\ncontinue\n")
        if not t.expect(r"Continuing\.", end):
            return "FAIL", "gdb did not continue the guest"
        time.sleep(1)  # the guest runs
        t.send(b"\x03")  # Ctrl-C: the pty sends SIGINT to its foreground process group
        if not t.expect(r"received signal SIGINT", end):
            return "FAIL", (f"Ctrl-C did not stop the guest (./hestia exit {t.proc.poll()}): "
                            f"{t.text().strip().splitlines()[-1:]}")
        t.expect(r"\(gdb\) ", end)
        time.sleep(0.5)  # ./hestia's own reaction to the SIGINT, if it had one
        if t.proc.poll() is not None:
            return "FAIL", f"./hestia ended after Ctrl-C (exit {t.proc.poll()})"
        if not emulator or not all(_alive(p) for p in emulator):
            return "FAIL", "the emulator ended after Ctrl-C"
        t.send(b"quit\n")
        try:
            rc = t.proc.wait(timeout=max(1, end - time.time()))
        except subprocess.TimeoutExpired:
            return "FAIL", "./hestia did not end after gdb's quit"
        t.expect(r"\Z", time.time() + 1)  # what is left to read
        gone = time.time() + 5
        while time.time() < gone and any(_alive(p) for p in emulator):
            time.sleep(0.05)
        if rc != 0 or any(_alive(p) for p in emulator):
            return "FAIL", f"after quit: ./hestia exit {rc}, emulator left {any(map(_alive, emulator))}"
        return "PASS", "continue, Ctrl-C stopped the guest (SIGINT), ./hestia stayed; quit: exit 0"
    finally:
        t.close()
        for p in emulator:
            if _alive(p):
                os.kill(p, signal.SIGKILL)
        with open(os.path.join(LOGS, f"gdbtest-{arch}-ctrl-c.log"), "w") as f:
            f.write(t.text())


def _comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def run(counts, arch_list):
    """Add gdb.<arch> and gdb.<arch>.ctrl-c results per arch to counts (unit.Counts)."""
    for arch in arch_list:
        verdict, reason = run_one(arch)
        print(f"TEST gdb.{arch} {verdict} {reason}", flush=True)
        counts.add(f"gdb.{arch}", verdict, reason)
        verdict, reason = run_ctrl_c(arch)
        print(f"TEST gdb.{arch}.ctrl-c {verdict} {reason}", flush=True)
        counts.add(f"gdb.{arch}.ctrl-c", verdict, reason)


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
        verdict, reason = run_ctrl_c(arch)
        print(f"TEST gdb.{arch}.ctrl-c {verdict} {reason}", flush=True)
        failed += verdict == "FAIL"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
