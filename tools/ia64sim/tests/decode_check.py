#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compares ia64sim's disassembly of every bundle of IA-64 ELF files with
ia64-linux-gnu-objdump -d.  Prints one TEST line per file."""
import os
import re
import shutil
import subprocess
import sys

LINE = re.compile(r'^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.*)$')
TPL = re.compile(r'^\[([^\]]+)\]\s*(.*)$')


def norm(t):
    t = re.sub(r'([0-9a-f])\s+<[^>]*>', r'\1', t)  # symbolic annotation after an address
    t = re.sub(r'\s+', ' ', t.strip())
    return t


def objdump_bundles(objdump, path):
    out = subprocess.run([objdump, '-d', path], capture_output=True, text=True, check=True).stdout
    bundles = {}
    cur = None
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        addr, text = int(m.group(1), 16), m.group(2)
        t = TPL.match(text)
        if t:
            cur = [t.group(1), []]
            bundles[addr] = cur
            text = t.group(2)
        if cur is not None and text.strip():
            cur[1].append(norm(text))
    return bundles


def sim_bundles(sim, path):
    out = subprocess.run([sim, '--disasm', path], capture_output=True, text=True, check=True).stdout
    bundles = {}
    for line in out.splitlines():
        f = line.split('\t')
        bundles[int(f[0], 16)] = [f[1], [norm(x) for x in f[2:]]]
    return bundles


def check(sim, objdump, path):
    ref = objdump_bundles(objdump, path)
    got = sim_bundles(sim, path)
    bad = []
    for addr in sorted(ref):
        r, g = ref[addr], got.get(addr)
        if g is None:
            bad.append('%x: missing' % addr)
        elif not r[0].isalpha():
            # objdump marks reserved templates as [-N-] and dumps data8 lines
            if not g[1] or not g[1][0].startswith('<reserved template'):
                bad.append('%x: reserved template not recognised: %s' % (addr, g[1]))
        elif r != g:
            bad.append('%x: objdump [%s] %s | ia64sim [%s] %s' % (addr, r[0], ' ; '.join(r[1]),
                                                                 g[0], ' ; '.join(g[1])))
    return len(ref), bad


def got_any(sim, path):
    return bool(sim_bundles(sim, path))


def main():
    args = sys.argv[1:]
    group = None
    if args and args[0] == '--group':
        # one TEST line for all the files (e.g. the objects of libgcc.a)
        args.pop(0)
        group = args.pop(0)
    sim = args.pop(0)
    objdump = os.environ.get('IA64_OBJDUMP') or shutil.which('ia64-linux-gnu-objdump')
    verbose = os.environ.get('VERBOSE')
    failed = 0
    if group:
        if not objdump:
            print('TEST ia64sim.decode.%s SKIP ia64-linux-gnu-objdump not found' % group)
            return 0
        total, bad = 0, []
        for path in args:
            n, b = check(sim, objdump, path)
            total += n
            bad += ['%s %s' % (os.path.basename(path), x) for x in b]
        if bad:
            print('TEST ia64sim.decode.%s FAIL %d of %d bundles differ' % (group, len(bad), total))
            for b in bad[:int(verbose or 5)]:
                print('  ' + b)
            return 1
        print('TEST ia64sim.decode.%s PASS %d files, %d bundles' % (group, len(args), total))
        return 0
    for path in args:
        name = 'ia64sim.decode.' + os.path.basename(path)
        if not objdump:
            print('TEST %s SKIP ia64-linux-gnu-objdump not found' % name)
            continue
        n, bad = check(sim, objdump, path)
        if bad:
            failed += 1
            print('TEST %s FAIL %d of %d bundles differ' % (name, len(bad), n))
            for b in bad[:int(verbose or 5)]:
                print('  ' + b)
        elif n == 0 and got_any(sim, path):
            failed += 1
            print('TEST %s FAIL objdump found no code but ia64sim did' % name)
        else:
            print('TEST %s PASS %d bundles' % (name, n))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
