# SPDX-License-Identifier: MIT
"""How each arch is booted: emulator command lines and exit channels.

The contract with arch/<a>/meson.build (files in build/<a>/arch/<a>/):
  hestia.elf     the hypervisor ELF with symbols (gdb loads it)      every arch;
                 the file booted on ppc (-kernel) and ia64 (ia64sim)
  hestia.bin     what QEMU's Multiboot loader boots: a 32-bit ELF      x86, x86_64
                 (x86_64: objcopy -O elf32-i386 of hestia.elf)
  hestia.uimg    legacy U-Boot uImage (mkimage) for the "uboot" variant  ppc
Boot variants (the first is the default; the others are extra matrix rows):
  x86_64  kernel (QEMU's Multiboot loader), grub (GRUB 2 from a grub-mkrescue
          ISO under SeaBIOS), uefi (GRUB 2 EFI from the ISO under OVMF)
  x86     kernel, grub
  ppc     kernel (-kernel ELF), uboot (U-Boot's bootm of hestia.uimg)
  ia64    kernel (ia64sim)
  The grub and uefi ISOs are made per scenario (grub.cfg holds the module
  lines) in build/<arch>/boot-iso/, named by a hash of grub.cfg's inputs and
  made again when the image or a module is newer than the ISO.
Boot modules (scenario "modules": image paths relative to build/<a>/):
  x86, x86_64  Multiboot modules via -initrd "file cmdline,file cmdline"; QEMU
               hands "file cmdline" as the module string (the file name is the
               first word; paths are relative to build/<arch>, where QEMU runs).
               Under GRUB (`module /boot/modN word...`) the module string is
               the command line alone, without a file name.
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
import atexit
import hashlib
import os
import shutil
import subprocess
import tempfile

from .util import BUILD, FileLock, HestiaError

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


VARIANTS = {
    "x86_64": ["kernel", "grub", "uefi", "smp2", "smp4"],
    "x86": ["kernel", "grub", "smp2", "smp4"],
    "ppc": ["kernel", "uboot", "smp2", "smp4"],
    "ia64": ["kernel", "smp2", "smp4"],
}

# GRUB platform directories for grub-mkrescue -d (Debian: grub-pc-bin,
# grub-efi-amd64-bin) and the firmware of the uefi variant (Debian: ovmf).
GRUB_PLATFORM = {"grub": "/usr/lib/grub/i386-pc", "uefi": "/usr/lib/grub/x86_64-efi"}
OVMF = "/usr/share/ovmf/OVMF.fd"

# Seconds a boot variant adds to a scenario's timeout: firmware and GRUB run
# before the hypervisor.  OVMF under -icount shift=0 takes about 1m45s to
# reach GRUB on a loaded two-core host.
BOOT_OVERHEAD = {"grub": 30, "uefi": 240, "smp2": 120, "smp4": 240}

# Boot variants that are the default boot with several CPUs (QEMU -smp N).
SMP_VARIANTS = {"smp2": 2, "smp4": 4}


def smp_args(cpus, icount):
    """QEMU options for cpus CPUs: -smp N, and in realtime runs MTTCG (one host
    thread per CPU, real concurrency).  -icount cannot have MTTCG: there QEMU
    runs the CPUs round-robin on one thread, deterministically."""
    if not cpus or cpus <= 1:
        return []
    return ["-smp", str(cpus)] + ([] if icount else ["-accel", "tcg,thread=multi"])


def variants(arch):
    """Boot variants an arch supports; the first is the default."""
    return list(VARIANTS.get(arch, ["kernel"]))


def boot_overhead(variant):
    """Seconds to add to a scenario's timeout for this boot variant."""
    return BOOT_OVERHEAD.get(variant, 0)


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
    extra = [_scratch_disk(a) for a in cfg.get("qemu_args", [])]
    if mode == "bench" or (cfg.get("deterministic") and mode != "interactive"):
        # Guest time = instruction count (1 ns each) and idle time skipped:
        # timings do not depend on the host's load, runs repeat exactly.
        extra += ["-icount", "shift=0,sleep=off"]
    elif cfg.get("icount") and mode != "interactive":
        # e.g. sleep=on: idle time passes in host time (a peer's clock is the host's)
        extra += ["-icount", cfg["icount"]]
    cpus = cfg.get("cpus") or SMP_VARIANTS.get(variant)
    if arch != "ia64":
        extra += smp_args(cpus, "-icount" in extra)
    if mode == "debug":
        extra += ["-S", "-gdb", f"unix:{cfg['gdb_socket']},server=on,wait=off"]
    mem = cfg.get("memory", QEMU_MEMORY)
    if arch in ("x86", "x86_64"):
        # QEMU's Multiboot strings start with the file name and a module's
        # string reaches the guest in 48 bytes (start_info.h): run from
        # build/<arch> with relative paths so the words after it survive.
        bdir = os.path.join(BUILD, arch)
        qemu = "qemu-system-i386" if arch == "x86" else "qemu-system-x86_64"
        argv = [qemu, "-m", mem, "-no-reboot", "-display", "none", "-nic", "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
        if arch == "x86_64":
            argv += ["-cpu", cfg.get("cpu", "qemu64,+svm,+npt")]
        else:
            # qemu32 lacks NX; the 32-bit port's PAE tables use it for MMU_PERM_EXEC.
            argv += ["-cpu", cfg.get("cpu", "qemu32,+nx")]
        argv += ["-serial", "mon:stdio" if mode == "interactive" else "stdio"]
        if mode != "interactive":
            argv += ["-monitor", "none"]
        if variant in GRUB_PLATFORM:
            image = grub_iso(arch, variant, image, mods, cmdline)
            if variant == "uefi":
                argv += ["-bios", OVMF]
            argv += ["-cdrom", image, "-boot", "d"]
            return Launch(argv + extra, "isa-debug-exit", image, cwd=bdir)
        image_rel = os.path.relpath(image, bdir)
        mods = [(os.path.relpath(p, bdir), c) for p, c in mods]
        argv += ["-kernel", image_rel]
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
        argv = [IA64SIM] + [_scratch_disk(a) for a in cfg.get("sim_args", [])]
        if cpus and cpus > 1:
            # ia64sim runs its CPUs round-robin (--quantum) in either timing mode.
            argv += ["--cpus", str(cpus)]
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


# A scenario's sim_args or qemu_args may name "{disk}": a fresh zero-filled
# disk image for that one boot (a sequence of boots, sequence.py, substitutes
# one image of its own first) (ia64sim's --disk wants a regular file of whole
# sectors), removed when ./hestia exits.
SCRATCH_DISK_BYTES = 1 << 20


def _scratch_disk(arg):
    if "{disk}" not in arg:
        return arg
    d = os.path.join(BUILD, "disks")
    os.makedirs(d, exist_ok=True)
    fd, path = tempfile.mkstemp(prefix="disk-", suffix=".img", dir=d)
    os.ftruncate(fd, SCRATCH_DISK_BYTES)
    os.close(fd)
    atexit.register(lambda: os.path.exists(path) and os.remove(path))
    return arg.replace("{disk}", path)


def _grub_words(text, what):
    """A command line as GRUB script words: each word single-quoted, so ';',
    '$' and the like stay literal, and GRUB joins them back with one space
    (an argument with a space in it would reach the kernel in quotes)."""
    words = text.split()
    if any("'" in w for w in words):
        raise HestiaError(f"{what}: a single quote cannot pass through grub.cfg: {text!r}")
    return " ".join(f"'{w}'" for w in words)


def grub_iso(arch, variant, image, mods, cmdline):
    """The grub-mkrescue ISO that boots image with mods (paths, cmdlines)
    through GRUB's multiboot + module lines; made once per content."""
    if not os.path.exists(image) or any(not os.path.exists(p) for p, _ in mods):
        return image  # the runner reports the missing file
    # Named by what grub.cfg says, remade when an input is newer than it.
    h = hashlib.sha256(f"{variant}\n{cmdline}\n".encode())
    for p, c in [(image, "")] + mods:
        h.update(f"{os.path.abspath(p)} {c}\n".encode())
    out_dir = os.path.join(BUILD, arch, "boot-iso")
    iso = os.path.join(out_dir, f"{variant}-{h.hexdigest()[:16]}.iso")
    newest = max(os.stat(p).st_mtime_ns for p in [image] + [p for p, _ in mods])

    def fresh():
        return os.path.exists(iso) and os.stat(iso).st_mtime_ns >= newest

    if fresh():
        return iso
    platform = GRUB_PLATFORM[variant]
    if not os.path.isdir(platform):
        raise HestiaError(f"{arch}/{variant}: {platform} missing; run ./hestia setup "
                          f"--arch {arch}")
    lines = ["set timeout=0", "set default=0", 'menuentry "hestia" {',
             f"    multiboot /boot/hestia.bin {_grub_words(cmdline, 'command line')}".rstrip()]
    for i, (_, c) in enumerate(mods):
        lines.append(f"    module /boot/mod{i} {_grub_words(c, f'module {i}')}".rstrip())
    lines += ["    boot", "}"]
    os.makedirs(out_dir, exist_ok=True)
    # Parallel boots of the same scenario share the ISO: one makes it.
    with FileLock(iso + ".lock", f"making {os.path.basename(iso)}", say=lambda m: None):
        if fresh():
            return iso
        with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
            root = os.path.join(tmp, "root")
            os.makedirs(os.path.join(root, "boot", "grub"))
            shutil.copy(image, os.path.join(root, "boot", "hestia.bin"))
            for i, (p, _) in enumerate(mods):
                shutil.copy(p, os.path.join(root, "boot", f"mod{i}"))
            with open(os.path.join(root, "boot", "grub", "grub.cfg"), "w") as f:
                f.write("\n".join(lines) + "\n")
            part = os.path.join(tmp, "out.iso")
            tool = shutil.which("grub-mkrescue")
            if not tool:
                raise HestiaError(f"{arch}/{variant}: grub-mkrescue not found; run "
                                  f"./hestia setup --arch {arch}")
            r = subprocess.run([tool, "-d", platform, "-o", part, root],
                               capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if r.returncode != 0 or not os.path.exists(part):
                raise HestiaError(f"{arch}/{variant}: grub-mkrescue failed (exit "
                                  f"{r.returncode}): {r.stderr.strip()[-400:]}")
            os.rename(part, iso)  # complete or absent, never half-written
    try:
        os.unlink(iso + ".lock")
    except FileNotFoundError:
        pass  # a process that waited for the same ISO removed it already
    return iso


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
