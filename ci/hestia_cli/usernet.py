# SPDX-License-Identifier: MIT
"""QEMU's user network for ia64sim, which has none of its own."""
import os
import subprocess
import time

from . import procs


def start(sock, ctl_port):
    """QEMU's user network (slirp) for an emulator that has none (ia64sim).

    A QEMU with no machine and no CPU joins two netdevs on one hub: `user`
    (DHCP gives 10.0.2.15, 10.0.2.2 is the host, host 127.0.0.1:ctl_port is
    forwarded to the guest's 7777) and a `stream` server on the unix socket
    sock, which speaks the framing ia64sim's `--net unix:` speaks (4-byte
    big-endian length, then the frame).  So ia64's dom0 sees the same
    network as on the QEMU arches.  (Debian 12's passt, tried first, reset
    the 16 MiB transfer after about 54 KB: docs/network.md.)"""
    if os.path.exists(sock):
        os.unlink(sock)
    p = procs.spawn(["qemu-system-x86_64", "-machine", "none", "-nodefaults",
                     "-nographic", "-monitor", "none", "-serial", "none",
                     "-netdev", f"user,id=u,hostfwd=tcp:127.0.0.1:{ctl_port}-:7777",
                     "-netdev", f"stream,id=s,server=on,addr.type=unix,addr.path={sock}",
                     "-netdev", "hubport,id=hu,hubid=0,netdev=u",
                     "-netdev", "hubport,id=hs,hubid=0,netdev=s"],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
    end = time.time() + 10
    while not os.path.exists(sock) and time.time() < end and p.poll() is None:
        time.sleep(0.1)
    return p


def stop(proc):
    """End a bridge start() made (it never exits by itself)."""
    procs.stop(proc)
