# SPDX-License-Identifier: MIT
"""Tests of the front door itself, run by `./hestia test` (and `--unit`)
before anything boots: the locks around the IA-64 gcc cache, an
interrupted toolchain build, the JUnit report, GRUB's command-line
quoting and the matrix plan.  Each prints `TEST frontdoor.<case> PASS|FAIL`.

The toolchain cases run ci/ia64_gcc.py's real build() in child processes
with HESTIA_CACHE in a temporary directory and a quick fake compile step in
place of the 10-minute gcc build (build() takes it as compile_fn).
"""
import contextlib
import fcntl
import io
import os
import signal
import subprocess
import sys
import tempfile
import termios
import threading
import time
import xml.etree.ElementTree as ET

from . import arches, deps, matrix, medians, native_bench, runner, unit
from .util import ROOT, HestiaError

CI_DIR = os.path.join(ROOT, "ci")

# A child that runs ia64_gcc.build() with a fake compile step.  argv: delay
# in seconds.  The fake counts its calls, checks at its end that its own
# build tree is still there (nobody deleted it) and installs a "gcc".
CHILD = r"""
import os, sys, time
sys.path.insert(0, sys.argv[1])
import ia64_gcc
delay = float(sys.argv[2])
prefix = os.path.join(ia64_gcc.cache_root(), "ia64-gcc-test")
def fake(work, prefix, log, jobs):
    with open(os.path.join(ia64_gcc.cache_root(), "calls"), "a") as f:
        f.write(f"{os.getpid()}\n")
    with open(log, "a") as f:
        f.write("fake compile\n")
    mine = os.path.join(work, "started-by")
    with open(mine, "w") as f:
        f.write(str(os.getpid()))
    time.sleep(delay)
    if not os.path.exists(mine):
        raise SystemExit("my build tree was deleted under me")
    os.makedirs(os.path.join(prefix, "bin"), exist_ok=True)
    open(os.path.join(prefix, "bin", "ia64-linux-gnu-gcc"), "w").close()
print("BIN", ia64_gcc.build(compile_fn=fake, prefix=prefix, say=lambda m: print(m, flush=True)))
"""


def _child(cache, delay):
    env = dict(os.environ, HESTIA_CACHE=cache)
    return subprocess.Popen([sys.executable, "-c", CHILD, CI_DIR, str(delay)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _calls(cache):
    try:
        with open(os.path.join(cache, "calls")) as f:
            return f.read().split()
    except OSError:
        return []


def _wait_for(cond, seconds=10):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


def _gcc_concurrent():
    """Two builders at once: one compiles, the other waits, says for whom,
    and then uses the first one's result; nothing is deleted under anyone."""
    with tempfile.TemporaryDirectory() as cache:
        first = _child(cache, 1.5)
        if not _wait_for(lambda: len(_calls(cache)) == 1):
            first.kill()
            return False
        second = _child(cache, 0)
        out1, _ = first.communicate(timeout=30)
        out2, _ = second.communicate(timeout=30)
        prefix = os.path.join(cache, "ia64-gcc-test")
        return (first.returncode == 0 and second.returncode == 0
                and _calls(cache) == [str(first.pid)]
                and f"waiting for another ./hestia building the IA-64 gcc (pid {first.pid})"
                in out2
                and f"BIN {prefix}/bin" in out1 and f"BIN {prefix}/bin" in out2
                and os.path.exists(os.path.join(prefix, ".complete"))
                and not os.path.exists(prefix + ".build"))


def _gcc_interrupted():
    """A builder killed halfway leaves no `.complete`; the next one sees an
    unfinished build, removes it and builds again."""
    with tempfile.TemporaryDirectory() as cache:
        prefix = os.path.join(cache, "ia64-gcc-test")
        victim = _child(cache, 30)
        if not _wait_for(lambda: len(_calls(cache)) == 1):
            victim.kill()
            return False
        # Half an install: a compiler is there, the marker is not.
        os.makedirs(os.path.join(prefix, "bin"), exist_ok=True)
        open(os.path.join(prefix, "bin", "ia64-linux-gnu-gcc"), "w").close()
        os.kill(victim.pid, signal.SIGKILL)
        victim.communicate()
        half_done = (os.path.exists(prefix + ".build")
                     and not os.path.exists(os.path.join(prefix, ".complete")))
        again = _child(cache, 0)
        out, _ = again.communicate(timeout=30)
        return (half_done and again.returncode == 0 and len(_calls(cache)) == 2
                and "left by an interrupted build" in out
                and os.path.exists(os.path.join(prefix, ".complete")))


def _junit_counts():
    """The JUnit file counts exactly what the closing line counts, and a
    failure carries its detail and the log excerpt (control characters from
    a console log removed)."""
    c = unit.Counts()
    c.add("a", "PASS")
    c.add("b", "FAIL", "bad", suite="matrix", excerpt="log line\x1b[0m\x00 end")
    c.add("c", "SKIP", "no x", suite="matrix")
    unit.count_program(c, "prog", "TEST s.d PASS\nTEST s.e FAIL why\n", 1)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "out.xml")
        unit.write_junit(c, path)
        root = ET.parse(path).getroot()
    cases = root.findall(".//testcase")
    fails = [tc for tc in cases if tc.find("failure") is not None]
    skips = [tc for tc in cases if tc.find("skipped") is not None]
    b = [tc for tc in cases if tc.get("name") == "b"][0].find("failure")
    return ((len(cases) - len(fails) - len(skips), len(fails), len(skips)) ==
            (c.passed, c.failed, c.skipped) == (2, 2, 1)
            and int(root.get("tests")) == len(cases) and int(root.get("failures")) == 2
            and b.get("message") == "bad" and "log line" in b.text and "\x00" not in b.text)


def _grub_quoting():
    """grub.cfg words: each single-quoted (';' and '$' stay literal); a quote
    inside a word is refused with a message, not passed on mangled."""
    ok = arches._grub_words("dom0 script=a;b x=$y", "t") == "'dom0' 'script=a;b' 'x=$y'"
    try:
        arches._grub_words("it's", "t")
        return False
    except HestiaError:
        return ok


def _plan_modes():
    """Plain test: realtime rows without -icount and with `realtime` on the
    command line, multi-domain repeated; GRUB rows for x86 and x86_64."""
    rows, cells = matrix.plan(["x86_64", "x86"], ["smoke", "multi-domain"])
    rt = cells[("x86_64", "kernel", "realtime", "multi-domain")]
    det = cells[("x86_64", "kernel", "icount", "multi-domain")]
    grub = cells.get(("x86", "grub", "icount", "smoke"))
    uefi = cells.get(("x86_64", "uefi", "icount", "smoke"))
    _, again = matrix.plan(["x86_64"], ["smoke"], ("realtime",), repeat=3)
    return (rt.runnable and rt.cfg["deterministic"] is False
            and rt.cfg["cmdline"].split()[-1] == "realtime"
            and rt.repeats == matrix.REALTIME_REPEATS["multi-domain"] and det.repeats == 1
            and det.cfg.get("deterministic") is True
            and "realtime" not in det.cfg.get("cmdline", "").split()
            and grub is not None and grub.runnable and uefi is not None and uefi.runnable
            and uefi.cfg["timeout"] > det.cfg["timeout"] - 1
            and ("x86_64", "grub", "realtime") not in rows
            and again[("x86_64", "kernel", "realtime", "smoke")].repeats == 3
            and len(again) == 1)


def _plan_realtime_variants():
    """A scenario's realtime_variants gives that boot path a realtime row with
    only those scenarios in it (ppc/uboot: disk yes, smoke "-")."""
    rows, cells = matrix.plan(["ppc"], ["smoke", "disk"], ("realtime",))
    disk = cells.get(("ppc", "uboot", "realtime", "disk"))
    smoke = cells.get(("ppc", "uboot", "realtime", "smoke"))
    return (rows == [("ppc", "kernel", "realtime"), ("ppc", "uboot", "realtime")]
            and disk is not None and disk.runnable and disk.cfg["deterministic"] is False
            and smoke is not None and smoke.cfg is None)


def _bench_medians():
    """--full repeats save-restore, migrate and migrate-fault 5 times in
    realtime mode (once by default); the runner prints each figure's median
    over the runs that reported it."""
    _, full = matrix.plan(["x86_64"], ["migrate", "save-restore"], ("realtime",), full=True)
    _, plain = matrix.plan(["x86_64"], ["migrate"], ("realtime",))
    c = full[("x86_64", "kernel", "realtime", "migrate")]
    c.results = [runner.Result("PASS", "", None, [("m0.mig.idle.stop-copy", v, "us")])
                 for v in (9, 3, 7, 100, 5)]
    c.results.append(runner.Result("FAIL", "boot failed"))  # reported nothing
    got = medians.lines([c])
    return (c.repeats == 5 and plain[("x86_64", "kernel", "realtime", "migrate")].repeats == 1
            and full[("x86_64", "kernel", "realtime", "save-restore")].repeats == 5
            and got == ["BENCH median x86_64/kernel/realtime migrate m0.mig.idle.stop-copy 7 us"
                        " (5 runs: 3..100)"])


def _setup_per_arch():
    """x86_64 needs neither the IA-64 gcc nor its sources; ia64 needs both.
    ensure() with every package present builds the gcc for ia64 only (the
    package check and the build are replaced by stand-ins that record)."""
    built, installed = [], []
    saved = (deps.missing_packages, deps.build_toolchain, deps.ia64_bin_dir,
             deps.ensure_packages)
    deps.missing_packages = lambda names: [n for n in names if n == "gcc-12-source"]
    deps.build_toolchain = lambda: built.append(1)
    deps.ia64_bin_dir = lambda: None
    deps.ensure_packages = lambda names, quiet=False: installed.extend(names)
    try:
        with contextlib.redirect_stdout(io.StringIO()) as said:
            deps.ensure(["x86_64"])
            deps.ensure(["x86", "ppc", "host"])
            no_gcc = not built and not installed and not said.getvalue()
            deps.ensure(["ia64"])
        gcc_for_ia64 = (built == [1] and "gcc-12-source" in installed
                        and "IA-64 gcc" in said.getvalue())
    finally:
        (deps.missing_packages, deps.build_toolchain, deps.ia64_bin_dir,
         deps.ensure_packages) = saved
    x86_64 = deps.packages_for(["x86_64"])
    try:
        deps.ensure_packages(["ok", "-o APT::evil"])
        refused = False
    except HestiaError:
        refused = True
    return (no_gcc and gcc_for_ia64 and refused
            and "gcc-12-source" not in x86_64 and "grub-pc-bin" in x86_64
            and "ovmf" in x86_64 and "gcc-12-source" in deps.packages_for(["ia64"]))


def _native_bench_compare():
    """bench's native-vs-PV verdicts (native_bench.py): the same checksum from
    both runs passes with the overhead in percent (PV lines carry a (d0)
    prefix); a different checksum, a missing line or a failed run fails; an
    arch without a native platform says SKIP."""
    nat = native_bench.parse_workloads("WORKLOAD compute-int 1000 ns sum 2a\r\n"
                                       "WORKLOAD ring 500 ns sum 7\nnoise\n")
    pv = native_bench.parse_workloads("(d0) WORKLOAD compute-int 1010 ns sum 2a\n"
                                      "(d0) WORKLOAD ring 600 ns sum 8\n")
    tests, rows = native_bench.compare("x86_64", nat, pv, True, True)
    st = {n.rsplit(".", 1)[1]: (s, d) for n, s, d in tests}
    good = (nat == {"compute-int": (1000, "2a"), "ring": (500, "7")}
            and st["compute-int"][0] == "PASS" and "+1.0%" in st["compute-int"][1]
            and st["ring"][0] == "FAIL" and "checksums differ" in st["ring"][1]
            and st["sleep"][0] == "FAIL" and "native and pv" in st["sleep"][1]
            and rows[0]["overhead"] == 1.0 and len(tests) == len(native_bench.WORKLOADS))
    failed_run = native_bench.compare("x86", nat, pv, False, True)[0][0][1] == "FAIL"
    skip = native_bench.compare("ppc", {}, pv, False, True, has_native=False)[0]
    return good and failed_run and all(s == "SKIP" for _, s, _ in skip)


def _native_bench_launch():
    """The native boots' command lines (native_bench.native_launch): ia64 is
    the image on ia64sim judged by its exit status, the role on --cmdline;
    x86_64 QEMU's -append; the arches with native checks have a native image."""
    argv, kind, _ = native_bench.native_launch("ia64", "native-user")
    ia64_ok = (argv[0] == arches.IA64SIM and kind == "status"
               and argv[argv.index("--cmdline") + 1] == "role=native-user"
               and argv[-1] == native_bench.native_image("ia64"))
    argv, kind, _ = native_bench.native_launch("x86_64")
    x86_ok = kind == "isa-debug-exit" and argv[argv.index("-append") + 1] == "role=workloads"
    return ia64_ok and x86_ok and set(native_bench.NATIVE_CHECKS) <= set(native_bench.NATIVE)


# `./hestia bench --profile` with a fake emulator and a fake gdb, in a child
# that is interrupted while "gdb" runs; `./hestia debug` whose fake gdb
# takes Ctrl-C as gdb does ("interrupt"); or `./hestia test` whose cell boots
# the fake emulator through runner.run_captured (matrix cells, the native
# and HVM benchmark boots).  argv: ci dir, work dir, what the fake gdb does
# ("sleep", "fail" or "interrupt"), "profile", "debug" or "runner".  The fake emulator opens the
# gdb socket and starts a helper of its own, writes "<emulator pid> <helper
# pid>" to <work>/emu, and sleeps.
EMU_CHILD = r"""
import os, shutil, sys
sys.path.insert(0, sys.argv[1])
work, gdb_does, path = sys.argv[2:5]
from hestia_cli import arches, deps, main, matrix, profile, runner, session
session.LOGS = profile.LOGS = work  # the socket, the boot log, the trace
EMU = '''
import os, socket, subprocess, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(f"{os.getpid()} {helper.pid}")
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
time.sleep(600)
'''
GDB = '''
import os, signal, sys, time
started = os.environ["FAKE_GDB_STARTED"]
if os.environ["FAKE_GDB_DOES"] == "interrupt":
    # As gdb: Ctrl-C interrupts the target (noted in <work>/gdb.sigint), "quit" ends it.
    signal.signal(signal.SIGINT, lambda s, f: open(started + ".sigint", "a").write("SIGINT\\n"))
open(started, "w").close()
if os.environ["FAKE_GDB_DOES"] == "fail":
    raise SystemExit("fake gdb: Python Exception <class 'gdb.error'>")
if os.environ["FAKE_GDB_DOES"] == "interrupt":
    for line in sys.stdin:
        if line.strip() == "quit":
            raise SystemExit(0)
    raise SystemExit(3)
time.sleep(600)
'''
gdb = os.path.join(work, "gdb-multiarch")
with open(gdb, "w") as f:
    f.write(f"#!{sys.executable}\n" + GDB)
os.chmod(gdb, 0o755)
os.environ.update(FAKE_GDB_STARTED=os.path.join(work, "gdb"), FAKE_GDB_DOES=gdb_does)
which = shutil.which
shutil.which = lambda name: gdb if name == "gdb-multiarch" else which(name)
deps.ensure = lambda arch_list: None
session._prepare = lambda arch: None
arches.launch = lambda arch, variant, cfg, mode: arches.Launch(
    [sys.executable, "-c", EMU, cfg["gdb_socket"], os.path.join(work, "emu")], "status", "")
if path == "runner":
    matrix.test = lambda *a, **kw: runner.run_captured(
        [sys.executable, "-c", EMU, os.path.join(work, "sock"), os.path.join(work, "emu")],
        os.path.join(work, "boot.log"), 600)[0]
    sys.exit(main.main(["test", "--arch", "x86_64"]))
if path == "debug":
    sys.exit(main.main(["debug", "--arch", "x86_64"]))
sys.exit(main.main(["bench", "--profile", "null-hypercall", "--arch", "x86_64"]))
"""


def _gone(pid):
    """pid has ended (a zombie nobody has reaped yet counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in "ZX"
    except OSError:
        return True


def _reap(pids, child):
    """The end of a case with fakes: the fake emulator and its helper (pids)
    and ./hestia's group (child) killed and reaped, so a failed case leaves
    nothing behind.  After SIGKILL ./hestia's (fake) gdb is left; a real one
    ends when the emulator's socket closes, this one sleeps."""
    for p in pids:
        if not _gone(p):
            os.kill(p, signal.SIGKILL)
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()


def _emulator_interrupted(how, path="profile"):
    """Start `./hestia bench --profile` or `./hestia test` (fakes: EMU_CHILD)
    and, once its emulator (and gdb) run, send the signal `how` names to ./hestia's process group (Ctrl-C
    at a terminal; SIGTERM as `timeout` or a job runner sends it), SIGKILL to
    ./hestia alone, or let gdb fail at once ("fail").  The emulator and its
    helper must be gone within 5 s and ./hestia's exit code say why."""
    with tempfile.TemporaryDirectory() as work:
        child = subprocess.Popen([sys.executable, "-c", EMU_CHILD, CI_DIR, work,
                                  "fail" if how == "fail" else "sleep", path],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 start_new_session=True)
        pids = []
        try:
            emu, gdb = os.path.join(work, "emu"), os.path.join(work, "gdb")
            if not _wait_for(lambda: (os.path.exists(emu) and (
                    path == "runner" or os.path.exists(gdb))) or child.poll() is not None):
                return False
            with open(emu) as f:
                pids = [int(w) for w in f.read().split()]
            if how == "SIGKILL":
                os.kill(child.pid, signal.SIGKILL)
            elif how != "fail":
                os.killpg(child.pid, getattr(signal, how))
            out, _ = child.communicate(timeout=30)
            want = {"SIGINT": (130, "interrupted (SIGINT)"),
                    "SIGTERM": (143, "interrupted (SIGTERM)"), "SIGKILL": (-9, ""),
                    "fail": (1, "gdb wrote no trace")}[how]
            # SIGKILL runs no cleanup: the kernel ends the emulator (setpriv
            # --pdeathsig), not what it started itself (QEMU and ia64sim start nothing).
            ended = pids[:1] if how == "SIGKILL" else pids
            return (child.returncode == want[0] and want[1] in out and len(pids) == 2
                    and _wait_for(lambda: all(_gone(p) for p in ended), 5))
        finally:
            _reap(pids, child)


def _debug_ctrl_c():
    """`./hestia debug` at a terminal (a pty, fakes: EMU_CHILD): Ctrl-C typed
    while gdb runs reaches gdb, and ./hestia and its emulator stay; gdb's
    "quit" then ends ./hestia with gdb's exit code 0 and the emulator and its
    helper are gone within 5 s.  (Before the fix ./hestia took the
    KeyboardInterrupt and killed gdb and the emulator: exit 130.)"""
    with tempfile.TemporaryDirectory() as work:
        master, slave = os.openpty()
        child = subprocess.Popen(
            [sys.executable, "-c", EMU_CHILD, CI_DIR, work, "interrupt", "debug"],
            stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))  # the pty is its terminal
        os.close(slave)
        said = []

        def drain():  # the pty's output, so that nothing blocks on a full buffer
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                said.append(chunk)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        pids = []
        try:
            emu, gdb = os.path.join(work, "emu"), os.path.join(work, "gdb")
            if not _wait_for(lambda: (os.path.exists(emu) and os.path.exists(gdb))
                             or child.poll() is not None):
                raise HestiaError("the fake emulator and gdb did not start")
            with open(emu) as f:
                pids = [int(w) for w in f.read().split()]
            os.write(master, b"\x03")  # Ctrl-C: the pty sends SIGINT to its foreground group
            got = _wait_for(lambda: os.path.exists(gdb + ".sigint") or child.poll() is not None)
            time.sleep(0.5)  # ./hestia's own reaction, if it had one
            stayed = child.poll() is None and not any(_gone(p) for p in pids)
            if not (got and os.path.exists(gdb + ".sigint") and stayed):
                out = b"".join(said).decode(errors="replace").strip().splitlines()
                raise HestiaError(f"after Ctrl-C: gdb saw it {os.path.exists(gdb + '.sigint')}, "
                                  f"./hestia exit {child.poll()}, emulator running "
                                  f"{bool(pids) and not any(_gone(p) for p in pids)}; "
                                  f"last output {out[-1:]}")
            os.write(master, b"quit\n")
            child.wait(timeout=30)
            return (child.returncode == 0 and len(pids) == 2
                    and _wait_for(lambda: all(_gone(p) for p in pids), 5))
        finally:
            _reap(pids, child)
            os.close(master)
            reader.join(5)


CASES = [
    ("native_bench_compare", _native_bench_compare),
    ("native_bench_launch", _native_bench_launch),
    ("setup_per_arch", _setup_per_arch),
    ("gcc_cache_concurrent", _gcc_concurrent),
    ("gcc_cache_interrupted", _gcc_interrupted),
    ("junit_counts", _junit_counts),
    ("grub_quoting", _grub_quoting),
    ("plan_modes", _plan_modes),
    ("plan_realtime_variants", _plan_realtime_variants),
    ("bench_medians", _bench_medians),
    ("profile_sigint", lambda: _emulator_interrupted("SIGINT")),
    ("profile_sigterm", lambda: _emulator_interrupted("SIGTERM")),
    ("profile_sigkill", lambda: _emulator_interrupted("SIGKILL")),
    ("profile_gdb_fails", lambda: _emulator_interrupted("fail")),
    ("runner_sigterm", lambda: _emulator_interrupted("SIGTERM", "runner")),
    ("debug_ctrl_c", _debug_ctrl_c),
]


def run(counts, verbose=False):
    for name, fn in CASES:
        try:
            ok, detail = fn(), ""
        except Exception as e:  # a crash of a check is its failure, with the reason
            ok, detail = False, f"{type(e).__name__}: {e}"
        status = "PASS" if ok else "FAIL"
        counts.add(f"frontdoor.{name}", status, detail)
        if verbose or not ok:
            print(f"TEST frontdoor.{name} {status}{' ' + detail if detail else ''}", flush=True)


if __name__ == "__main__":
    c = unit.Counts()
    run(c, verbose=True)
    sys.exit(1 if c.failed else 0)
