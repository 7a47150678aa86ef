#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Typed addresses must stay typed: compile each file here with the host C
compiler and the project's include paths.  addr_ok.c must compile (the
control); every other file must fail with a type error, because it passes
one kind of address where another is expected.

usage: check.py SOURCE_ROOT CC [CC ARGS...]
Prints one TEST line per file, exits 1 if any is wrong."""
import os
import subprocess
import sys


def main():
    root, cc = sys.argv[1], sys.argv[2:]
    here = os.path.join(root, "tests", "unit", "compile_fail")
    inc = ["-I" + os.path.join(root, d) for d in ("include/public", "hal/include", "core/include")]
    failed = 0
    for name in sorted(f for f in os.listdir(here) if f.endswith(".c")):
        argv = cc + ["-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only"] + inc + \
            [os.path.join(here, name)]
        r = subprocess.run(argv, capture_output=True, text=True)
        want_ok = name == "addr_ok.c"
        err = r.stderr.strip().splitlines()
        first = next((l for l in err if "error" in l), err[0] if err else "")
        if want_ok:
            ok = r.returncode == 0
            detail = "compiles" if ok else "control does not compile: " + first
        else:
            # A type error, not some other failure (a missing header would also fail).
            ok = r.returncode != 0 and "incompatible type" in r.stderr
            detail = ("rejected: " + first.split("error: ", 1)[-1]) if ok else \
                ("compiled" if r.returncode == 0 else "failed for another reason: " + first)
        print(f"TEST addr_types.{name[:-2]} {'PASS' if ok else 'FAIL'} {detail}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
