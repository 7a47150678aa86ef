# SPDX-License-Identifier: MIT
"""Host timestamps of console lines (scenario key "pause_stamps").

The migrate scenarios measure the pause as the hosts see it: the source's
dom0 prints "migrate: domN paused" just before it pauses the domain, the
destination's "receive: domN resumed" just after the unpause.  Each
machine's console goes through a pipe here instead of straight into its
log, and the host's monotonic clock is read when a line ends.  Both
emulators run on this one host, so the two clocks are the same clock; a
figure includes the time a line takes to leave the emulator (its serial
port is written a character at a time, and the guest itself pays for each
character), which on a loaded host is noise of its own.
"""
import re
import subprocess
import threading
import time

from . import procs


class StampedConsole(threading.Thread):
    """Copies a process's output into its log, noting when lines matching
    any of `patterns` ended (host time.monotonic())."""

    def __init__(self, proc, log_file, patterns):
        super().__init__(daemon=True)
        self.proc, self.log_file = proc, log_file
        self.patterns = [re.compile(p) for p in patterns]
        self.hits = []  # (pattern index, host time, line)

    def run(self):
        for raw in iter(self.proc.stdout.readline, b""):
            now = time.monotonic()
            self.log_file.write(raw)
            self.log_file.flush()
            line = raw.decode(errors="replace")
            for i, p in enumerate(self.patterns):
                if p.search(line):
                    self.hits.append((i, now, line.strip()))
        self.log_file.close()


def start(launch, log, patterns):
    """Start launch with its console stamped; returns (proc, StampedConsole)."""
    f = open(log, "wb")
    f.write(("$ " + " ".join(launch.argv) + "\n").encode())
    f.flush()
    proc = procs.spawn(launch.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, cwd=launch.cwd)
    reader = StampedConsole(proc, f, patterns)
    reader.start()
    return proc, reader


def pauses(spec, consoles):
    """The wall-clock pauses of spec (pause_stamps): the k-th line matching
    to_re on machine `to` paired with the last from_re line on machine `from`
    before it, named spec["names"][k].  Returns [(name, microseconds)]."""
    src = [t for i, t, _ in consoles[spec["from"]].hits if i == 0]
    dst = [t for i, t, _ in consoles[spec["to"]].hits if i == 1]
    out = []
    for name, t_resumed in zip(spec["names"], dst):
        before = [t for t in src if t <= t_resumed]
        if before:
            out.append((name, round((t_resumed - before[-1]) * 1e6)))
    return out
