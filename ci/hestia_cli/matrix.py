# SPDX-License-Identifier: MIT
"""`./hestia test`: host unit tests, then the boot matrix arch x scenario."""

from . import arches, build, deps, fuzz, runner, scenarios, selftest, unit
from .util import ARCHES, HestiaError, info, rel


def row_label(arch, variant):
    return arch if variant == arches.variants(arch)[0] else f"{arch}/{variant}"


def plan(arch_list, scen_list):
    """Rows of (arch, variant) and, per row and scenario, the cfg or a SKIP reason."""
    rows, cells = [], {}
    loaded = [scenarios.load(s) for s in scen_list]
    for arch in arch_list:
        # Every variant any claiming scenario asks for becomes a row.
        vs = []
        for s in loaded:
            cfg = scenarios.config(s, arch)
            for v in (cfg or {}).get("variants", arches.variants(arch)[:1]):
                if v not in arches.variants(arch):
                    raise HestiaError(f"scenario {s['name']}: {arch} has no variant '{v}'")
                if v not in vs:
                    vs.append(v)
        for v in vs or arches.variants(arch)[:1]:
            rows.append((arch, v))
            for s in loaded:
                cfg = scenarios.config(s, arch)
                used = cfg.get("variants", arches.variants(arch)[:1]) if cfg else []
                if v != arches.variants(arch)[0] and v not in used:
                    cells[(arch, v, s["name"])] = None  # not a cell of this row: "-"
                elif cfg is None:
                    cells[(arch, v, s["name"])] = scenarios.unclaimed_reason(s, arch)
                else:
                    cells[(arch, v, s["name"])] = cfg
    return rows, cells


def print_matrix(rows, scen_list, results):
    w0 = max([len("arch")] + [len(row_label(a, v)) for a, v in rows])
    ws = [max(len(s), 4) for s in scen_list]
    print("\n" + "  ".join(["arch".ljust(w0)] + [s.ljust(w) for s, w in zip(scen_list, ws)]))
    for a, v in rows:
        cells = [(results[(a, v, s)].verdict if (a, v, s) in results else "-").ljust(w)
                 for s, w in zip(scen_list, ws)]
        print("  ".join([row_label(a, v).ljust(w0)] + cells))
    print()
    skips = {}
    for a, v in rows:
        for s in scen_list:
            r = results.get((a, v, s))
            if r is None:
                continue
            if r.verdict == "FAIL":
                where = f" (log {rel(r.log)})" if r.log else ""
                print(f"  FAIL {row_label(a, v)} {s}: {r.reason}{where}")
            elif r.verdict == "SKIP":
                skips.setdefault(r.reason, []).append(f"{row_label(a, v)}:{s}")
    for reason, where in skips.items():
        shown = ", ".join(where[:6]) + (f" and {len(where) - 6} more" if len(where) > 6 else "")
        print(f"  SKIP {shown}: {reason}")


def run_unit(counts, targets_errors):
    """Runner self-tests, then the host test programs."""
    info("test: runner self-tests")
    selftest.run(counts)
    err = targets_errors.get("host")
    if err:
        counts.add("host-build", "FAIL", err.split("\n")[0])
        return
    info("test: host unit tests (meson test -C build/host)")
    log = unit.run_meson_tests(build.build_dir("host"), counts)
    info(f"test: unit log {rel(log)}")


def test(arch, scenario, unit_only):
    deps.ensure()
    counts = unit.Counts()
    do_unit = unit_only or (arch is None and scenario is None)
    arch_list = [] if unit_only else ([arch] if arch else list(ARCHES))
    scen_list = [] if unit_only else ([scenario] if scenario else scenarios.names())
    if scenario:
        scenarios.load(scenario)  # unknown scenario: error before building anything
    rows, cells = plan(arch_list, scen_list)
    # Build only what will run: host for unit tests and ia64sim, archs with a claimed cell.
    need = []
    if do_unit or "ia64" in arch_list:
        need.append("host")
    need += [a for a in arch_list if any(isinstance(cells[(a, v, s)], dict)
                                         for (aa, v) in rows if aa == a for s in scen_list)]
    errors = build.build_many(need)
    if not do_unit and not unit_only:
        info("test: host unit tests not run (--arch/--scenario given; ./hestia test --unit)")
    if do_unit:
        run_unit(counts, errors)
        for name, detail in counts.failures[:30]:
            print(f"  FAIL {name} {detail}")
        if len(counts.failures) > 30:
            print(f"  ... and {len(counts.failures) - 30} more failures (build/logs/unit.log)")
        info(f"test: host tests: {counts.passed} passed, {counts.failed} failed, "
             f"{counts.skipped} skipped")
    if do_unit and not unit_only:
        fuzz.run_bounded(counts)  # full run: every libFuzzer harness, bounded (fuzz.py)
    results = {}
    for a, v in rows:
        for s in scen_list:
            cell = cells[(a, v, s)]
            if cell is None:
                continue
            if not isinstance(cell, dict):
                r = runner.Result("SKIP", cell)
            elif errors.get(a):
                r = runner.Result("FAIL", f"build failed (see build/logs/build-{a}.log)")
            elif a == "ia64" and errors.get("host"):
                r = runner.Result("FAIL", "host build failed, no ia64sim "
                                  "(see build/logs/build-host.log)")
            else:
                r = runner.run(a, s, v, cell)
                info(f"test: {row_label(a, v)} {s}: {r.verdict} ({r.reason})")
            results[(a, v, s)] = r
            counts.add(f"{row_label(a, v)}:{s}", r.verdict, r.reason)
    if rows and scen_list:
        print_matrix(rows, scen_list, results)
    line = f"{counts.passed} passed, {counts.failed} failed"
    if counts.skipped:
        line += f", {counts.skipped} skipped"
    print(line, flush=True)
    return 1 if counts.failed else 0
