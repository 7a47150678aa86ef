# SPDX-License-Identifier: MIT
"""Runs inside gdb-multiarch (`gdb -batch -x profile_gdb.py`) for profile.py.

Settings come in gdb convenience variables set on the command line before
this file runs ($sock, $guest, $begin_sym, $start_sym, $end_sym, $limit, $out): attach to
the emulator's stub, load the guest's symbols next to the hypervisor's, stop
at the profile point, single-step to its start, then on to its end, and
write one line per instruction executed between them to $out: the pc, then
gdb's `info symbol` for it.  Stepping with
the stub's defaults (QEMU masks interrupts and timers while it steps) keeps
the trace to the operation itself.
"""
import gdb  # noqa: F401  (provided by gdb)


def setting(name):
    return gdb.convenience_variable(name).string()


def symbol_of(pc, cache):
    if pc not in cache:
        text = gdb.execute(f"info symbol {pc:#x}", to_string=True).strip()
        cache[pc] = "?" if text.startswith("No symbol") else text
    return cache[pc]


def run(command):
    """continue / stepi.  On ppc the emulator's debug accesses translate
    through the software-refilled TLB, so a guest page with no TLB entry at
    that moment cannot be read ("Cannot access memory").  gdb reads the
    instruction at $pc before a stepi (ppc's atomic-sequence check) and the
    stack when it stops; the profile needs neither.  A step gdb refused is
    sent to the stub as a raw `s` packet, and gdb's register cache dropped
    so that $pc is read afresh (seen: a stepi onto a page the guest had not
    run yet, 0x20120000, once the guest's layout moved)."""
    try:
        gdb.execute(command, to_string=True)
    except gdb.MemoryError:
        if command == "stepi":
            gdb.execute("maint packet s", to_string=True)
        gdb.execute("maint flush register-cache", to_string=True)


def main():
    sock, guest, out = setting("sock"), setting("guest"), setting("out")
    limit = int(setting("limit"))
    for c in ("set confirm off", "set pagination off", "set width 0",
              f"target remote {sock}", f"add-symbol-file {guest}"):
        gdb.execute(c, to_string=True)
    begin = int(gdb.parse_and_eval(f"(unsigned long)&{setting('begin_sym')}"))
    start = int(gdb.parse_and_eval(f"(unsigned long)&{setting('start_sym')}"))
    end = int(gdb.parse_and_eval(f"(unsigned long)&{setting('end_sym')}"))
    gdb.execute(f"break *{begin:#x}", to_string=True)
    run("continue")
    pc = int(gdb.parse_and_eval("$pc"))
    if pc != begin:
        raise gdb.GdbError(f"stopped at {pc:#x}, not at the profile point {begin:#x}")
    gdb.execute("delete", to_string=True)
    # Step, uncounted, through the first run of the operation: the stop above
    # let guest time move on, which sends it down slower paths (bench.c).
    steps = 0
    while int(gdb.parse_and_eval("$pc")) != start:
        if steps == limit:
            raise gdb.GdbError(f"the profile's start not reached in {limit} steps")
        run("stepi")
        steps += 1
    cache, lines, reached = {}, [], False
    while len(lines) < limit:
        pc = int(gdb.parse_and_eval("$pc"))
        if pc == end:
            reached = True
            break
        lines.append(f"{pc:#x} {symbol_of(pc, cache)}")
        run("stepi")
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
