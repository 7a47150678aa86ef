# SPDX-License-Identifier: MIT
"""The C formatting check: every tracked .c/.h file is as the repository's
.clang-format says (`clang-format --dry-run --Werror`).  `./hestia test`
runs it with the unit tests (TEST style.clang-format); `./hestia format`
rewrites the files in place.

The version is pinned by the platform: Debian 12's clang-format 14, which
`deps.ensure_packages(STYLE_PACKAGES)` installs.  Another version may
format differently, so the check says SKIP, with the version it found,
rather than fail on a formatter we do not support.
"""
import os
import re
import shutil
import subprocess

from . import deps
from .util import ROOT, HestiaError, info

STYLE_PACKAGES = ["clang-format"]
SUPPORTED_MAJOR = 14
# Generated or foreign text that is not ours to format.
EXCLUDE = ("build/",)


def c_files():
    """The tracked C sources and headers (git ls-files), or those on disk
    when this is not a git checkout."""
    try:
        out = subprocess.run(["git", "ls-files", "*.c", "*.h"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        out = []
        for d, _, files in os.walk(ROOT):
            for f in files:
                if f.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(d, f), ROOT))
    return sorted(f for f in out if not f.startswith(EXCLUDE))


def _clang_format():
    """(path, major version) of clang-format, or (None, reason)."""
    exe = shutil.which("clang-format")
    if not exe:
        return None, "clang-format not installed (./hestia setup installs it)"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"version (\d+)\.", out)
    if not m:
        return None, f"cannot read clang-format's version from {out.strip()!r}"
    return exe, int(m.group(1))


def unformatted(exe, files):
    """Files clang-format would change."""
    bad = []
    for i in range(0, len(files), 64):
        chunk = files[i:i + 64]
        r = subprocess.run([exe, "--dry-run", "--Werror"] + chunk, cwd=ROOT,
                           capture_output=True, text=True)
        if r.returncode:
            bad += sorted({ln.split(":")[0] for ln in r.stderr.splitlines()
                           if ": error:" in ln})
    return bad


def check(counts):
    """TEST style.clang-format: PASS, FAIL naming the files, or SKIP with why."""
    deps.ensure_packages(STYLE_PACKAGES, quiet=True)
    exe, ver = _clang_format()
    if exe is None:
        counts.add("style.clang-format", "SKIP", ver)
        return
    if ver != SUPPORTED_MAJOR:
        counts.add("style.clang-format", "SKIP",
                   f"clang-format {ver}, the style is pinned to {SUPPORTED_MAJOR} (Debian 12)")
        return
    files = c_files()
    bad = unformatted(exe, files)
    if bad:
        shown = ", ".join(bad[:8]) + (f" and {len(bad) - 8} more" if len(bad) > 8 else "")
        counts.add("style.clang-format", "FAIL",
                   f"{len(bad)} of {len(files)} files differ from .clang-format: {shown} "
                   "(./hestia format fixes them)")
        print(f"TEST style.clang-format FAIL {len(bad)} files (./hestia format)", flush=True)
    else:
        counts.add("style.clang-format", "PASS", f"{len(files)} files")


def format_tree():
    """`./hestia format`: rewrite every tracked C file in place."""
    deps.ensure_packages(STYLE_PACKAGES, quiet=True)
    exe, ver = _clang_format()
    if exe is None:
        raise HestiaError(ver)
    if ver != SUPPORTED_MAJOR:
        raise HestiaError(f"clang-format {ver} found; the style is pinned to "
                          f"{SUPPORTED_MAJOR} (Debian 12), other versions format differently")
    files = c_files()
    bad = unformatted(exe, files)
    if bad:
        subprocess.run([exe, "-i"] + bad, cwd=ROOT, check=True)
    info(f"format: {len(bad)} of {len(files)} files rewritten")
    return 0
