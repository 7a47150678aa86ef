# SPDX-License-Identifier: MIT
"""Command line of ./hestia."""
import argparse
import signal
import sys

from . import build, deps, fuzz, matrix, procs, profile, session
from .util import ARCHES, HestiaError, warn

USAGE = """./hestia <command> [options]

commands:
  setup [--arch A]            install Debian packages (+ the IA-64 gcc for ia64, cached);
                              all four arches by default
  build [--arch A]            build hypervisor images (all four arches + host by default;
                              ia64 includes the host build, which holds ia64sim)
  run   [--arch A] [--scenario S] [--variant V] [--ctl-port P]
                              boot under the emulator with the console attached
  test  [--arch A] [--scenario S] [--variant V] [--unit]
        [--realtime | --icount] [--repeat N] [--full] [--jobs N] [--junit FILE]
                              host unit tests and the boot matrix; ends 'N passed, N failed'
  ctl   [--port P] [--token T] CMD...
                              a command to dom0's toolstack over TCP (`./hestia run` prints the line)
  debug --arch A [--scenario S]
                              emulator (QEMU, ia64sim) stopped with its gdb stub, gdb-multiarch attached
  bench [--arch A]            deterministic (-icount) benchmark runs -> build/bench.json
        [--profile NAME]      one operation's instructions per function (gdb single-step)
  fuzz  [--minutes N] [--lines] [harness]
                              libFuzzer harnesses (tests/fuzz), coverage + hypercall success table
  format                      clang-format every C file in place (./hestia test checks it)

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


def _positive(text):
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1 or n > 10000:
        raise argparse.ArgumentTypeError(f"expected a whole number 1..10000, got '{text}'")
    return n


def _port(text):
    n = int(text) if text.isdigit() else 0
    if n < 1 or n > 65535:
        raise argparse.ArgumentTypeError(f"expected a TCP port 1..65535, got '{text}'")
    return n


def parse(argv):
    p = Parser(prog="./hestia", usage=USAGE, add_help=True)
    sub = p.add_subparsers(dest="cmd", metavar="command", parser_class=Parser)
    sub.required = True
    st = sub.add_parser("setup", help="install prerequisites")
    _arch_opt(st)
    b = sub.add_parser("build", help="build")
    b.add_argument("--arch", choices=ARCHES + ("host",), metavar="A")
    r = sub.add_parser("run", help="boot interactively")
    _arch_opt(r)
    r.add_argument("--scenario", metavar="S")
    r.add_argument("--variant", metavar="V", help="boot variant (ppc: kernel, uboot)")
    r.add_argument("--ctl-port", type=_port, metavar="P",
                   help="host port forwarded to dom0's toolstack (default: a free one)")
    c = sub.add_parser("ctl", help="a command to dom0's toolstack over TCP")
    c.add_argument("--port", type=_port, default=7777, metavar="P")
    c.add_argument("--token", metavar="T")
    c.add_argument("words", nargs="*", metavar="CMD")
    t = sub.add_parser("test", help="unit tests and boot matrix")
    _arch_opt(t)
    t.add_argument("--scenario", metavar="S")
    t.add_argument("--variant", metavar="V", help="only this boot variant's row "
                   "(x86_64: kernel, grub, uefi; x86: kernel, grub; ppc: kernel, uboot)")
    t.add_argument("--unit", action="store_true", help="host unit tests only")
    mode = t.add_mutually_exclusive_group()
    mode.add_argument("--realtime", action="store_true",
                      help="only realtime cells: no -icount, 'realtime' on the command line")
    mode.add_argument("--icount", action="store_true", help="only the deterministic cells")
    t.add_argument("--repeat", type=_positive, metavar="N", help="boot each cell N times")
    t.add_argument("--full", action="store_true", help="longer soaks: more realtime repeats")
    t.add_argument("--jobs", "-j", type=_positive, metavar="N",
                   help="boots run in parallel (default: the CPU count)")
    t.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    d = sub.add_parser("debug", help="emulator stopped at reset (QEMU or ia64sim) + gdb-multiarch")
    _arch_opt(d, required=True)
    d.add_argument("--scenario", metavar="S")
    be = sub.add_parser("bench", help="benchmarks")
    _arch_opt(be)
    be.add_argument("--profile", metavar="NAME",
                    help="where one operation's instructions go, per function (x86_64 by "
                    "default): " + ", ".join(profile.PROFILES))
    fz = sub.add_parser("fuzz", help="libFuzzer harnesses")
    fz.add_argument("--minutes", type=float, default=1.0, metavar="N",
                    help="per harness (default 1)")
    fz.add_argument("--lines", action="store_true",
                    help="then line coverage of core/ by the hypercall corpus")
    fz.add_argument("harness", nargs="?", help="one of: " + ", ".join(fuzz.HARNESSES))
    sub.add_parser("format", help="clang-format the C sources")
    return p.parse_args(argv)


def main(argv):
    a = parse(argv)
    procs.catch_signals()
    try:
        if a.cmd == "setup":
            deps.setup([a.arch] if a.arch else None)
            return 0
        if a.cmd == "build":
            targets = [a.arch] if a.arch else ["host"] + list(ARCHES)
            if a.arch == "ia64":
                targets = ["host", "ia64"]  # ia64 boots under tools/ia64sim, a host program
            deps.ensure([t for t in targets if t != "host"])
            errors = build.build_many(targets)
            bad = [t for t, e in errors.items() if e]
            if bad:
                warn(f"build failed for: {' '.join(bad)}")
            return 1 if bad else 0
        if a.cmd == "run":
            return session.run(a.arch or "x86_64", a.scenario, a.variant, ctl_port=a.ctl_port)
        if a.cmd == "ctl":
            from . import ctl
            return ctl.main(a.port, a.token, a.words)
        if a.cmd == "test":
            if a.unit and (a.arch or a.scenario or a.variant or a.realtime or a.icount
                           or a.repeat or a.full):
                raise HestiaError("--unit runs the host tests only; drop the matrix options")
            modes = ("realtime",) if a.realtime else ("icount",) if a.icount else matrix.MODES
            return matrix.test(a.arch, a.scenario, a.unit, variant=a.variant, modes=modes,
                               repeat=a.repeat, full=a.full, jobs=a.jobs, junit=a.junit)
        if a.cmd == "debug":
            return session.debug(a.arch, a.scenario)
        if a.cmd == "format":
            from . import style
            return style.format_tree()
        if a.cmd == "bench":
            if a.profile:
                return profile.main(a.arch or "x86_64", a.profile)
            return session.bench([a.arch] if a.arch else list(ARCHES))
        if a.cmd == "fuzz":
            return fuzz.main(a.minutes, a.harness, a.lines)
    except HestiaError as e:
        warn(str(e))
        return 1
    except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM / SIGHUP (procs.Interrupted)
        signum = getattr(e, "signum", signal.SIGINT)
        warn(f"interrupted ({signal.Signals(signum).name})")
        return 128 + signum
    finally:
        # Backstop: an emulator whose starter had no finally of its own.
        procs.stop_all()
    return 2
