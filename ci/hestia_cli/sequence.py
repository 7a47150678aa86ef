# SPDX-License-Identifier: MIT
"""Scenarios made of sequential boots sharing a scratch disk image.

A scenario with "boots" runs each entry in order on the same machine
configuration; "{disk}" in qemu_args or sim_args names one fresh image for
the whole sequence (disk_mib MiB of zeros, in build/disks/, removed
afterwards unless the sequence failed, so it can be inspected).  Each boot
is judged like any single boot (runner.run) with its own log
(build/logs/<arch>-<scenario>-<boot name>[-<variant>].log); after a boot
that passed, its "host_check" (hostcheck.CHECKS) examines the image file.
The sequence passes only if every boot and every host check passed; it
stops at the first failure.  For tests, HESTIA_DISK_TAMPER=<boot name>
flips one byte of the image after that boot's host check: the next boot
must then fail.

A boot entry takes: name (required), modules, cmdline, expect, timeout,
host_check.  Everything else comes from the scenario and the arch.
"""
import os
import tempfile

from . import hostcheck, runner
from .util import BUILD

BOOT_KEYS = {"name", "modules", "cmdline", "expect", "timeout", "host_check"}
DEFAULT_DISK_MIB = 8


def check_boots(path, boots):
    """Refuse a malformed "boots" list (scenarios.load); returns an error or None."""
    if not isinstance(boots, list) or not boots:
        return f"{path}: boots must be a non-empty list of boot entries"
    names = set()
    for b in boots:
        if not isinstance(b, dict) or "name" not in b or set(b) - BOOT_KEYS:
            return (f"{path}: a boot needs a name and takes only {sorted(BOOT_KEYS)}: {b!r}")
        if b["name"] in names:
            return f"{path}: two boots named {b['name']!r}"
        names.add(b["name"])
        if b.get("host_check") and b["host_check"] not in hostcheck.CHECKS:
            return (f"{path}: unknown host_check {b['host_check']!r} "
                    f"(known: {', '.join(sorted(hostcheck.CHECKS))})")
    return None


def make_disk(mib):
    d = os.path.join(BUILD, "disks")
    os.makedirs(d, exist_ok=True)
    fd, path = tempfile.mkstemp(prefix="disk-", suffix=".img", dir=d)
    os.ftruncate(fd, mib << 20)
    os.close(fd)
    return path


def _with_disk(args, disk):
    return [a.replace("{disk}", disk) for a in args]


def _tamper(disk):
    """Flip one byte in the middle of the image (a failing control)."""
    with open(disk, "r+b") as f:
        f.seek(os.path.getsize(disk) // 2 + 3)
        b = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([b[0] ^ 0xFF]))


def run(arch, scenario, variant, cfg, mode="capture"):
    disk = make_disk(int(cfg.get("disk_mib", DEFAULT_DISK_MIB)))
    results, notes = [], []
    ok = True
    try:
        for boot in cfg["boots"]:
            bcfg = {k: v for k, v in cfg.items() if k not in ("boots", "disk_mib")}
            bcfg.update({k: v for k, v in boot.items() if k not in ("name", "host_check")})
            for key in ("qemu_args", "sim_args"):
                if key in bcfg:
                    bcfg[key] = _with_disk(bcfg[key], disk)
            r = runner.run(arch, f"{scenario}-{boot['name']}", variant, bcfg, mode)
            results.append(r)
            if r.verdict == "SKIP":
                return r
            if r.verdict != "PASS":
                ok = False
                notes.append(f"boot {boot['name']}: {r.reason}")
                break
            notes.append(f"boot {boot['name']} passed")
            if boot.get("host_check"):
                good, text = hostcheck.CHECKS[boot["host_check"]](disk)
                notes.append(f"host check {boot['host_check']}: {text}")
                if not good:
                    ok = False
                    break
            if os.environ.get("HESTIA_DISK_TAMPER") == boot["name"]:
                _tamper(disk)
                notes.append("image tampered with (HESTIA_DISK_TAMPER)")
    finally:
        if ok or (results and results[-1].verdict == "SKIP"):
            os.remove(disk)
        else:
            notes.append(f"image kept: {os.path.relpath(disk)}")
    last = results[-1] if results else None
    bench = [b for r in results for b in r.bench]
    verdict = "PASS" if ok else ("SKIP" if last and last.verdict == "SKIP" else "FAIL")
    return runner.Result(verdict, "; ".join(notes), last.log if last else None, bench,
                         sum(r.elapsed for r in results), last.rc if last else None)
