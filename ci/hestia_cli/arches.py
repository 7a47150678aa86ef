# SPDX-License-Identifier: MIT
"""How each arch is booted: emulator command lines and exit channels.

The contract with arch/<a>/meson.build (files in build/<a>/arch/<a>/):
  hestia.elf     the hypervisor ELF with symbols (gdb loads it)      every arch;
                 the file booted on ppc (-kernel) and ia64 (ia64sim)
  hestia.bin     what QEMU's Multiboot loader boots: a 32-bit ELF      x86, x86_64
                 (x86_64: objcopy -O elf32-i386 of hestia.elf)
  hestia.uimg    legacy U-Boot uImage (mkimage) for the "uboot" variant  ppc
Boot modules (scenario "modules": image paths relative to build/<a>/):
  x86, x86_64  Multiboot modules via -initrd "file cmdline,file cmdline"; QEMU
               hands "file cmdline" as the module string (the file name is the
               first word; paths are relative to build/<arch>, where QEMU runs).
  ppc          each module is loaded raw with -device loader at 64 MiB and up
               (1 MiB aligned) and announced on the hypervisor command line
               (the DTB's /chosen/bootargs) as `module=<hex addr>,<size>,<cmdline>`
               with spaces in the cmdline written as '+'.  The same on both
               variants: U-Boot keeps QEMU's /chosen/bootargs (its own bootargs
               variable is unset) and relocates the DTB below 64 MiB, so the
               modules are untouched (arch/ppc/README.md).
  ia64         passed to ia64sim as extra files after the image (it lists them
               in its boot table); the hypervisor command line via --cmdline,
               followed by one `module=<cmdline>` word per module (spaces as '+').
Exit channels (the hypervisor's hal_platform_exit(status)):
  x86, x86_64  write status to port 0xf4 (isa-debug-exit): QEMU exits
               (status << 1) | 1, so 1 = pass, 3 = fail; rc 0 means a triple
               fault or reset with -no-reboot, which is never a pass.
  ppc          pass: GUTS RSTCR = 2 with -no-reboot -> rc 0;
               fail: pvpanic-pci with -action panic=exit-failure -> rc 1.
  ia64         ia64sim exits with the SSC exit status: 0 = pass.
"""
import os

from .util import BUILD

QEMU_MEMORY = "256M"
PPC_MODULE_BASE = 0x04000000
IA64SIM = os.path.join(BUILD, "host", "tools", "ia64sim", "ia64sim")


class Launch:
    """One emulator invocation: argv, and what the exit code means."""

    def __init__(self, argv, exit_kind, image, cwd=None):
        self.argv = argv
        self.exit_kind = exit_kind
        self.image = image
        self.cwd = cwd  # working directory of the emulator (None: the caller's)


def arch_dir(arch):
    return os.path.join(BUILD, arch, "arch", arch)


def elf_path(arch):
    return os.path.join(arch_dir(arch), "hestia.elf")


def boot_path(arch, variant):
    name = "hestia.bin" if arch in ("x86", "x86_64") else "hestia.elf"
    if arch == "ppc" and variant == "uboot":
        name = "hestia.uimg"
    return os.path.join(arch_dir(arch), name)


def variants(arch):
    """Boot variants an arch supports; the first is the default."""
    return ["kernel", "uboot"] if arch == "ppc" else ["kernel"]


def modules_paths(arch, modules):
    out = []
    for m in modules:
        path = os.path.join(BUILD, arch, m["image"].replace("{arch}", arch))
        out.append((path, m.get("cmdline", "")))
    return out


def launch(arch, variant, cfg, mode):
    """Build the Launch for arch/variant with scenario settings cfg.

    mode: "capture" (serial to stdout, which the runner sends to a log),
    "interactive" (console on the terminal), "bench" (capture + -icount),
    "debug" (capture to a log, gdb stub on a unix socket cfg["gdb_socket"], stopped;
    QEMU -S -gdb, ia64sim --gdb).
    """
    image = boot_path(arch, variant)
    mods = modules_paths(arch, cfg.get("modules", []))
    cmdline = cfg.get("cmdline", "")
    extra = list(cfg.get("qemu_args", []))
    if mode == "bench" or (cfg.get("deterministic") and mode != "interactive"):
        # Guest time = instruction count (1 ns each) and idle time skipped:
        # timings do not depend on the host's load, runs repeat exactly.
        extra += ["-icount", "shift=0,sleep=off"]
    if mode == "debug":
        extra += ["-S", "-gdb", f"unix:{cfg['gdb_socket']},server=on,wait=off"]
    mem = cfg.get("memory", QEMU_MEMORY)
    if arch in ("x86", "x86_64"):
        # QEMU's Multiboot strings start with the file name and a module's
        # string reaches the guest in 48 bytes (start_info.h): run from
        # build/<arch> with relative paths so the words after it survive.
        bdir = os.path.join(BUILD, arch)
        image_rel = os.path.relpath(image, bdir)
        mods = [(os.path.relpath(p, bdir), c) for p, c in mods]
        qemu = "qemu-system-i386" if arch == "x86" else "qemu-system-x86_64"
        argv = [qemu, "-kernel", image_rel, "-m", mem, "-no-reboot", "-display", "none",
                "-nic", "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
        if arch == "x86_64":
            argv += ["-cpu", cfg.get("cpu", "qemu64,+svm,+npt")]
        else:
            # qemu32 lacks NX; the 32-bit port's PAE tables use it for MMU_PERM_EXEC.
            argv += ["-cpu", cfg.get("cpu", "qemu32,+nx")]
        argv += ["-serial", "mon:stdio" if mode == "interactive" else "stdio"]
        if mode != "interactive":
            argv += ["-monitor", "none"]
        if cmdline:
            argv += ["-append", cmdline]
        if mods:
            argv += ["-initrd", ",".join(
                (p.replace(",", ",,") + (" " + c if c else "")) for p, c in mods)]
        return Launch(argv + extra, "isa-debug-exit", image, cwd=bdir)
    if arch == "ppc":
        argv = ["qemu-system-ppc", "-M", "ppce500", "-cpu", "e500v2", "-m", mem,
                "-nographic", "-no-reboot", "-nic", "none",
                "-device", "pvpanic-pci", "-action", "panic=exit-failure"]
        if variant == "uboot":
            argv += ["-bios", "/usr/lib/u-boot/qemu-ppce500/uboot.elf"]
        argv += ["-kernel", image]
        addr = PPC_MODULE_BASE
        for path, c in mods:
            size = os.path.getsize(path) if os.path.exists(path) else 0
            argv += ["-device", f"loader,file={path},addr={addr:#x},force-raw=on"]
            cmdline += f" module={addr:#x},{size},{c.replace(' ', '+')}"
            addr += (size + 0xFFFFF) & ~0xFFFFF
        if cmdline.strip():
            argv += ["-append", cmdline.strip()]
        return Launch(argv + extra, "ppc", image)
    if arch == "ia64":
        argv = [IA64SIM] + list(cfg.get("sim_args", []))
        if mode == "debug":
            argv += ["--gdb", f"unix:{cfg['gdb_socket']}"]
        # ia64sim's boot table has file names only: module command lines
        # travel as module=<words joined by +> (arch/ia64/boot.c).
        for _, c in mods:
            cmdline += f" module={c.replace(' ', '+')}"
        if cmdline.strip():
            argv += ["--cmdline", cmdline.strip()]
        argv += [image] + [p for p, _ in mods]
        return Launch(argv, "status", image)
    raise ValueError(f"unknown arch {arch}")


def exit_verdict(kind, rc):
    """(passed, text) for an emulator exit code on an exit channel."""
    if kind == "isa-debug-exit":
        if rc == 1:
            return True, "isa-debug-exit 0 (pass)"
        if rc == 0:
            return False, "QEMU exited 0: triple fault or reset, not isa-debug-exit"
        if rc > 1 and rc & 1 and rc < 256:
            return False, f"isa-debug-exit {rc >> 1} (failure)"
        return False, f"QEMU exit code {rc}"
    if kind == "ppc":
        if rc == 0:
            return True, "GUTS reset (pass)"
        if rc == 1:
            return False, "pvpanic (failure) or QEMU error"
        return False, f"QEMU exit code {rc}"
    if rc == 0:
        return True, "exit status 0 (pass)"
    if rc == 124:
        return False, "ia64sim instruction limit reached"
    if rc == 125:
        return False, "ia64sim: unimplemented instruction or unhandled interruption"
    return False, f"exit status {rc}"


def missing_prereq(arch):
    """Reason an arch cannot run at all (SKIP), or None."""
    if arch == "ia64" and not os.path.exists(IA64SIM):
        return f"ia64sim not built ({os.path.relpath(IA64SIM, os.path.dirname(BUILD))})"
    return None
