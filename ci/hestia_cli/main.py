# SPDX-License-Identifier: MIT
"""Command line of ./hestia."""
import argparse
import sys

from . import build, deps, fuzz, matrix, session
from .util import ARCHES, HestiaError, warn

USAGE = """./hestia <command> [options]

commands:
  setup                       install Debian packages and build the IA-64 gcc (cached)
  build [--arch A]            build hypervisor images (all four arches + host by default)
  run   [--arch A] [--scenario S] [--variant V]
                              boot under the emulator with the console attached
  test  [--arch A] [--scenario S] [--unit]
                              host unit tests and the boot matrix; ends 'N passed, N failed'
  debug --arch A [--scenario S]
                              QEMU stopped with its gdb stub, gdb-multiarch attached
  bench [--arch A]            deterministic (-icount) benchmark runs -> build/bench.json
  fuzz  [--minutes N] [--lines] [harness]
                              libFuzzer harnesses (tests/fuzz), coverage + hypercall success table

arches: x86_64 x86 ppc ia64"""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        if "required: command" in message:
            print(USAGE, file=sys.stderr)
        else:
            warn(f"{message} (see ./hestia --help)")
        sys.exit(2)


def _arch_opt(p, required=False):
    p.add_argument("--arch", choices=ARCHES, required=required, metavar="A",
                   help="one of: " + ", ".join(ARCHES))


def parse(argv):
    p = Parser(prog="./hestia", usage=USAGE, add_help=True)
    sub = p.add_subparsers(dest="cmd", metavar="command", parser_class=Parser)
    sub.required = True
    sub.add_parser("setup", help="install prerequisites")
    b = sub.add_parser("build", help="build")
    b.add_argument("--arch", choices=ARCHES + ("host",), metavar="A")
    r = sub.add_parser("run", help="boot interactively")
    _arch_opt(r)
    r.add_argument("--scenario", metavar="S")
    r.add_argument("--variant", metavar="V", help="boot variant (ppc: kernel, uboot)")
    t = sub.add_parser("test", help="unit tests and boot matrix")
    _arch_opt(t)
    t.add_argument("--scenario", metavar="S")
    t.add_argument("--unit", action="store_true", help="host unit tests only")
    d = sub.add_parser("debug", help="QEMU + gdb")
    _arch_opt(d, required=True)
    d.add_argument("--scenario", metavar="S")
    be = sub.add_parser("bench", help="benchmarks")
    _arch_opt(be)
    fz = sub.add_parser("fuzz", help="libFuzzer harnesses")
    fz.add_argument("--minutes", type=float, default=1.0, metavar="N",
                    help="per harness (default 1)")
    fz.add_argument("--lines", action="store_true",
                    help="then line coverage of core/ by the hypercall corpus")
    fz.add_argument("harness", nargs="?", help="one of: " + ", ".join(fuzz.HARNESSES))
    return p.parse_args(argv)


def main(argv):
    a = parse(argv)
    try:
        if a.cmd == "setup":
            deps.setup()
            return 0
        if a.cmd == "build":
            targets = [a.arch] if a.arch else ["host"] + list(ARCHES)
            errors = build.build_many(targets)
            bad = [t for t, e in errors.items() if e]
            if bad:
                warn(f"build failed for: {' '.join(bad)}")
            return 1 if bad else 0
        if a.cmd == "run":
            return session.run(a.arch or "x86_64", a.scenario, a.variant)
        if a.cmd == "test":
            if a.unit and (a.arch or a.scenario):
                raise HestiaError("--unit runs the host tests only; drop --arch/--scenario")
            return matrix.test(a.arch, a.scenario, a.unit)
        if a.cmd == "debug":
            return session.debug(a.arch, a.scenario)
        if a.cmd == "bench":
            return session.bench([a.arch] if a.arch else list(ARCHES))
        if a.cmd == "fuzz":
            return fuzz.main(a.minutes, a.harness, a.lines)
    except HestiaError as e:
        warn(str(e))
        return 1
    except KeyboardInterrupt:
        warn("interrupted")
        return 130
    return 2
