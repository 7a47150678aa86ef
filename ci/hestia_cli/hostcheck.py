# SPDX-License-Identifier: MIT
"""Host-side checks of what a boot left in a scratch file (sequence.py).

Each check takes the file's path and returns (ok, text).  They compute what
the guest should have written independently of the guest's code.
"""
import os
import struct

MASK = (1 << 64) - 1


def disk_pattern_bytes(offset, length):
    """The disk scenario's pattern (ports/common/disk_test.c, `pattern`): byte o
    is byte o % 8 of the little-endian word (o // 8 ^ 0x4845535449414449) *
    0x9e3779b97f4a7c15 mod 2**64.  offset and length are multiples of 8."""
    first = offset // 8
    words = [((w ^ 0x4845535449414449) * 0x9E3779B97F4A7C15) & MASK
             for w in range(first, first + length // 8)]
    return struct.pack(f"<{len(words)}Q", *words)


def disk_pattern(path, chunk=1 << 20):
    """The whole image holds the disk scenario's pattern."""
    size = os.path.getsize(path)
    if size == 0 or size % 512:
        return False, f"disk image is {size} bytes, not a positive multiple of 512"
    with open(path, "rb") as f:
        for off in range(0, size, chunk):
            got = f.read(min(chunk, size - off))
            want = disk_pattern_bytes(off, len(got))
            if got != want:
                i = next(i for i in range(len(got)) if got[i] != want[i])
                return False, (f"disk image byte {off + i} (sector {(off + i) // 512}) is "
                               f"{got[i]:02x}, want {want[i]:02x}")
    return True, f"disk image holds the pattern in all {size >> 10} KiB"


CHECKS = {"disk-pattern": disk_pattern}
