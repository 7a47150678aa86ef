# SPDX-License-Identifier: MIT
"""Boots that need the host while they run (scenario key "host_driver").

net: one machine with a NIC on QEMU's user network.  The runner forwards a
free host port to dom0's toolstack (7777) and listens on a sink port dom0
sends 16 MiB to (10.0.2.2 is the host); while the machine runs it drives
the toolstack over TCP (ctl.py) and checks the transfer.  Its checks are
TEST lines of source "host" (expect entries "host:<test>"): they do not
count towards HESTIA DONE but a FAIL fails the cell like any other.
"""
import copy
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import zlib

from . import arches, procs, runner, stamps, usernet
from .ctl import Client, CtlError

XFER_BYTES = 16 << 20
# dom0 has its address (DHCP): before that QEMU's user network cannot reach it.
READY_RE = re.compile(r"TEST net\.address PASS")
# A whole line: the console writes a character at a time, and a line read
# before its end would lose its CRC (seen: "dom0 reported none" on ppc).
SENT_RE = re.compile(r"TEST net\.send (PASS|FAIL)[^\n]*\n")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _subst(value, names):
    if isinstance(value, str):
        for k, v in names.items():
            value = value.replace("{" + k + "}", str(v))
        return value
    if isinstance(value, list):
        return [_subst(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _subst(v, names) for k, v in value.items()}
    return value


def _pattern(n, start=0):
    """netxfer_pattern (ports/common/include/port/netxfer.h) for bytes start..start+n."""
    return bytes(((i * 2654435761) & 0xFFFFFFFF) >> 24 for i in range(start, start + n))


class Sink(threading.Thread):
    """Accepts one connection and checks what arrives against the pattern."""

    def __init__(self, port, timeout):
        super().__init__(daemon=True)
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", port))
        self.srv.listen(1)
        self.srv.settimeout(timeout)
        self.count, self.crc, self.first_bad, self.error = 0, 0, None, None
        self.done = threading.Event()

    def run(self):
        try:
            conn, _ = self.srv.accept()
            conn.settimeout(120)
            while True:
                data = conn.recv(1 << 16)
                if not data:
                    break
                want = _pattern(len(data), self.count)
                if self.first_bad is None and data != want:
                    self.first_bad = self.count + next(
                        i for i, (a, b) in enumerate(zip(data, want)) if a != b)
                self.crc = zlib.crc32(data, self.crc)
                self.count += len(data)
            conn.close()
        except OSError as e:
            self.error = str(e)
        finally:
            self.srv.close()
            self.done.set()


def _wait_for(log, regex, proc, timeout):
    end = time.time() + timeout
    while time.time() < end and proc.poll() is None:
        with open(log, errors="replace") as f:
            if regex.search(f.read()):
                return True
        time.sleep(0.5)
    return False


def _drive_net(ctl_port, token, host, log, proc):
    """The toolstack checks over TCP: each appends (name, ok, detail) to host."""
    def check(name, fn):
        try:
            ok, detail = fn()
        except (CtlError, OSError, StopIteration) as e:
            ok, detail = False, str(e)
        host.append((name, ok, detail))

    def listing():
        # The first connection comes while dom0 starts its 16 MiB send; twice
        # in ~20 ppc runs on a loaded host it got no answer in 30 s (not yet
        # understood, docs/network.md). One more connection is allowed, and
        # the detail says so.
        note = ""
        for attempt in (1, 2):
            try:
                c = Client(ctl_port, token)
                out = c.request("list")
                c.close()
                break
            except CtlError as e:
                if attempt == 2:
                    raise
                note = f" (on a second connection: the first said '{e}')"
        ok = any(line.split()[:2] == ["0", "running"] for line in out if line.split())
        return ok, f"{len(out)} lines, dom0 {'running' if ok else 'missing'}{note}"
    check("net.ctl-list", listing)

    def create_destroy():
        c = Client(ctl_port, token)
        out = c.request("create domu role=demo-a")
        dom = next(int(m.group(1)) for m in map(re.compile(r"created dom(\d+)").search, out)
                   if m)
        listed = any(line.split()[:1] == [str(dom)] for line in c.request("list"))
        # It must run before it goes: its first line is then always in the
        # log (the run's TEST count no longer depends on the race) and the
        # check covers a domain the toolstack started, not only listed.
        c.close()
        ran = _wait_for(log, re.compile(rf"^\(d{dom}\) TEST demo\.up PASS", re.M), proc, 60)
        c = Client(ctl_port, token)
        c.request(f"destroy {dom}")
        gone = not any(line.split()[:1] == [str(dom)] for line in c.request("list"))
        c.close()
        return listed and ran and gone, (f"dom{dom} created, listed {listed}, ran {ran}, "
                                         f"destroyed and gone {gone}")
    check("net.ctl-create-destroy", create_destroy)

    def bad_token():
        try:
            Client(ctl_port, token + "x").close()
            return False, "a wrong token was accepted"
        except CtlError as e:
            return "token refused: ERR" in str(e), str(e)
    check("net.ctl-bad-token", bad_token)

    def garbage():
        c = Client(ctl_port, token)
        status, _ = c.request_raw(b"\x00\xff\x1b[2J garbage")
        status2, _ = c.request_raw(b"x" * 5000)
        out = c.request("list")
        c.close()
        return (status.startswith("ERR") and status2.startswith("ERR") and bool(out),
                f"binary: {status!r}; 5000 bytes: {status2!r}; then list answered")
    check("net.ctl-garbage", garbage)

    def pipelined():
        # 300 requests before reading any answer: ~45 KiB of output against
        # dom0's 8 KiB buffer, so the server must hold requests back (TCP's
        # window), not drop or cut answers.
        c = Client(ctl_port, token)
        c.sock.sendall(b"list\n" * 300)
        per_answer, lines = [], 0
        while len(per_answer) < 300:
            line = c._line()
            if line == "OK":
                per_answer.append(lines)
                lines = 0
            elif line.startswith("| ") and "truncated" not in line:
                lines += 1
            else:
                c.close()
                return False, f"answer {len(per_answer) + 1}: {line!r}"
        c.close()
        return (len(set(per_answer)) == 1 and per_answer[0] >= 2,
                f"300 answers of {sorted(set(per_answer))} output lines")
    check("net.ctl-pipelined", pipelined)


def run(arch, scenario, variant, cfg, log):
    """Boot with the host driving it; a runner.Result."""
    if cfg.get("host_driver") == "link":
        return run_link(arch, variant, cfg, log)
    if cfg.get("host_driver") == "hvm-bench":  # a native boot beside the HVM one
        from . import hvmbench
        return hvmbench.run(arch, variant, cfg, log)
    ctl_port, sink_port, token = _free_port(), _free_port(), secrets.token_hex(8)
    user_net_dir = tempfile.mkdtemp(prefix="hestia-usernet-")
    user_net_sock = os.path.join(user_net_dir, "user-net.sock")
    cfg = _subst(copy.deepcopy(cfg), {"ctl_port": ctl_port, "sink_port": sink_port,
                                     "token": token, "user_net_sock": user_net_sock})
    user_net = None
    if any(user_net_sock in a for a in cfg.get("sim_args", [])):
        user_net = usernet.start(user_net_sock, ctl_port)
    timeout = cfg.get("timeout", 30) * runner.TIMEOUT_SCALE
    sink = Sink(sink_port, timeout)
    sink.start()
    launch = arches.launch(arch, variant, cfg, "capture")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    host = []
    start = time.time()
    with open(log, "wb") as f:
        f.write(("$ " + " ".join(launch.argv) + "\n").encode())
        f.flush()
        proc = procs.spawn(launch.argv, stdout=f, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, cwd=launch.cwd)
    try:
        if _wait_for(log, READY_RE, proc, timeout):
            _drive_net(ctl_port, token, host, log, proc)
            sink.done.wait(max(1, timeout - (time.time() - start)))
        else:
            host.append(("net.ctl-ready", False, "dom0 never reported its address"))
        ok = sink.count == XFER_BYTES and sink.first_bad is None and not sink.error
        host.append(("net.sink", ok, f"{sink.count} bytes, crc32 {sink.crc:08x}" + (
            f", first wrong byte at {sink.first_bad}" if sink.first_bad is not None else "") +
            (f", {sink.error}" if sink.error else "")))
        # dom0 reports after its last byte is acknowledged: maybe after the sink's end.
        _wait_for(log, SENT_RE, proc, 30)
        with open(log, errors="replace") as f:
            m = re.search(r"TEST net\.send PASS sent \d+ of \d+ bytes, crc32 ([0-9a-f]{8})",
                          f.read())
        host.append(("net.crc-match", bool(m) and int(m.group(1), 16) == sink.crc,
                     f"dom0 {m.group(1) if m else 'reported none'}, host {sink.crc:08x}"))
        try:
            c = Client(ctl_port, token)
            c.sock.sendall(b"poweroff\n")  # no answer: the machine stops
            c.close()
        except (CtlError, OSError) as e:
            host.append(("net.ctl-poweroff", False, str(e)))
        rc = proc.wait(timeout=max(1, timeout - (time.time() - start)))
        timed_out = False
    except subprocess.TimeoutExpired:
        rc, timed_out = None, True
    finally:  # every way out, an exception or Ctrl-C too
        procs.stop(proc)
        usernet.stop(user_net)
    secs = time.time() - start
    shutil.rmtree(user_net_dir, ignore_errors=True)
    with open(log, "a") as f:
        for name, ok, detail in host:
            f.write(f"[host] TEST {name} {'PASS' if ok else 'FAIL'} {detail}\n")
    with open(log, errors="replace") as f:
        parsed = runner.parse(f.read())
    parsed["tests"] += [("host", n, "PASS" if ok else "FAIL", d) for n, ok, d in host]
    exit_ok, exit_text = (False, "timeout") if timed_out else arches.exit_verdict(
        launch.exit_kind, rc)
    verdict, why = runner.judge(parsed, exit_ok, exit_text, timed_out, cfg.get("expect", ()))
    return runner.Result(verdict, why, log, parsed["bench"], secs, rc)


# ---- link: several machines on one virtual LAN ----

SEND_RE = re.compile(r"^\(d0\) TEST link\.send PASS sent \d+ of \d+ bytes, crc32 ([0-9a-f]{8})",
                     re.M)
RECV_RE = re.compile(r"^\(d0\) TEST link\.recv PASS received, pattern checked, \d+ of \d+ "
                     r"bytes, crc32 ([0-9a-f]{8})", re.M)


def _start(launch, log):
    os.makedirs(os.path.dirname(log), exist_ok=True)
    with open(log, "wb") as f:
        f.write(("$ " + " ".join(launch.argv) + "\n").encode())
        f.flush()
        return procs.spawn(launch.argv, stdout=f, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, cwd=launch.cwd)


def _start_and_wait(arch, variant, cfg, log, sock, spec, start, timeout, machines, consoles):
    """run_link's machines, started in order and appended to machines (the
    caller stops them), each waited for until the cell's timeout:
    [(exit code or None, timed out)]."""
    for i, names in enumerate(cfg["machines"]):
        names = dict(names)
        own_expect = names.pop("expect", None)  # a machine may have its own list
        mcfg = _subst(copy.deepcopy(cfg), dict(names, sock=sock))
        if own_expect is not None:
            mcfg["expect"] = own_expect
        launch = arches.launch(arch, variant, mcfg, "capture")
        mlog = log[:-4] + f"-m{i}.log"
        if spec:  # the console through a pipe, its pause lines stamped with host time
            os.makedirs(os.path.dirname(mlog), exist_ok=True)
            proc, console = stamps.start(launch, mlog, [spec["from_re"], spec["to_re"]])
            consoles.append(console)
        else:
            proc = _start(launch, mlog)
        machines.append((launch, mlog, proc, mcfg))
        if i == 0:  # the listening end must exist before the others connect
            while not os.path.exists(sock) and time.time() - start < 10:
                time.sleep(0.1)
    rcs = []
    for launch, mlog, proc, _ in machines:
        try:
            rcs.append((proc.wait(timeout=max(1, timeout - (time.time() - start))), False))
        except subprocess.TimeoutExpired:
            procs.stop(proc)  # now: its peers may end once it is gone
            rcs.append((None, True))
    return rcs


def run_link(arch, variant, cfg, log):
    """Machines i = 0.. of cfg["machines"] (each a dict of names substituted in
    the scenario, plus {sock}: the LAN's unix socket), started in order (the
    first listens on the socket, the others connect), each judged on its own
    log (<log>-m<i>), then the runner checks that what each sent the other
    received (CRC-32): host:link.crc-match."""
    # One LAN per cell: link, migrate and migrate-fault may run at the same time.
    sock = log[:-4] + f"-{variant}.sock"
    if os.path.exists(sock):
        os.unlink(sock)
    timeout = cfg.get("timeout", 30) * runner.TIMEOUT_SCALE
    start = time.time()
    machines, consoles = [], []
    spec = cfg.get("pause_stamps")
    try:
        rcs = _start_and_wait(arch, variant, cfg, log, sock, spec, start, timeout, machines,
                              consoles)
    finally:  # every machine, on every way out (an exception, Ctrl-C)
        for _, _, proc, _ in machines:
            procs.stop(proc)
    secs = time.time() - start
    for console in consoles:
        console.join(timeout=10)
    texts = []
    for _, mlog, _, _ in machines:
        with open(mlog, errors="replace") as f:
            texts.append(f.read())
    host = []
    # The scenario's own CRC pairs (migrate: the source's memory against the
    # destination's image), else link's: what each machine sent the next received.
    pairs = cfg.get("crc_match") or [
        {"name": f"link.crc-match-m{i}-to-m{(i + 1) % len(machines)}", "from": i,
         "from_re": SEND_RE.pattern, "to": (i + 1) % len(machines), "to_re": RECV_RE.pattern}
        for i in range(len(machines))]
    for p in pairs:
        i, j = p["from"], p["to"]
        s = re.search(p["from_re"], texts[i], re.M)
        r = re.search(p["to_re"], texts[j], re.M)
        host.append((p["name"], bool(s and r and s.group(1) == r.group(1)),
                     f"m{i} sent crc32 {s.group(1) if s else 'none'}, "
                     f"m{j} received crc32 {r.group(1) if r else 'none'}"))
    with open(log, "w") as f:
        f.write("".join(f"machine {i}: {m[1]}\n" for i, m in enumerate(machines)))
        for name, ok, detail in host:
            f.write(f"[host] TEST {name} {'PASS' if ok else 'FAIL'} {detail}\n")
    verdicts, bench = [], []
    if spec:
        walls = stamps.pauses(spec, consoles)
        with open(log, "a") as f:
            for name, us in walls:
                f.write(f"[host] BENCH {name} {us} us (host clock: m{spec['from']} paused "
                        f"to m{spec['to']} resumed)\n")
        bench += [(f"host.{name}", us, "us") for name, us in walls]
    for i, ((launch, mlog, _, mcfg), (rc, timed_out)) in enumerate(zip(machines, rcs)):
        parsed = runner.parse(texts[i])
        if i == 0:
            parsed["tests"] += [("host", n, "PASS" if ok else "FAIL", d) for n, ok, d in host]
        bench += [(f"m{i}.{n}", v, u) for n, v, u in parsed["bench"]]
        exit_ok, exit_text = (False, "timeout") if timed_out else arches.exit_verdict(
            launch.exit_kind, rc)
        verdicts.append(runner.judge(parsed, exit_ok, exit_text, timed_out,
                                     mcfg.get("expect", ())))
    bad = [i for i, (v, _) in enumerate(verdicts) if v != "PASS"]
    if bad:
        return runner.Result("FAIL", "; ".join(f"m{i}: {verdicts[i][1]}" for i in bad),
                             machines[bad[0]][1], bench, secs)
    return runner.Result("PASS", "; ".join(f"m{i}: {why}" for i, (_, why) in
                                           enumerate(verdicts)), log, bench, secs, 0)
