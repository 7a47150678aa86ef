# SPDX-License-Identifier: MIT
"""Runs inside gdb-multiarch (`gdb -batch -x profile_gdb.py`) for profile.py.

Settings come in gdb convenience variables set on the command line before
this file runs ($sock, $guest, $begin_sym, $start_sym, $end_sym, $limit,
$seconds, $out): attach to
the emulator's stub, load the guest's symbols next to the hypervisor's, stop
at the profile point, single-step to its start, then on to its end, and
write one line per instruction executed between them to $out: the pc, then
gdb's `info symbol` for it.  Stepping with
the stub's defaults (QEMU masks interrupts and timers while it steps) keeps
the trace to the operation itself.

Each step is the stub's own single step, a raw `s` packet, not gdb's
`stepi`: on ppc gdb does not single-step an atomic sequence (lwarx ...
stwcx.) but puts breakpoints after it and continues, and a continue lets
the whole machine run, timers and interrupts included, until some context
reaches one of those breakpoints.  The evtchn-roundtrip profile has such
sequences in both domains (set_flag, evtchn_do_upcall): one `stepi` in
the peer let dom0 run its whole profiled round trip unseen, the start
point was never stepped on and the profiler stepped on through the rest
of the bench until its step limit (900 s, no result).
"""
import time

import gdb  # noqa: F401  (provided by gdb)


def setting(name):
    return gdb.convenience_variable(name).string()


def symbol_of(pc, cache):
    if pc not in cache:
        text = gdb.execute(f"info symbol {pc:#x}", to_string=True).strip()
        cache[pc] = "?" if text.startswith("No symbol") else text
    return cache[pc]


def step():
    """One instruction: a raw `s` packet (see above), and gdb's register
    cache dropped so that $pc is read afresh.  The stub answers a step with
    a stop reply (T05... / S05); anything else (the machine exited: W / X,
    an error: E) ends the profile with what the stub said."""
    answer = gdb.execute("maint packet s", to_string=True)
    reply = answer.rsplit("received:", 1)[-1].strip().strip('"')
    if not reply.startswith(("T", "S")):
        raise gdb.GdbError(f"the stub answered a single step with {reply!r}, not a stop")
    gdb.execute("maint flush register-cache", to_string=True)


def cont():
    """continue to the profile point.  On ppc the emulator's debug accesses
    translate through the software-refilled TLB, so a guest page with no
    TLB entry at that moment cannot be read ("Cannot access memory"); gdb
    reads the stack when it stops, which the profile does not need: such an
    error only drops gdb's register cache."""
    try:
        gdb.execute("continue", to_string=True)
    except gdb.MemoryError:
        gdb.execute("maint flush register-cache", to_string=True)


def where(pc, cache):
    """The function pc is in, for an error message."""
    return symbol_of(pc, cache).split(" in section ")[0]


def main():
    sock, guest, out = setting("sock"), setting("guest"), setting("out")
    limit = int(setting("limit"))
    deadline = time.monotonic() + float(setting("seconds"))
    start_sym, end_sym = setting("start_sym"), setting("end_sym")
    for c in ("set confirm off", "set pagination off", "set width 0",
              f"target remote {sock}", f"add-symbol-file {guest}"):
        gdb.execute(c, to_string=True)
    begin = int(gdb.parse_and_eval(f"(unsigned long)&{setting('begin_sym')}"))
    start = int(gdb.parse_and_eval(f"(unsigned long)&{start_sym}"))
    end = int(gdb.parse_and_eval(f"(unsigned long)&{end_sym}"))
    gdb.execute(f"break *{begin:#x}", to_string=True)
    cont()
    pc = int(gdb.parse_and_eval("$pc"))
    if pc != begin:
        raise gdb.GdbError(f"stopped at {pc:#x}, not at the profile point {begin:#x}")
    gdb.execute("delete", to_string=True)
    cache = {}

    def out_of_time(what, steps, pc):
        if time.monotonic() > deadline:
            raise gdb.GdbError(f"{what}: {steps} steps in {setting('seconds')} s, "
                               f"last in {where(pc, cache)} ({pc:#x})")

    # Step, uncounted, through the first run of the operation: the stop above
    # let guest time move on, which sends it down slower paths (bench.c).
    steps = 0
    while (pc := int(gdb.parse_and_eval("$pc"))) != start:
        if pc == end:  # the first run ends at the start point: a step went past it
            raise gdb.GdbError(f"stepped onto {end_sym} after {steps} steps without passing "
                               f"{start_sym}: a step ran more than one instruction")
        if steps == limit:
            raise gdb.GdbError(f"{start_sym} not reached in {limit} steps "
                               f"(last in {where(pc, cache)})")
        out_of_time(f"{start_sym} not reached", steps, pc)
        step()
        steps += 1
    lines, reached = [], False
    while len(lines) < limit:
        pc = int(gdb.parse_and_eval("$pc"))
        if pc == end:
            reached = True
            break
        lines.append(f"{pc:#x} {symbol_of(pc, cache)}")
        out_of_time(f"{end_sym} not reached", len(lines), pc)
        step()
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
        f.write("@@end reached\n" if reached else f"@@limit {limit} reached\n")
    gdb.execute("detach", to_string=True)


try:
    main()
except Exception as e:  # noqa: BLE001  (reported to profile.py through the output)
    with open(setting("out"), "a") as f:
        f.write(f"@@error {e}\n")
except KeyboardInterrupt:  # Ctrl-C reaches gdb too (./hestia's process group)
    with open(setting("out"), "a") as f:
        f.write("@@interrupted (SIGINT in gdb)\n")
