# SPDX-License-Identifier: MIT
"""Scenario definitions: tests/scenarios/<name>.json.

A scenario is data, the same name on every arch:
  name         must equal the file name
  description  one line
  timeout      seconds (hard limit for one boot), default 30
  cmdline      hypervisor command line
  modules      [{"image": "ports/{arch}/dom0.elf", "cmdline": "dom0"}], paths
               relative to build/<arch>/ ({arch} is substituted)
  expect       TESTs that must report PASS, each named with the source that
               must print it: "hv:<test>" (the hypervisor's own line) or
               "d<N>:<test>" (domain N, e.g. "d0:smoke.dom0-up",
               "d2:iso.grants"); a name without its source is refused.
               Besides: the hypervisor's `HESTIA DONE <p> 0` matching the
               TEST lines of dom0 and the hypervisor, no FAIL line from any
               source, the pass exit code (runner.py)
  must_fail    a negative control: the cell passes only when the boot is
               judged FAIL with this text in the runner's reason, and fails
               (failing the run) when it passes or fails for another reason
  arches       {"<arch>": {overrides}} for every arch that claims the scenario;
               an arch missing here is shown as SKIP with `unclaimed`.
               Overrides: any key above plus variants (["kernel", "uboot"] on
               ppc), cpus (QEMU -smp N; with it realtime runs use MTTCG, the
               -icount rows QEMU's deterministic round-robin), realtime_variants (boot variants besides the default that
               also get a realtime row for this scenario), qemu_args, cpu, memory, sim_args (ia64sim options; "{disk}"
               in one, or in qemu_args, becomes a fresh 1 MiB zero-filled image
               for that boot, removed when ./hestia exits; with boots: one image
               of disk_mib MiB for the whole sequence), boots, disk_mib.
  unclaimed    the SKIP reason for arches that do not claim it
  deterministic  true: QEMU runs with -icount shift=0,sleep=off in the test
               matrix (guest time counts instructions; timer tests cannot
               flake with the host's load); ./hestia bench always does
  icount       QEMU's -icount suboptions for the icount row when they are not
               deterministic's "shift=0,sleep=off": "shift=0,sleep=on" (guest
               time is the instruction count while the CPU runs, host time while
               it idles) for a scenario whose machines talk to a host-time peer
               (another emulator): not repeatable, so "deterministic" stays
               false; the realtime row drops it
  boots        sequential boots sharing one scratch disk image ("{disk}" in
               qemu_args / sim_args), each a {name, modules, cmdline, expect,
               timeout, host_check} over the scenario's settings; a host_check
               (hostcheck.py) examines the image after its boot (sequence.py)
  disk_mib     size of that image in MiB (default 8)
  cpus         physical CPUs of the emulated machine, 1..CPUS_MAX (default: the
               emulator's own, one): QEMU gets -smp N; ia64sim nothing yet
  run          overrides used by `./hestia run` only (an interactive variant:
               e.g. the demo keeps its prompt instead of powering off)
"""
import json
import os
import re

from .util import ARCHES, ROOT, HestiaError

SCENARIO_DIR = os.path.join(ROOT, "tests", "scenarios")
KEYS = {"name", "description", "timeout", "cmdline", "modules", "expect", "arches",
        "unclaimed", "run", "deterministic", "must_fail", "boots", "disk_mib",
        "host_driver", "machines", "icount", "crc_match",
        "pause_stamps", "cpus"}
OVERRIDES = {"timeout", "cmdline", "modules", "expect", "variants", "qemu_args", "cpu",
             "memory", "sim_args", "deterministic", "must_fail", "boots", "disk_mib",
             "icount", "realtime_variants", "cpus"}
CPUS_MAX = 8  # physical CPUs a scenario may ask the emulator for
# "hv:<test>" or "d<N>:<test>": every expectation names the source that must print it.
# "host:<test>": a check the runner itself made while the boot ran (multi.py).
EXPECT_RE = re.compile(r"^(?:hv|host|d(?:0|[1-9][0-9]*)):[^\s:]+$")
ICOUNT_RE = re.compile(r"^[a-z]+=[a-z0-9]+(?:,[a-z]+=[a-z0-9]+)*$")


# The matrix's column order: from the first boot to the full demo, then the
# negative controls (cells that pass only when the boot is judged FAIL).
ORDER = ["boot", "hal-conformance", "smoke", "pv-selftest", "multi-domain", "vcpu-state",
         "isolation", "bench", "disk", "nic", "net", "link", "save", "save-restore", "logdirty", "migrate", "migrate-fault", "density", "smp", "hvm-basic", "hvm-linux", "hvm-isolation", "hvm-bench", "demo", "archtest", "neg-boot", "neg-fail", "neg-crash", "neg-forge"]


def names():
    if not os.path.isdir(SCENARIO_DIR):
        return []
    found = [f[:-5] for f in os.listdir(SCENARIO_DIR) if f.endswith(".json")]
    return sorted(found, key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))


def load(name):
    path = os.path.join(SCENARIO_DIR, f"{name}.json")
    if not os.path.exists(path):
        raise HestiaError(f"unknown scenario '{name}' (known: {', '.join(names())})")
    try:
        with open(path) as f:
            s = json.load(f)
    except ValueError as e:
        raise HestiaError(f"{path}: invalid JSON: {e}") from None
    bad = set(s) - KEYS
    if bad or s.get("name") != name:
        raise HestiaError(f"{path}: unknown keys {sorted(bad)} or name != '{name}'")
    for arch, ov in s.get("arches", {}).items():
        if arch not in ARCHES:
            raise HestiaError(f"{path}: unknown arch '{arch}' (known: {', '.join(ARCHES)})")
        if set(ov) - OVERRIDES:
            raise HestiaError(f"{path}: arches.{arch}: unknown keys {sorted(set(ov) - OVERRIDES)}")
    for where, exp in [("expect", s.get("expect", []))] + [
            (f"arches.{a}.expect", ov["expect"]) for a, ov in s.get("arches", {}).items()
            if "expect" in ov]:
        if not isinstance(exp, list):
            raise HestiaError(f"{path}: {where} must be a list of \"<source>:<test>\" strings")
        for e in exp:
            if not isinstance(e, str) or not EXPECT_RE.match(e):
                raise HestiaError(f"{path}: {where}: bad entry {e!r}: write \"hv:<test>\" for the "
                                  "hypervisor's own line or \"d<N>:<test>\" for domain N "
                                  "(e.g. \"d0:smoke.dom0-up\")")
    for where, boots in [("", s.get("boots"))] + [(a, ov.get("boots"))
                                                  for a, ov in s.get("arches", {}).items()]:
        if boots is not None:
            from . import sequence
            err = sequence.check_boots(f"{path}{' arches.' + where if where else ''}", boots)
            if err:
                raise HestiaError(err)
    must = [("must_fail", s["must_fail"])] if "must_fail" in s else []
    must += [(f"arches.{a}.must_fail", ov["must_fail"]) for a, ov in s.get("arches", {}).items()
             if "must_fail" in ov]
    for where, mf in must:
        if not isinstance(mf, str) or not mf.strip():
            raise HestiaError(f"{path}: {where} must be a non-empty piece of the runner's failure "
                              "reason, e.g. \"TEST FAIL: d0:neg.forced-fail\"")
    for where, ic in [("icount", s.get("icount"))] + [
            (f"arches.{a}.icount", ov.get("icount")) for a, ov in s.get("arches", {}).items()]:
        if ic is not None and (not isinstance(ic, str) or not ICOUNT_RE.match(ic)):
            raise HestiaError(f"{path}: {where} must be QEMU -icount suboptions, e.g. "
                              "\"shift=0,sleep=on\"")
    for where, n in [("cpus", s.get("cpus"))] + [
            (f"arches.{a}.cpus", ov.get("cpus")) for a, ov in s.get("arches", {}).items()]:
        if n is not None and (type(n) is not int or not 1 <= n <= CPUS_MAX):
            raise HestiaError(f"{path}: {where} must be a whole number of CPUs, 1..{CPUS_MAX}")
    for m in s.get("modules", []) + [m for ov in s.get("arches", {}).values()
                                     for m in ov.get("modules", [])]:
        if "image" not in m or "," in m.get("cmdline", ""):
            raise HestiaError(f"{path}: a module needs an image, and its cmdline no comma "
                              "(QEMU's -initrd separates modules with commas)")
    return s


def config(s, arch, interactive=False):
    """Settings for arch (scenario defaults + the arch's overrides, + the `run`
    overrides when interactive), or None if unclaimed."""
    ov = s.get("arches", {}).get(arch)
    if ov is None:
        return None
    cfg = {k: s[k] for k in ("timeout", "cmdline", "modules", "expect", "deterministic",
                             "must_fail", "boots", "disk_mib", "host_driver",
                             "machines", "icount", "crc_match", "pause_stamps", "cpus") if k in s}
    if interactive:
        cfg.update(s.get("run", {}))
    cfg.update(ov)
    cfg.setdefault("timeout", 30)
    return cfg


def unclaimed_reason(s, arch):
    return s.get("unclaimed") or f"not claimed by {arch} yet"
