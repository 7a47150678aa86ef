# SPDX-License-Identifier: MIT
"""`./hestia bench --profile NAME`: where one operation's instructions go.

The bench scenario's dom0 runs each benchmarked operation twice more after
its timed loop, behind profile points (ports/common/bench.c:
bench_profile_<name>(); op; bench_profile_start(); op; bench_profile_end()).
This boots that scenario stopped under its gdb stub (the `./hestia debug`
launch, -icount as in the matrix), lets gdb-multiarch run to the first
point, single-steps through the first run (a stop at a breakpoint sends
that one down slower paths) and attributes every instruction of the second
to the function it belongs to, in the hypervisor or in the guest
(profile_gdb.py does the gdb side).  The
same boot printed the timed loop's BENCH figure, which under -icount
shift=0 is instructions per iteration: the two are printed side by side and
the profile test checks that they agree.
"""
import os
import re
import shutil
import subprocess
from collections import OrderedDict

from . import arches, deps, scenarios, session
from .util import LOGS, HestiaError, info, rel

# Profile name (its BENCH name; the profile point is the name with '_' for
# '-') -> what the profiled operation is.
PROFILES = {
    "null-hypercall": "one hc_version(VERSION_abi) from dom0",
    "pvmmu-map-unmap": "one mmu_map + mmu_unmap of a page in dom0's kernel space",
    "grant-map-unmap": "one gnttab_map + gnttab_unmap of a page the peer domain grants",
    "evtchn-roundtrip": "dom0 sends an event, the peer echoes it, dom0's thread wakes",
    "domain-switch": "one SCHEDOP_yield: dom0 to the peer and back (two switches; the "
                     "timed loop's figure is per switch and includes a getinfo per yield)",
    "process": "one unit of the process workload (ports/common/workloads.c): as_create, "
               "a batch of 32 maps, switch, touch 32 pages, switch back, as_destroy",
}
# The profile test (test_run), per profile it runs on every arch: how close
# the profiled run must come to the timed loop's per-iteration figure of the
# same boot, and the guest functions it must have gone through.  The null
# hypercall runs the same code as its loop.  An event round trip takes one
# of the loop's two paths (bench.c: the woken peer preempts the sender, or
# it queues and both sides block and idle, ~650 instructions dearer on
# x86_64), so its band is wider; it must have run both domains' event
# handlers (the peer's flag_handler, roles.c; dom0's handler, bench.c): a
# step that lets the machine run on (gdb's stepi over a ppc lwarx/stwcx.
# sequence) ran dom0's half of it unseen.
#
# A profiled round trip may also hold the scheduler's credit accounting,
# which runs at the first pick after each 30 ms period boundary (inlined in
# sched_pick: ~12000 instructions on x86) and which the timed loop spreads
# over thousands of round trips: where it fell in the profiled one depends
# on the layout of the images (seen on x86: 20798 profiled, 12458 of them
# in sched_pick, against a loop of 8066).  So a profile above the band
# still agrees if it does without the functions named third.
TESTED = {
    "null-hypercall": (0.05, (), ()),
    "evtchn-roundtrip": (0.25, ("flag_handler", "handler"), ("sched_pick",)),
}
AGREE_FRACTION = TESTED["null-hypercall"][0]
AGREE_MIN = 10
STEP_LIMIT = 200000
TIMEOUT = 900  # seconds: the boot to the profile point plus stepping (ia64sim, ppc slowest)
HERE = os.path.dirname(os.path.abspath(__file__))


def _gdb_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _parse_trace(text, guest):
    """(records [(pc, function, where)], ending) from profile_gdb.py's output;
    where is "guest" or "hv"."""
    records, ending = [], None
    for line in text.splitlines():
        if line.startswith("@@"):
            ending = line[2:]
            continue
        pc, _, sym = line.partition(" ")
        func = re.split(r" \+ \d+| in section ", sym)[0] if sym != "?" else f"?{pc}"
        where = "guest" if f" of {guest}" in sym else "hv"
        records.append((int(pc, 16), func, where))
    return records, ending


def summarize(records):
    """Per function: [(function, where, instructions, first position)], in the
    order the operation first reached them."""
    seen = OrderedDict()
    for i, (_, func, where) in enumerate(records):
        key = (func, where)
        if key not in seen:
            seen[key] = [0, i]
        seen[key][0] += 1
    return [(f, w, n, first) for (f, w), (n, first) in seen.items()]


def bench_figure(log, name):
    """The timed loop's figure for name in the boot's log (ns = instructions), or None."""
    try:
        with open(log, errors="replace") as f:
            m = re.search(rf"BENCH {re.escape(name)} (\d+) ns", f.read())
    except OSError:
        return None
    return int(m.group(1)) if m else None


def run(arch, name, limit=STEP_LIMIT, timeout=TIMEOUT):
    """Profile one operation on arch; a dict with the records and the figures.
    Raises HestiaError with the reason when it cannot."""
    if name not in PROFILES:
        raise HestiaError(f"no profile named '{name}' (known: {', '.join(PROFILES)})")
    gdb = shutil.which("gdb-multiarch")
    if not gdb:
        raise HestiaError("gdb-multiarch not found; run ./hestia setup")
    if scenarios.config(scenarios.load("bench"), arch) is None:
        raise HestiaError(f"{arch} does not claim the bench scenario")
    elf = arches.elf_path(arch)
    guest = arches.modules_paths(arch, [{"image": "ports/{arch}/hestia-guest"}])[0][0]
    os.makedirs(LOGS, exist_ok=True)
    out = os.path.join(LOGS, f"profile-{arch}-{name}.trace")
    if os.path.exists(out):
        os.unlink(out)
    proc, sock, log = session.start_debug(arch, "bench", tag=f"profile-{name}")
    # From here every way out (gdb's end, its timeout, an exception, Ctrl-C,
    # SIGTERM / SIGHUP: procs.catch_signals) goes through the finally below.
    try:
        argv = [gdb, "-q", "-nx", "-batch", elf]
        # gdb's own budget for stepping ends before the timeout below, so that
        # running out of time says where the stepping was.
        seconds = timeout - min(30, timeout // 10)
        for var, val in (("sock", sock), ("guest", guest), ("out", out), ("limit", str(limit)),
                         ("seconds", str(seconds)),
                         ("begin_sym", "bench_profile_" + name.replace("-", "_")),
                         ("start_sym", "bench_profile_start"), ("end_sym", "bench_profile_end")):
            argv += ["-ex", f"set ${var} = {_gdb_string(val)}"]
        argv += ["-x", os.path.join(HERE, "profile_gdb.py")]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        gdb_out = r.stdout + r.stderr
    except subprocess.TimeoutExpired:
        raise HestiaError(f"profile {name} on {arch}: no result in {timeout} s "
                          f"(boot log {rel(log)})")
    finally:
        session.stop_debug(proc)
        if os.path.exists(sock):
            os.unlink(sock)
    if not os.path.exists(out):
        raise HestiaError(f"profile {name} on {arch}: gdb wrote no trace: "
                          f"{gdb_out.strip()[-300:]!r} (boot log {rel(log)})")
    with open(out) as f:
        records, ending = _parse_trace(f.read(), guest)
    if ending != "end reached":
        raise HestiaError(f"profile {name} on {arch}: {ending or 'trace cut short'} "
                          f"(trace {rel(out)}, boot log {rel(log)})")
    return {"arch": arch, "name": name, "records": records, "trace": out, "log": log,
            "bench": bench_figure(log, name)}


def print_profile(p):
    rows = summarize(p["records"])
    total = len(p["records"])
    hv = sum(n for _, w, n, _ in rows if w == "hv")
    print(f"\nprofile {p['name']} on {p['arch']}: {total} instructions "
          f"({hv} in the hypervisor, {total - hv} in the guest)")
    print(f"  {PROFILES[p['name']]}")
    if p["bench"] is not None:
        print(f"  the timed loop in the same boot: {p['bench']} instructions per iteration")
    print(f"\n  {'instr':>6} {'%':>5}  {'where':5}  function (in the order first reached)")
    for func, where, n, _ in rows:
        print(f"  {n:6} {100.0 * n / total:5.1f}  {where:5}  {func}")
    print(f"\n  trace: {rel(p['trace'])} (one line per instruction)")
    print(f"BENCH profile.{p['name']} {total} instructions")


def main(arch, name):
    deps.ensure([arch])
    session._prepare(arch)
    info(f"profile: booting the bench scenario on {arch} under its gdb stub, "
         f"then single-stepping {name} (a minute or more)")
    print_profile(run(arch, name))
    return 0


def check(p, fraction=AGREE_FRACTION, through=(), may_grow=()):
    """None when a profile is believable, else why not: it reached its end,
    went through the hypervisor and the guest (and the guest functions
    `through` names), and agrees with the timed loop within fraction, or,
    above it, once the hypervisor functions `may_grow` names are left out."""
    total = len(p["records"])
    wheres = {w for _, _, w in p["records"]}
    if wheres != {"hv", "guest"}:
        return f"{total} instructions, only in {', '.join(sorted(wheres)) or 'nothing'}"
    seen = {f for _, f, w in p["records"] if w == "guest"}
    missing = [f for f in through if f not in seen]
    if missing:
        return (f"{total} instructions, but the guest's {', '.join(missing)} never ran in "
                f"them: the operation was not stepped through whole")
    if p["bench"] is None:
        return f"{total} instructions, but the boot printed no BENCH {p['name']} figure"
    band = max(AGREE_MIN, fraction * p["bench"])
    grown = sum(1 for _, f, w in p["records"] if w == "hv" and f in may_grow)
    if total < p["bench"] - band or (total > p["bench"] + band and
                                     total - grown > p["bench"] + band):
        return (f"{total} instructions profiled, the timed loop {p['bench']} per iteration "
                f"(more than {fraction:.0%} apart"
                + (f", {total - grown} without {', '.join(may_grow)})" if may_grow else ")"))
    return None


def test_run(counts, arch_list, names=tuple(TESTED)):
    """TEST lines per arch (unit.Counts), each profile of names against the
    timed loop of the same boot: profile.<arch> for the null hypercall,
    profile.<arch>.<name> for the others."""
    for arch in arch_list:
        for name in names:
            test = f"profile.{arch}" if name == "null-hypercall" else f"profile.{arch}.{name}"
            try:
                p = run(arch, name)
                why = check(p, *TESTED[name])
                hv = sum(1 for _, _, w in p["records"] if w == "hv")
                verdict, detail = ("FAIL", why) if why else (
                    "PASS", f"{name}: {len(p['records'])} instructions ({hv} hypervisor), "
                    f"timed loop {p['bench']}")
            except HestiaError as e:
                verdict, detail = "FAIL", str(e)
            print(f"TEST {test} {verdict} {detail}", flush=True)
            counts.add(test, verdict, detail)
