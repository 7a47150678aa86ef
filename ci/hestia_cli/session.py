# SPDX-License-Identifier: MIT
"""`./hestia run`, `debug` and `bench`."""
import copy
import json
import os
import secrets
import shlex
import socket
import shutil
import signal
import subprocess
import time

from . import arches, build, deps, native_bench, procs, runner, scenarios, usernet
from .util import BUILD, LOGS, HestiaError, info, rel


def _default_scenario(arch):
    """demo once the arch claims it, otherwise boot."""
    for name in ("demo", "boot"):
        if name in scenarios.names() and scenarios.config(scenarios.load(name), arch):
            return name
    raise HestiaError(f"{arch} claims neither the demo nor the boot scenario")


def _claimed(arch, scenario, interactive=False):
    s = scenarios.load(scenario)
    cfg = scenarios.config(s, arch, interactive)
    if cfg is None:
        raise HestiaError(f"scenario '{scenario}' is not available on {arch}: "
                          f"{scenarios.unclaimed_reason(s, arch)}")
    return cfg


def _prepare(arch):
    if arch == "ia64":
        build.build("host")  # tools/ia64sim
        why = arches.missing_prereq(arch)
        if why:
            raise HestiaError(f"cannot run ia64: {why}")
    build.build(arch)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _with_ctl(arch, cfg, ctl_port):
    """A NIC on QEMU's user network with host port ctl_port forwarded to dom0's
    toolstack (port 7777), and a token fixed on dom0's command line so the
    `./hestia ctl` line can be printed before boot.  (cfg, the ctl line, the
    user-network bridge ia64sim needs or None), or (cfg, None, None) without
    dom0."""
    if not cfg.get("modules"):
        return cfg, None, None
    token = secrets.token_hex(8)
    port = ctl_port or _free_port()
    cfg = copy.deepcopy(cfg)
    # Before script=..., which runs to the end of the command line.
    words = cfg["modules"][0].get("cmdline", "")
    at = words.find("script=")
    at = len(words) if at < 0 else at
    cfg["modules"][0]["cmdline"] = f"{words[:at].rstrip()} ctl_token={token} {words[at:]}".strip()
    bridge = None
    if arch == "ia64":
        sock = os.path.join(LOGS, f"user-net-{port}.sock")
        os.makedirs(LOGS, exist_ok=True)
        bridge = usernet.start(sock, port)
        cfg["sim_args"] = list(cfg.get("sim_args", [])) + [
            "--net", f"unix:{sock}", "--idle", "realtime"]
    else:
        cfg["qemu_args"] = list(cfg.get("qemu_args", [])) + [
            "-nic", f"user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:{port}-:7777"]
    return cfg, f"./hestia ctl --port {port} --token {token} list", bridge


def run(arch, scenario, variant, ctl_port=None):
    deps.ensure([arch])
    scenario = scenario or _default_scenario(arch)
    cfg = _claimed(arch, scenario, interactive=True)
    variant = variant or cfg.get("variants", arches.variants(arch))[0]
    if variant not in arches.variants(arch):
        raise HestiaError(f"{arch} has no boot variant '{variant}' "
                          f"(known: {', '.join(arches.variants(arch))})")
    _prepare(arch)
    cfg, ctl_line, bridge = _with_ctl(arch, cfg, ctl_port)
    try:
        launch = arches.launch(arch, variant, cfg, "interactive")
        info(f"run: {arch} {scenario} ({variant}): {shlex.join(launch.argv)}")
        if ctl_line:
            info(f"run: dom0's toolstack over TCP, from another terminal: {ctl_line}")
        if arch != "ia64":
            info("run: console attached; quit QEMU with Ctrl-A X")
        rc = subprocess.run(procs.guarded(launch.argv), cwd=launch.cwd).returncode
    finally:
        usernet.stop(bridge)
    ok, text = arches.exit_verdict(launch.exit_kind, rc)
    info(f"\nrun: emulator exited {rc}: {text}")
    return 0 if ok else 1


def start_debug(arch, scenario, tag="debug"):
    """Start arch's emulator for scenario stopped before its first
    instruction, with a gdb stub on a unix socket in build/logs (QEMU -S
    -gdb, ia64sim --gdb).  Returns (process, socket, log); the caller
    ends the process.  The arch must be built (_prepare)."""
    cfg = dict(_claimed(arch, scenario, interactive=True))
    os.makedirs(LOGS, exist_ok=True)
    sock = os.path.join(LOGS, f"gdb-{tag}-{arch}.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    cfg["gdb_socket"] = sock
    launch = arches.launch(arch, cfg.get("variants", arches.variants(arch))[0], cfg, "debug")
    log = os.path.join(LOGS, f"{tag}-{arch}.log")
    info(f"{tag}: {shlex.join(launch.argv)}")
    with open(log, "wb") as f:
        proc = procs.spawn(launch.argv, stdout=f, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, cwd=launch.cwd)
    try:
        for _ in range(200):  # the emulator creates the socket during startup
            if os.path.exists(sock) or proc.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(sock):
            raise HestiaError(f"{arch}: the emulator did not open its gdb socket; "
                              f"see {rel(log)}")
    except BaseException:  # Ctrl-C / SIGTERM while waiting too: not returned, so stop it here
        stop_debug(proc)
        raise
    return proc, sock, log


def stop_debug(proc):
    """End an emulator start_debug() started: its whole process group."""
    procs.stop(proc)


def debug(arch, scenario):
    deps.ensure([arch])
    scenario = scenario or "boot"
    _claimed(arch, scenario, interactive=True)  # unknown or unclaimed: error before building
    _prepare(arch)
    gdb = shutil.which("gdb-multiarch")
    if not gdb:
        raise HestiaError("gdb-multiarch not found; run ./hestia setup")
    proc, sock, log = start_debug(arch, scenario)
    info(f"debug: console output goes to {rel(log)} (tail -f it in another terminal)")
    try:
        elf = arches.elf_path(arch)
        argv = [gdb, "-q", elf, "-ex", f"target remote {sock}"]
        info(f"debug: {' '.join(argv)}  (the CPU is stopped at reset: 'continue' runs it; "
             f"Ctrl-C stops it again)")
        return _foreground_gdb(argv)
    finally:
        stop_debug(proc)


def _foreground_gdb(argv):
    """Run gdb at the terminal until it exits; its exit code.

    Ctrl-C at the terminal sends SIGINT to the whole foreground process
    group, gdb and ./hestia alike (the emulator has a session of its own).
    It is meant for gdb, which stops the running guest (it sends 0x03 to the
    stub), so while gdb runs ./hestia takes SIGINT with a handler that does
    nothing: not SIG_IGN, which gdb would inherit (a handler is reset to the
    default at exec, and gdb installs its own).  Before, the
    KeyboardInterrupt ended ./hestia, which killed gdb and the emulator.
    SIGTERM and SIGHUP still end ./hestia (procs.catch_signals); gdb is then
    killed by subprocess.run and the emulator by debug()'s finally."""
    old = signal.signal(signal.SIGINT, lambda signum, frame: None)
    try:
        return subprocess.run(argv).returncode
    finally:
        signal.signal(signal.SIGINT, old)


# Scenarios whose BENCH lines ./hestia bench collects: the hypervisor's
# figures, and dom0's disk throughput (docs/benchmarks.md).
BENCH_SCENARIOS = ("bench", "disk")


def bench(arch_list):
    deps.ensure(arch_list)
    combined, rc, per_arch = {}, 0, {}
    loaded = [scenarios.load(n) for n in BENCH_SCENARIOS]
    for arch in arch_list:
        entry = {"arch": arch, "scenario": "+".join(BENCH_SCENARIOS), "icount": "shift=0",
                 "verdict": "PASS", "reason": "", "bench": []}
        reasons, logs = [], []
        for s in loaded:
            cfg = scenarios.config(s, arch)
            if cfg is None:
                if s["name"] == "bench":
                    entry["verdict"] = "SKIP"
                reasons.append(f"{s['name']}: {scenarios.unclaimed_reason(s, arch)}")
                continue
            try:
                _prepare(arch)
                r = runner.run(arch, s["name"], cfg.get("variants", arches.variants(arch))[0],
                               cfg, mode="bench")
            except HestiaError as e:
                r = runner.Result("FAIL", str(e).split("\n")[0])
            reasons.append(f"{s['name']}: {r.reason}")
            if r.log:
                logs.append(rel(r.log))
            entry["bench"] += [{"name": n, "value": v, "unit": u} for n, v, u in r.bench]
            if r.verdict == "FAIL":
                entry["verdict"] = "FAIL"
                rc = 1
        # The workloads natively and under Hestia (native_bench.py, docs/native.md).
        work = native_bench.run(arch)
        per_arch[arch] = work
        reasons.append(f"workloads: {work['reason']}")
        logs += [rel(p) for p in work["logs"]]
        entry["bench"] += [{"name": n, "value": v, "unit": u} for n, v, u in work["bench"]]
        entry["workloads"] = {"verdict": work["verdict"], "rows": work["rows"],
                              "tests": [{"name": n, "verdict": st, "detail": d}
                                        for n, st, d in work["tests"]]}
        if work["verdict"] == "FAIL":
            entry["verdict"] = "FAIL"
            rc = 1
        entry.update(reason="; ".join(reasons), log=", ".join(logs) or None)
        combined[arch] = entry
        os.makedirs(BUILD, exist_ok=True)
        with open(os.path.join(BUILD, f"bench-{arch}.json"), "w") as f:
            json.dump(entry, f, indent=2)
    with open(os.path.join(BUILD, "bench.json"), "w") as f:
        json.dump(combined, f, indent=2)
    _print_bench(combined)
    native_bench.print_table(per_arch)
    info(f"bench: wrote {rel(os.path.join(BUILD, 'bench.json'))} and build/bench-<arch>.json")
    return 1 if rc else 0


def _print_bench(combined):
    rows = [(a, b["name"], b["value"], b["unit"]) for a, e in combined.items()
            for b in e["bench"]]
    print(f"\n{'arch':8} {'benchmark':32} {'value':>14} unit")
    for a, n, v, u in rows:
        print(f"{a:8} {n:32} {v:14g} {u}")
    for a, e in combined.items():
        if e["verdict"] != "PASS":
            print(f"{a:8} {e['verdict']}: {e['reason']}")
    print()
