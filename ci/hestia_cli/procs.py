# SPDX-License-Identifier: MIT
"""Emulators (QEMU, ia64sim) and their helpers, started so that none
outlives the ./hestia that started it.

An emulator runs in a session of its own (Ctrl-C at the terminal reaches
./hestia, not the emulator, so ./hestia can end things in order: detach
gdb, then stop the emulator), which also means nothing kills it for us.
Three layers make sure it ends:

- the caller's `finally: procs.stop(p)` kills its whole process group
  (the emulator and anything it started) on every path: normal end,
  timeout, an exception, Ctrl-C (KeyboardInterrupt);
- ./hestia turns SIGTERM and SIGHUP (`timeout`, a closed terminal, a job
  runner killing its job) into the same KeyboardInterrupt (catch_signals),
  so those finally blocks run, and main() ends with stop_all() for
  anything still registered;
- SIGKILL runs no Python at all: every emulator is started through
  `setpriv --pdeathsig KILL` (util-linux), so the kernel kills it when the
  thread that started it dies, however it dies.
"""
import os
import shutil
import signal
import subprocess
import threading

from .util import HestiaError

_setpriv = None  # [setpriv, --pdeathsig, KILL, --] once probed, [] without one
_lock = threading.RLock()
_live = {}  # pid -> Popen, until stop()
_closing = False


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where Ctrl-C's KeyboardInterrupt would be."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise(signum, frame):
    raise Interrupted(signum)


def catch_signals():
    """SIGTERM and SIGHUP raise Interrupted in the main thread (the default
    ends Python without running a single finally block)."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise)


def guarded(argv):
    """argv prefixed so that the kernel SIGKILLs it when its parent dies
    (setpriv --pdeathsig; argv unchanged where there is no setpriv, or one
    too old for the option: tried once).  For an emulator that must stay in
    the terminal's process group (./hestia run) as for spawn()."""
    global _setpriv
    if _setpriv is None:
        exe = shutil.which("setpriv")
        wrap = [exe, "--pdeathsig", "KILL", "--"] if exe else []
        ok = bool(exe) and subprocess.run(wrap + ["true"], stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL).returncode == 0
        _setpriv = wrap if ok else []
    return _setpriv + list(argv)


def spawn(argv, **kw):
    """subprocess.Popen(argv, **kw) in a new session, guarded, registered
    for stop_all().  The caller ends it with stop() in a finally block.
    Raises HestiaError once stop_all() has run (./hestia is ending)."""
    with _lock:
        if _closing:
            raise HestiaError("interrupted: not starting another emulator")
        p = subprocess.Popen(guarded(argv), start_new_session=True, **kw)
        _live[p.pid] = p
    return p


def stop(p):
    """Kill p's process group (p and whatever it started) unless p has
    already been reaped, then reap it.  Safe to call twice and on None."""
    if p is None:
        return
    # Not reaped yet (even if it has exited): its pid, and so its group id,
    # cannot have been given to another process.
    if p.returncode is None:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    p.wait()
    with _lock:
        _live.pop(p.pid, None)


def stop_all():
    """Stop every registered process and refuse new ones: ./hestia is ending
    (an interrupted matrix run's worker threads must not start the next cell)."""
    global _closing
    with _lock:
        _closing = True
        left = list(_live.values())
    for p in left:
        stop(p)
    return len(left)


def live():
    """pids still registered (for the front-door tests)."""
    with _lock:
        return sorted(_live)
