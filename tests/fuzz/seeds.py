#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerate the seed corpora in tests/fuzz/corpus/<harness>/ (deterministic).

Seeds are small well-formed inputs, so the fuzzer starts past the first
checks of each parser: ELF images for the four machines, a device tree with
memory and chosen nodes, a Multiboot block with a memory map, modules and
command lines, toolstack command lines, and byte strings for the hypercall
sequences (any bytes decode to a sequence; these are long ones).
"""
import os
import random
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(harness, name, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def elf(machine_index, machine, is64, big):
    e = ">" if big else "<"
    code = b"\x90" * 16
    if is64:
        phoff, ehsize, phsize = 64, 64, 56
        hdr = b"\x7fELF" + bytes([2, 2 if big else 1, 1]) + bytes(9)
        hdr += struct.pack(e + "HHIQQQIHHHHHH", 2, machine, 1, 0x400000, phoff, 0, 0, ehsize,
                           phsize, 1, 0, 0, 0)
        off = phoff + phsize
        ph = struct.pack(e + "IIQQQQQQ", 1, 5, off, 0x400000, 0x400000, len(code), 0x2000,
                         0x1000)
    else:
        phoff, ehsize, phsize = 52, 52, 32
        hdr = b"\x7fELF" + bytes([1, 2 if big else 1, 1]) + bytes(9)
        hdr += struct.pack(e + "HHIIIIIHHHHHH", 2, machine, 1, 0x400000, phoff, 0, 0, ehsize,
                           phsize, 1, 0, 0, 0)
        off = phoff + phsize
        ph = struct.pack(e + "IIIIIIII", 1, off, 0x400000, 0x400000, len(code), 0x2000, 5,
                         0x1000)
    return bytes([machine_index]) + hdr + ph + code


def fdt():
    strings = b""
    offs = {}

    def sref(name):
        nonlocal strings
        if name not in offs:
            offs[name] = len(strings)
            strings += name.encode() + b"\0"
        return offs[name]

    def pad(b):
        return b + bytes(-len(b) % 4)

    def node(name):
        return struct.pack(">I", 1) + pad(name.encode() + b"\0")

    def prop(name, value):
        return struct.pack(">III", 3, len(value), sref(name)) + pad(value)

    s = node("")
    s += prop("#address-cells", struct.pack(">I", 2)) + prop("#size-cells", struct.pack(">I", 1))
    s += node("memory@0") + prop("device_type", b"memory\0")
    s += prop("reg", struct.pack(">IIIIII", 0, 0, 0x4000000, 0, 0x8000000, 0x1000000))
    s += struct.pack(">I", 2)
    s += node("chosen") + prop("bootargs", b"dom0 console=ttyS0\0") + struct.pack(">I", 2)
    s += node("cpus") + node("cpu@0") + prop("reg", struct.pack(">I", 0))
    s += struct.pack(">II", 2, 2) + struct.pack(">II", 2, 9)
    off_rsv = 40
    off_struct = off_rsv + 16
    off_strings = off_struct + len(s)
    total = off_strings + len(strings)
    hdr = struct.pack(">IIIIIIIIII", 0xd00dfeed, total, off_struct, off_strings, off_rsv, 17, 16,
                      0, len(strings), len(s))
    return hdr + bytes(16) + s + strings


def multiboot():
    base = 0x10000
    mem = bytearray(1024)
    mmap = struct.pack("<IQQI", 20, 0, 0x9fc00, 1) + struct.pack("<IQQI", 20, 0x100000,
                                                                    0x7f00000, 1)
    mmap += struct.pack("<IQQI", 20, 0xfffc0000, 0x40000, 2)
    mods = struct.pack("<IIII", 0x200000, 0x280000, base + 800, 0)
    mods += struct.pack("<IIII", 0x300000, 0x340000, base + 820, 0)
    info = struct.pack("<IIIIIII", 0x1 | 0x4 | 0x8 | 0x40, 639, 130048, 0, base + 780, 2,
                       base + 700) + bytes(16) + struct.pack("<II", len(mmap), base + 600)
    mem[0:len(info)] = info
    mem[600:600 + len(mmap)] = mmap
    mem[700:700 + len(mods)] = mods
    mem[780:780 + 10] = b"hestia x\0\0"
    mem[800:800 + 6] = b"dom0\0\0"
    mem[820:820 + 16] = b"domu-ping mem=8\0"
    header = bytes([0x11]) + struct.pack("<HHH", 0, 0, 0x100)
    return header + bytes(mem)


def mig_sum(body):
    """The record check of stream versions 3 and 4 (ports/common/migrate/sum.c): the body as
    little-endian 32-bit words w1..wn, zero-padded; a = sum of wi, b = sum of (n-i+1)*wi."""
    body = body + bytes(-len(body) % 4)
    a = b = 0
    for (w,) in struct.iter_unpack("<I", body):
        a += w
        b += a
    return a % 2**64, b % 2**64


def restore_stream(abi_version, live, frames=True, zero=False, reset=False):
    """A valid little-endian x86_64 save stream (docs/migration.md): 3 frames, 1 vCPU."""
    recs = []
    pages, seq = 3, 0

    def rec(rtype, body):
        nonlocal seq
        recs.append(struct.pack("<IIIIQQ", rtype, len(body), seq, 0, *mig_sum(body)) + body)
        seq += 1
    rec(1, b"HMIG" + bytes([1, 0, 0, 0]) + struct.pack("<IIIIQII", 4, 2, 4096, abi_version,
                                                       pages, 1, 1 if live else 0))
    rec(4, struct.pack("<IIQQ", 256, 0, 0, 0))
    if frames:
        rec(2, struct.pack("<II", 2, 0) + struct.pack("<QQ", 2, 0) + bytes(range(256)) * 32)
        if zero:  # gfn 1 as a zero record (type 8: gfns, no frames)
            rec(8, struct.pack("<II", 1, 0) + struct.pack("<Q", 1))
        else:
            rec(2, struct.pack("<II", 1, 0) + struct.pack("<Q", 1) + b"\x5a" * 4096)
    if zero:  # and the mappings as one run (type 9: va, gfn, perms, kind, pages, pad)
        rec(9, struct.pack("<II", 0, 1) + struct.pack("<QQIIII", 0x400000, 0, 3, 0, 3, 0))
    else:
        rec(6, struct.pack("<II", 0, 3) + b"".join(struct.pack("<QQII", 0x400000 + g * 4096, g, 3, 0)
                                                 for g in range(3)))
    if reset:  # stream version 4, live: space 0 reset (type 10), then its mappings again
        rec(10, struct.pack("<II", 0, 0))
        rec(6, struct.pack("<II", 0, 2) + b"".join(struct.pack("<QQII", 0x400000 + g * 4096, g, 1, 0)
                                                 for g in range(2)))
    state = struct.pack("<IHHIIQQ", 0x53435648, 1, 2, 96, 0, 0, 0) + bytes(64)
    rec(3, struct.pack("<II", 0, len(state)) + state)
    rec(7, domain_state())
    rec(5, struct.pack("<QII", pages, 1, seq))
    return b"".join(recs)


DOMAIN_STATE_SIZE = 2376  # sizeof(struct hestia_domain_state): fuzz_restore.c asserts it


def domain_state():
    """A domain-state record (hestia/domctl.h): console VIRQ on port 1, an IPI on 2."""
    ports = struct.pack("<IBBHHHI", 1, 3, 0, 1, 0, 0, 0) + struct.pack("<IBBHHHI", 2, 4, 0, 0, 0, 0, 0)
    size = DOMAIN_STATE_SIZE + len(ports)
    head = struct.pack("<IIIIIIQII", 0x54534448, 1, size, 1, 2, 1, 10**9, 256, 0)
    head += struct.pack("<QQQQQQ", 2, 0, 0, 0, 0, 0)  # grant-table gfns, reserved
    return head + bytes(DOMAIN_STATE_SIZE - len(head)) + ports


def main():
    write("elf", "x86", elf(0, 3, False, False))
    write("elf", "x86_64", elf(1, 62, True, False))
    write("elf", "ppc", elf(2, 20, False, True))
    write("elf", "ia64", elf(3, 50, True, False))
    write("fdt", "e500", fdt())
    write("multiboot", "qemu", multiboot())
    lines = [
        b"create domu mem=8 weight=512 cap=50 role=ping\0\x01\x02\x03",
        b"list; sched 1 weight=300 cap=20; pause 1; unpause 1\0\x00\x10\x00",
        b"console 1\0\x02ab\x03xyz",
        b"destroy 2; wait 3; sleep 10; modules; help\0\xff\x00",
        b"create 1 mem=2048 extra=yes; create nosuch\0",
        b"poweroff\0",
    ]
    for i, line in enumerate(lines):
        write("toolstack", f"line{i}", line)
    abi = open(os.path.join(HERE, "..", "..", "include", "public", "hestia", "abi.h")).read()
    major = int(re.search(r"#define HESTIA_ABI_MAJOR (\d+)", abi).group(1))
    minor = int(re.search(r"#define HESTIA_ABI_MINOR (\d+)", abi).group(1))
    # Byte 0: the harness's mode (odd: it recomputes the record sums).
    write("restore", "x86_64", b"\0" + restore_stream(major << 16 | minor, False))
    write("restore", "x86_64-live", b"\0" + restore_stream(major << 16 | minor, True))
    write("restore", "x86_64-zero", b"\1" + restore_stream(major << 16 | minor, True, zero=True))
    write("restore", "x86_64-reset", b"\1" + restore_stream(major << 16 | minor, True, reset=True))
    write("restore", "x86_64-fixcrc", b"\1" + restore_stream(major << 16 | minor, False))
    # Without the 12 KiB of frames the other records' fields are most of the
    # input, so mutations reach them (the stream then ends short of frames).
    write("restore", "x86_64-small", b"\1" + restore_stream(major << 16 | minor, False, False))
    rng = random.Random(1234)
    for i in range(6):
        write("hypercall", f"seq{i}", bytes(rng.randrange(256) for _ in range(600)))


if __name__ == "__main__":
    main()
