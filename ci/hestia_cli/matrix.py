# SPDX-License-Identifier: MIT
"""`./hestia test`: host unit tests, then the boot matrix arch x scenario.

The matrix has two modes.  icount rows are deterministic: QEMU runs with
-icount (scenario "deterministic"), every boot variant of an arch is a row.
realtime rows run the default boot variant (and those a scenario names in
realtime_variants) without -icount (guest time
follows the host) and with the word `realtime` on the hypervisor's command
line, which it hands to the guests so their timer bounds widen; races that
-icount hides show up there, so those cells are repeated.

Plain `./hestia test` (what CI runs) = unit tests + every icount row +
every scenario once in realtime mode on every arch + multi-domain
REALTIME_REPEATS times in realtime mode.  `--full` repeats more (FULL_REPEATS).
"""
import concurrent.futures
import os
import time

from . import (arches, build, deps, fuzz, gdbtest, medians, procs, profile, runner,
               scenarios, selftest, unit)
from .util import ARCHES, LOGS, FileLock, HestiaError, info, rel

# Realtime repeats of plain ./hestia test: the scenarios most likely to race.
REALTIME_REPEATS = {"multi-domain": 5}
# --full: soaks (realtime mode), default 3 for the scenarios not named.
FULL_REPEATS = {"multi-domain": 20, "isolation": 5, "pv-selftest": 5}
# Issue 15: save / restore and migration figures as medians of 5 realtime runs.
FULL_REPEATS.update({"save-restore": 5, "migrate": 5, "migrate-fault": 5})
FULL_DEFAULT_REPEATS = 3
# Realtime cells get this much more time: a loaded 2-core host runs the
# guest slower than -icount's fixed 1 ns per instruction.
REALTIME_TIMEOUT_FACTOR = 2
MODES = ("icount", "realtime")


def row_label(arch, variant, mode="icount"):
    label = arch if variant == arches.variants(arch)[0] else f"{arch}/{variant}"
    return label + (" realtime" if mode == "realtime" else "")


class Cell:
    """One (arch, variant, mode, scenario) position of the matrix: its cfg (a
    dict), or None (not a cell of this row), or a SKIP reason (a string)."""

    def __init__(self, arch, variant, mode, scenario, cfg, repeats=1):
        self.arch, self.variant, self.mode, self.scenario = arch, variant, mode, scenario
        self.cfg, self.repeats = cfg, repeats
        self.results = []  # one runner.Result per repeat

    @property
    def runnable(self):
        return isinstance(self.cfg, dict)

    def log_label(self, rep):
        """The scenario part of the log's name: distinct per mode and repeat, so
        parallel boots never share a log file."""
        label = self.scenario + ("-realtime" if self.mode == "realtime" else "")
        return label + (f"-r{rep + 1}" if self.repeats > 1 else "")

    def name(self, rep):
        n = f"{row_label(self.arch, self.variant, self.mode)} {self.scenario}"
        return n + (f" #{rep + 1}" if self.repeats > 1 else "")


def _realtime_cfg(cfg):
    rt = dict(cfg)
    rt["deterministic"] = False
    rt.pop("icount", None)
    rt["cmdline"] = (cfg.get("cmdline", "") + " realtime").strip()
    rt["timeout"] = cfg.get("timeout", 30) * REALTIME_TIMEOUT_FACTOR
    return rt


def _repeats(mode, scenario, repeat, full):
    if repeat:
        return repeat
    if mode == "realtime" and full:
        return FULL_REPEATS.get(scenario, FULL_DEFAULT_REPEATS)
    if mode == "realtime":
        return REALTIME_REPEATS.get(scenario, 1)
    return 1


def plan(arch_list, scen_list, modes=MODES, variant=None, repeat=None, full=False):
    """Rows of (arch, variant, mode) and their cells {(arch, variant, mode, scenario): Cell}."""
    rows, cells = [], {}
    loaded = [scenarios.load(s) for s in scen_list]
    for arch in arch_list:
        default = arches.variants(arch)[0]
        if variant and variant not in arches.variants(arch):
            raise HestiaError(f"{arch} has no boot variant '{variant}' "
                              f"(known: {', '.join(arches.variants(arch))})")
        # Every variant any claiming scenario asks for becomes an icount row.
        vs = []
        for s in loaded:
            cfg = scenarios.config(s, arch)
            for v in (cfg or {}).get("variants", [default]):
                if v not in arches.variants(arch):
                    raise HestiaError(f"scenario {s['name']}: {arch} has no variant '{v}'")
                if v not in vs:
                    vs.append(v)
        vs = vs or [default]
        # Realtime rows: the default boot path, and the others a scenario
        # names in realtime_variants (or the one asked for).
        rt_vs = [default]
        for s in loaded:
            for v in (scenarios.config(s, arch) or {}).get("realtime_variants", []):
                if v not in arches.variants(arch):
                    raise HestiaError(f"scenario {s['name']}: {arch} has no variant '{v}'")
                if v not in rt_vs:
                    rt_vs.append(v)
        for mode in modes:
            row_vs = vs if mode == "icount" else rt_vs
            if variant:
                row_vs = [variant]
            for v in row_vs:
                rows.append((arch, v, mode))
                for s in loaded:
                    cfg = scenarios.config(s, arch)
                    if not cfg:
                        used = []
                    elif mode == "icount":
                        used = cfg.get("variants", [default])
                    else:
                        used = [default] + cfg.get("realtime_variants", [])
                    if v != default and v not in used:
                        c = None  # not a cell of this row: "-"
                    elif cfg is None:
                        c = scenarios.unclaimed_reason(s, arch)
                    else:
                        c = dict(cfg)
                        c["timeout"] = c.get("timeout", 30) + arches.boot_overhead(v)
                        if mode == "realtime":
                            c = _realtime_cfg(c)
                    cells[(arch, v, mode, s["name"])] = Cell(
                        arch, v, mode, s["name"], c, _repeats(mode, s["name"], repeat, full))
    return rows, cells


def _cell_text(cell):
    rs = cell.results
    if not rs:
        return "-"
    if len(rs) == 1:
        return rs[0].verdict
    if all(r.verdict == "SKIP" for r in rs):
        return "SKIP"
    ok = sum(r.verdict == "PASS" for r in rs)
    return f"{'PASS' if ok == len(rs) else 'FAIL'} {ok}/{len(rs)}"


def print_matrix(rows, scen_list, cells):
    labels = [row_label(a, v, m) for a, v, m in rows]
    w0 = max([len("arch")] + [len(x) for x in labels])
    texts = {k: _cell_text(c) for k, c in cells.items()}
    ws = [max([len(s), 4] + [len(texts.get((a, v, m, s), "-")) for a, v, m in rows])
          for s in scen_list]
    print("\n" + "  ".join(["arch".ljust(w0)] + [s.ljust(w) for s, w in zip(scen_list, ws)]))
    for (a, v, m), label in zip(rows, labels):
        out = [texts.get((a, v, m, s), "-").ljust(w) for s, w in zip(scen_list, ws)]
        print("  ".join([label.ljust(w0)] + out).rstrip())
    print()
    skips = {}
    for a, v, m in rows:
        for s in scen_list:
            c = cells.get((a, v, m, s))
            for rep, r in enumerate(c.results if c else []):
                if r.verdict == "FAIL":
                    where = f" (log {rel(r.log)})" if r.log else ""
                    print(f"  FAIL {c.name(rep)}: {r.reason}{where}")
                elif r.verdict == "SKIP" and rep == 0:
                    skips.setdefault(r.reason, []).append(f"{row_label(a, v, m)}:{s}")
    for reason, where in skips.items():
        shown = ", ".join(where[:6]) + (f" and {len(where) - 6} more" if len(where) > 6 else "")
        print(f"  SKIP {shown}: {reason}")


def run_unit(counts, targets_errors):
    """Runner self-tests, the front door's own tests, then the host test programs."""
    info("test: runner self-tests")
    counts.suite = "runner-selftest"
    selftest.run(counts)
    info("test: front-door self-tests")
    from . import frontdoor_tests
    counts.suite = "frontdoor"
    frontdoor_tests.run(counts)
    info("test: C formatting (clang-format --dry-run --Werror)")
    from . import style
    counts.suite = "style"
    style.check(counts)
    counts.suite = "unit"
    err = targets_errors.get("host")
    if err:
        counts.add("host-build", "FAIL", err.split("\n")[0])
        return
    info("test: host unit tests (meson test -C build/host)")
    log = unit.run_meson_tests(build.build_dir("host"), counts)
    info(f"test: unit log {rel(log)}")


def _guest_tests(result):
    """("<source>:<name>", status, detail) of every TEST line in a boot's log."""
    if not result.log or not os.path.exists(result.log):
        return []
    with open(result.log, errors="replace") as f:
        parsed = runner.parse(f.read())
    return [(f"{src}:{name}", status, detail) for src, name, status, detail in parsed["tests"]]


def _excerpt(result, lines=40):
    from .util import tail
    return tail(result.log, lines) if result.log else ""


def _boot(cell, rep, errors):
    """Run one repeat of one cell; never raises."""
    a = cell.arch
    if not cell.runnable:
        return runner.Result("SKIP", cell.cfg)
    if errors.get(a):
        return runner.Result("FAIL", f"build failed (see build/logs/build-{a}.log)")
    if a == "ia64" and errors.get("host"):
        return runner.Result("FAIL", "host build failed, no ia64sim "
                             "(see build/logs/build-host.log)")
    try:
        return runner.run(a, cell.log_label(rep), cell.variant, cell.cfg)
    except (HestiaError, OSError, ValueError) as e:
        return runner.Result("FAIL", str(e).split("\n")[0])


def run_cells(cells, errors, jobs):
    """Boot every runnable (cell, repeat), jobs at a time, with a progress line each."""
    work = [(c, rep) for c in cells for rep in range(c.repeats if c.runnable else 1)]
    # Longest first (by timeout), so a slow UEFI boot does not end the run alone.
    work.sort(key=lambda w: -(w[0].cfg.get("timeout", 30) if w[0].runnable else 0))
    slots = {id(c): [None] * (c.repeats if c.runnable else 1) for c in cells}
    total, started = len(work), time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(_boot, c, rep, errors): (c, rep) for c, rep in work}
        try:
            finished = concurrent.futures.as_completed(futures)
            _collect(finished, futures, slots, total, started)
        except KeyboardInterrupt:
            running = sum(f.running() for f in futures)
            for f in futures:
                f.cancel()
            info(f"test: interrupted; stopping the {running} running boots")
            procs.stop_all()  # their emulators now, not at each boot's timeout
            raise
    for c in cells:
        c.results = slots[id(c)]


def _collect(finished, futures, slots, total, started):
    """Store each finished boot's Result and print its progress line."""
    done = 0
    for fut in finished:
        c, rep = futures[fut]
        r = fut.result()
        slots[id(c)][rep] = r
        done += 1
        if r.verdict != "SKIP" or rep == 0:
            secs = f", {r.elapsed:.0f}s" if getattr(r, "elapsed", 0) else ""
            info(f"test: [{done:{len(str(total))}}/{total} {time.time() - started:4.0f}s] "
                 f"{c.name(rep)}: {r.verdict} ({r.reason}{secs})")


def test(arch=None, scenario=None, unit_only=False, variant=None, modes=MODES, repeat=None,
         full=False, jobs=None, junit=None):
    arch_list = [] if unit_only else ([arch] if arch else list(ARCHES))
    deps.ensure(arch_list)
    with FileLock(os.path.join(LOGS, ".test.lock"), "running tests in this tree"):
        return _test(arch_list, scenario, unit_only, variant, modes, repeat, full,
                     jobs or os.cpu_count() or 2, junit)


def _test(arch_list, scenario, unit_only, variant, modes, repeat, full, jobs, junit):
    counts = unit.Counts()
    # Unit tests belong to the whole run (plain or --full), not to a selection.
    do_unit = unit_only or (len(arch_list) == len(ARCHES) and scenario is None
                            and variant is None and tuple(modes) == MODES and not repeat)
    scen_list = [] if unit_only else ([scenario] if scenario else scenarios.names())
    if scenario:
        scenarios.load(scenario)  # unknown scenario: error before building anything
    rows, cells = plan(arch_list, scen_list, modes, variant, repeat, full)
    # Build only what will run: host for unit tests and ia64sim, arches with a cell to run.
    need = []
    if do_unit or "ia64" in arch_list:
        need.append("host")
    need += [a for a in arch_list
             if any(c.runnable for k, c in cells.items() if k[0] == a)]
    errors = build.build_many(need)
    if not do_unit:
        info("test: host unit tests not run (a selection was given; ./hestia test --unit)")
    if do_unit:
        run_unit(counts, errors)
        for name, detail in counts.failures[:30]:
            print(f"  FAIL {name} {detail}")
        if len(counts.failures) > 30:
            print(f"  ... and {len(counts.failures) - 30} more failures (build/logs/unit.log)")
        info(f"test: host tests: {counts.passed} passed, {counts.failed} failed, "
             f"{counts.skipped} skipped")
    if do_unit and not unit_only:
        counts.suite = "fuzz"
        fuzz.run_bounded(counts)  # full run: every libFuzzer harness, bounded (fuzz.py)
    ordered = [cells[(a, v, m, s)] for a, v, m in rows for s in scen_list
               if cells[(a, v, m, s)].cfg is not None]
    nboots = sum(c.repeats for c in ordered if c.runnable)
    if ordered:
        info(f"test: {nboots} boots in {len(rows)} rows, {jobs} at a time")
    run_cells(ordered, errors, jobs)
    for c in ordered:
        for rep, r in enumerate(c.results):
            counts.add(c.name(rep), r.verdict, r.reason, suite="matrix",
                       excerpt=_excerpt(r) if r.verdict == "FAIL" else "",
                       seconds=getattr(r, "elapsed", 0.0),
                       log=rel(r.log) if r.log else "")
            if isinstance(c.cfg, dict) and c.cfg.get("must_fail"):
                continue  # a negative control's FAIL lines are what it expects
            for tname, status, detail in _guest_tests(r):
                counts.add(tname, status, detail, suite=f"guest.{c.name(rep)}")
    if rows and scen_list:
        print_matrix(rows, scen_list, cells)
    for line in medians.lines(ordered):  # repeated cells: each figure's median
        print(line)
    if arch_list and not scenario:
        gdbtest.run(counts, arch_list)  # TEST gdb.<arch>: gdb-multiarch against each arch's stub
        profile.test_run(counts, arch_list)  # TEST profile.<arch>: bench --profile vs the loop
    if junit:
        unit.write_junit(counts, junit)
        info(f"test: JUnit XML in {junit}")
    line = f"{counts.passed} passed, {counts.failed} failed"
    if counts.skipped:
        line += f", {counts.skipped} skipped"
    print(line, flush=True)
    return 1 if counts.failed else 0
