# SPDX-License-Identifier: MIT
"""Medians of the BENCH figures of a repeated cell.

A cell booted more than once (`--full` repeats save-restore, migrate and
migrate-fault five times in realtime mode, `--repeat N` any cell) has one
list of BENCH figures per boot; one run of a realtime figure on a loaded
host says little, so the runner prints, per figure, the median over the
boots that reported it:

    BENCH median <arch>/<variant>/<mode> <scenario> <name> <value> <unit> (<n> runs: <min>..<max>)
"""
import statistics


def lines(cells):
    """The median lines of every cell with more than one result."""
    out = []
    for c in cells:
        runs = [r for r in c.results if r is not None and getattr(r, "bench", None)]
        if len(runs) < 2:
            continue
        values, units = {}, {}
        for r in runs:
            for name, value, unit in r.bench:
                values.setdefault(name, []).append(float(value))
                units[name] = unit
        label = f"{c.arch}/{c.variant}/{c.mode} {c.scenario}"
        for name in sorted(values):
            v = values[name]
            out.append(f"BENCH median {label} {name} {_fmt(statistics.median(v))} {units[name]}"
                       f" ({len(v)} runs: {_fmt(min(v))}..{_fmt(max(v))})")
    return out


def _fmt(x):
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"
