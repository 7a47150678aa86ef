#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ia64sim's GDB remote protocol server, spoken to directly (no gdb needed):
registers in gdb's ia64 layout, the stacked registers through the backing
store, memory, Z0 breakpoints, continue, single step, Ctrl-C, writes, kill."""
import os
import re
import socket
import struct
import subprocess
import sys
import time

REGS_HEX = 2 * (128 * 8 + 128 * 16 + 64 * 8 + 8 * 8 + 2 * 8 + 4 * 8 + 128 * 8)
IP, PSR, CFM, BSP = 331, 332, 333, 334 + 17


class Rsp:
    def __init__(self, path, family=socket.AF_UNIX):
        # The stub's unix socket file appears at bind(), a moment before its
        # listen(): on a loaded host a connect in between is refused.  Keep
        # trying for 20 s (the simulator may also be slow to start).
        deadline = time.monotonic() + 20
        while True:
            self.s = socket.socket(family, socket.SOCK_STREAM)
            self.s.settimeout(20)
            try:
                self.s.connect(path)
                break
            except (ConnectionRefusedError, FileNotFoundError):
                self.s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b''

    def _byte(self):
        if not self.buf:
            self.buf = self.s.recv(65536)
            if not self.buf:
                raise EOFError('connection closed')
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def send(self, data, raw=False):
        if raw:
            self.s.sendall(data)
            return
        cs = sum(data.encode()) & 0xff
        self.s.sendall(b'$%s#%02x' % (data.encode(), cs))
        if self._byte() != b'+':
            raise RuntimeError('no ack for ' + data)

    def recv(self):
        while self._byte() != b'$':
            pass
        out = b''
        while True:
            b = self._byte()
            if b == b'#':
                break
            out += b
        cs = int(self._byte() + self._byte(), 16)
        if cs != sum(out) & 0xff:
            raise RuntimeError('bad checksum')
        self.s.sendall(b'+')
        return out.decode()

    def cmd(self, data):
        self.send(data)
        return self.recv()


def u64(hexstr):
    return struct.unpack('<Q', bytes.fromhex(hexstr))[0]


def elf_bytes(path, va, n):
    """n bytes at virtual address va of an ELF64 file's PT_LOAD segments."""
    data = open(path, 'rb').read()
    phoff, = struct.unpack_from('<Q', data, 32)
    phentsize, phnum = struct.unpack_from('<HH', data, 54)
    for i in range(phnum):
        ptype, _, off, vaddr, _, filesz = struct.unpack_from('<IIQQQQ', data, phoff + i * phentsize)
        if ptype == 1 and vaddr <= va < vaddr + filesz:
            return data[off + va - vaddr:off + va - vaddr + n]
    return b''


def symbols(nm, elf):
    syms = {}
    for line in subprocess.run([nm, elf], capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


class Checks:
    """TEST lines under one prefix, counting the failures."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.failed = 0

    def __call__(self, name, ok, detail=''):
        self.failed += not ok
        print('TEST %s.%s %s %s' % (self.prefix, name, 'PASS' if ok else 'FAIL', detail), flush=True)


def start_on_socket(sim, elf, sock, extra=()):
    """The simulator with its stub on unix socket sock, and a connection to it."""
    if os.path.exists(sock):
        os.unlink(sock)
    p = subprocess.Popen([sim, *extra, '--gdb', 'unix:' + sock, elf], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    for _ in range(400):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    return p


def end_sim(p):
    if p.poll() is None:
        p.kill()
    p.wait()


def smp_threads(sim, elf, nm, work):
    """--cpus 2 on asm/smp.S: the CPUs are threads 1 and 2; Hg picks whose
    registers p reads; a breakpoint in the AP's code stops thread 2."""
    syms = symbols(nm, elf)
    sock = os.path.join(work, 'gdb-smp.sock')
    check = Checks('ia64sim.gdb.smp')
    p = start_on_socket(sim, elf, sock, ('--cpus', '2'))
    try:
        r = Rsp(sock)
        check('threads', r.cmd('qfThreadInfo') == 'm1,2' and r.cmd('qsThreadInfo') == 'l' and
              r.cmd('qC') == 'QC1' and r.cmd('?') == 'T05thread:1;' and r.cmd('T2') == 'OK' and
              r.cmd('T3') == 'E01')
        info = bytes.fromhex(r.cmd('qThreadExtraInfo,2')).decode()
        check('extra-info', info == 'cpu 1 (in the boot rendezvous)', info)
        r12 = []
        for t in ('1', '2'):
            r12.append(r.cmd('Hg' + t) == 'OK' and u64(r.cmd('pc')))
        check('hg-selects', r12 == [0xffffff0, 0] and r.cmd('Hg3') == 'E01',
              'r12 of cpu 0 and cpu 1: %s' % r12)
        r.cmd('Hg0')
        check('break-on-ap', r.cmd('Z0,%x,0' % syms['ap_entry']) == 'OK' and
              r.cmd('c') == 'T05thread:2;' and r.cmd('qC') == 'QC2' and
              u64(r.cmd('p%x' % IP)) == syms['ap_entry'] and u64(r.cmd('p1')) == 0x5a5a,
              'stopped on cpu 1 at the rendezvous ip with its gp')
        r.cmd('z0,%x,0' % syms['ap_entry'])
        r.send('D')
        r.recv()
        so, se = p.communicate(timeout=30)
        check('detach-runs-on', p.returncode == 0 and so == 's\n', 'exit %d out %r' % (p.returncode, so))
    except (OSError, EOFError, RuntimeError, subprocess.TimeoutExpired) as e:
        check('protocol', False, str(e))
    finally:
        end_sim(p)
    return check.failed


def main():
    sim, elf, nm, work = sys.argv[1:5]
    syms = symbols(nm, elf)
    check = Checks('ia64sim.gdb')
    p = start_on_socket(sim, elf, os.path.join(work, 'gdb.sock'))
    try:
        r = Rsp(os.path.join(work, 'gdb.sock'))
        check('stop-reply', r.cmd('?') == 'S05')
        g = r.cmd('g')
        check('g-layout', len(g) == REGS_HEX and u64(r.cmd('p%x' % IP)) == syms['_start'],
              '%d hex digits, gdb ia64 wants %d' % (len(g), REGS_HEX))
        check('z0', r.cmd('Z0,%x,0' % syms['target']) == 'OK')
        check('continue-to-break', r.cmd('c') == 'S05' and u64(r.cmd('p%x' % IP)) == syms['target'])
        regs = r.cmd('g')
        r32_34 = [u64(regs[16 * n:16 * n + 16]) for n in (32, 33, 34)]
        cfm = u64(r.cmd('p%x' % CFM))
        bsp = u64(r.cmd('p%x' % BSP))
        # gdb reads r32.. from memory below bsp - sof (ia64-tdep.c): the stub
        # serves them from the register stack
        mem = r.cmd('m%x,18' % (bsp - 8 * (cfm & 0x7f)))
        stacked = [u64(mem[16 * i:16 * i + 16]) for i in range(3)] if len(mem) == 48 else []
        check('stacked-registers', r32_34 == [0x1111, 0x2222, 0x3333] and cfm & 0x7f == 3 and
              stacked == r32_34, 'g %s, backing store %s' % (r32_34, stacked))
        want = elf_bytes(elf, syms['target'], 16)
        got = r.cmd('m%x,10' % syms['target'])
        check('memory-read', bytes.fromhex(got) == want, 'the bundle at target')
        check('write-register', r.cmd('P20=%s' % struct.pack('<Q', 0x4444).hex()) == 'OK' and
              u64(r.cmd('p20')) == 0x4444)
        r.cmd('z0,%x,0' % syms['target'])
        check('single-step', r.cmd('s') == 'S05' and u64(r.cmd('p%x' % IP)) == syms['target'] and
              (u64(r.cmd('p%x' % PSR)) >> 41) & 3 == 1, 'ip/slot after one step')
        # write the stacked r32 through the backing store, as gdb's "set $r32" does
        r.cmd('M%x,8:%s' % (bsp - 24, struct.pack('<Q', 0x5555).hex()))
        r.send('c')
        time.sleep(0.3)
        r.send(b'\x03', raw=True)
        stop = r.recv()
        check('interrupt', stop == 'S02' and u64(r.cmd('p%x' % IP)) == syms['spin'], stop)
        check('register-write-took-effect', u64(r.cmd('m200000,8')) == 0x4444,
              'the program stored r8 = r32 after gdb set r32')
        check('stacked-write-through-backing-store', u64(r.cmd('p20')) == 0x5555)
        check('bad-packet', r.cmd('m%x,8' % (1 << 62)).startswith('E'))
        r.send('k')
        rc = p.wait(timeout=10)
        check('kill', rc == 137, 'exit %d' % rc)
    except (OSError, EOFError, RuntimeError, subprocess.TimeoutExpired) as e:
        check('protocol', False, str(e))
    finally:
        end_sim(p)
    # TCP on 127.0.0.1 with a port the kernel picks (no fixed ports in tests)
    p = subprocess.Popen([sim, '--gdb', 'tcp:0', elf], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        line = p.stderr.readline()
        m = re.search(r'listening on 127\.0\.0\.1:(\d+)', line)
        r = Rsp(('127.0.0.1', int(m.group(1))), socket.AF_INET) if m else None
        ok = r is not None and r.cmd('?') == 'S05' and u64(r.cmd('p%x' % IP)) == syms['_start']
        if r:
            r.send('k')
        check('tcp', ok and p.wait(timeout=10) == 137, line.strip())
    except (OSError, EOFError, RuntimeError, subprocess.TimeoutExpired) as e:
        check('tcp', False, str(e))
    finally:
        end_sim(p)
    smp_elf = os.path.join(work, 'smp.elf')
    if os.path.exists(smp_elf):
        check.failed += smp_threads(sim, smp_elf, nm, work)
    rc = subprocess.run([sim, '--gdb', 'serial:/dev/ttyS0', elf], capture_output=True, text=True)
    check('bad-address', rc.returncode == 2 and 'unix:PATH or tcp:PORT' in rc.stderr,
          'exit %d' % rc.returncode)
    return 1 if check.failed else 0


if __name__ == '__main__':
    sys.exit(main())
