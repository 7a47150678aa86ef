# SPDX-License-Identifier: MIT
"""Paths, errors and small helpers shared by the subcommands."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
LOGS = os.path.join(BUILD, "logs")
ARCHES = ("x86_64", "x86", "ppc", "ia64")  # the order of the matrix


class HestiaError(Exception):
    """A failure with a message for the user; ./hestia prints it and exits 1."""


def info(msg):
    print(msg, flush=True)


def warn(msg):
    print(f"hestia: {msg}", file=sys.stderr, flush=True)


def rel(path):
    """path relative to the repository, for messages."""
    try:
        return os.path.relpath(path, ROOT)
    except ValueError:
        return path


def tail(path, lines=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


class FileLock:
    """An exclusive fcntl.flock on path, held while the `with` block runs.

    A second ./hestia that wants the same lock says what it waits for
    ("waiting for another ./hestia building build/x86_64 (pid N) ...") and
    blocks; the kernel drops the lock when its holder exits, however it
    exits, so a killed process never leaves a stale lock behind.  The file
    holds the holder's pid, for that message only.
    """

    def __init__(self, path, what, say=info):
        self.path, self.what, self.say = path, what, say
        self.fd = None

    def __enter__(self):
        import fcntl
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = os.pread(self.fd, 32, 0).decode(errors="replace").strip()
            except OSError:
                holder = ""
            pid = f" (pid {holder})" if holder.isdigit() else ""
            self.say(f"hestia: waiting for another ./hestia {self.what}{pid} ...")
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            self.say(f"hestia: the other ./hestia is done {self.what}; going on")
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()}\n".encode(), 0)
        return self

    def __exit__(self, *exc):
        import fcntl
        os.ftruncate(self.fd, 0)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None
        return False


def run_logged(cmd, cwd, step, log):
    """Run cmd in cwd, appending its command line and output to log; a failure
    raises HestiaError naming the step with the log's last lines (setup steps
    that fetch Debian packages: lwip.py, hvmguest.py)."""
    with open(log, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n")
        f.flush()
        rc = subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL,
                            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive")).returncode
    if rc != 0:
        with open(log) as f:
            last = "".join(f.readlines()[-8:])
        raise HestiaError(f"step '{step}' failed: '{' '.join(cmd)}' exited {rc}; "
                          f"log {log}:\n{last}")
