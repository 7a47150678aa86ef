#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Make the HVM guest's initramfs: a cpio "newc" archive (the format the
Linux kernel unpacks, Documentation/driver-api/early-userspace) holding
busybox-static as /bin/busybox, the init script as /init and the
directories and device nodes it needs before devtmpfs is mounted.

    mkinitramfs.py <busybox> <init script> <output>

Python standard library only; the archive is the same bytes for the same
inputs (fixed times, owners and inode numbers).
"""
import sys

S_IFDIR, S_IFREG, S_IFCHR, S_IFLNK = 0o040000, 0o100000, 0o020000, 0o120000


def entry(name, mode, data=b"", ino=1, rdev=(0, 0), nlink=1):
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0]
    hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = hdr + name_b
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], "rb") as f:
        busybox = f.read()
    with open(argv[2], "rb") as f:
        init = f.read()
    parts, ino = [], 1
    for d in ("bin", "sbin", "dev", "proc", "sys", "tmp", "usr", "usr/bin", "usr/sbin"):
        parts.append(entry(d, S_IFDIR | 0o755, ino=ino, nlink=2))
        ino += 1
    parts.append(entry("dev/console", S_IFCHR | 0o600, ino=ino, rdev=(5, 1)))
    ino += 1
    parts.append(entry("bin/busybox", S_IFREG | 0o755, busybox, ino=ino))
    ino += 1
    parts.append(entry("bin/sh", S_IFLNK | 0o777, b"busybox", ino=ino))
    ino += 1
    parts.append(entry("init", S_IFREG | 0o755, init, ino=ino))
    parts.append(entry("TRAILER!!!", 0, ino=0))
    blob = b"".join(parts)
    blob += b"\0" * (-len(blob) % 512)
    with open(argv[3], "wb") as f:
        f.write(blob)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
