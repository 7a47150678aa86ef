# SPDX-License-Identifier: MIT
"""`./hestia setup [--arch A]`: Debian packages, lwIP's source and the IA-64 cross gcc.

Each command sets up only what the arches it touches need: a package list
common to all, one per arch, and the IA-64 gcc for ia64 only, so
`./hestia test --arch x86_64` never builds the IA-64 gcc.  `ensure` is
cheap when everything is there (one dpkg-query call and a look at the
toolchain's `.complete` marker), so every command calls it.

Other parts of ./hestia with packages of their own call
`ensure_packages(names)`.
"""
import os
import shutil
import subprocess
import sys

from .util import ARCHES, ROOT, HestiaError, info

sys.path.insert(0, os.path.join(ROOT, "ci"))
import ia64_gcc  # noqa: E402  (ci/ia64_gcc.py)
from . import hvmguest  # noqa: E402
from . import lwip  # noqa: E402

# Every command needs these: the build system and the host build (unit
# tests, tools/ia64sim), gdb for ./hestia debug, dpkg-dev to unpack lwIP's
# source package (ci/hestia_cli/lwip.py).
COMMON_PACKAGES = ["meson", "ninja-build", "build-essential", "python3", "file", "xz-utils",
                   "gdb-multiarch", "dpkg-dev"]

# GRUB 2 on BIOS (the `grub` boot variant) and on UEFI under OVMF (`uefi`).
GRUB_BIOS_PACKAGES = ["grub-pc-bin", "grub-common", "xorriso", "mtools"]
GRUB_EFI_PACKAGES = ["grub-efi-amd64-bin", "ovmf"]

ARCH_PACKAGES = {
    "x86_64": ["qemu-system-x86"] + GRUB_BIOS_PACKAGES + GRUB_EFI_PACKAGES,
    "x86": ["qemu-system-x86", "gcc-i686-linux-gnu"] + GRUB_BIOS_PACKAGES,
    "ppc": ["qemu-system-ppc", "gcc-powerpc-linux-gnu", "u-boot-qemu", "u-boot-tools"],
    # What ci/ia64_gcc.py builds the cross gcc from and with.
    "ia64": ["binutils-ia64-linux-gnu", "gcc-12-source", "libgmp-dev", "libmpfr-dev",
             "libmpc-dev", "zlib1g-dev", "patch",
             # ia64sim has no user networking: a device-less QEMU joins its NIC's
             # socket to QEMU's user network (ci/hestia_cli/usernet.py).
             "qemu-system-x86"],
}

# apt-get waits this long for another apt/dpkg (another ./hestia, a helper
# installing its own packages) instead of failing on the dpkg lock.
APT_LOCK_WAIT_SECONDS = 900


def packages_for(arches):
    """The Debian packages the given arches need (the common list first, no repeats)."""
    out = list(COMMON_PACKAGES)
    for a in arches:
        if a not in ARCH_PACKAGES:
            raise HestiaError(f"unknown arch '{a}' (known: {', '.join(ARCHES)})")
        out += [p for p in ARCH_PACKAGES[a] if p not in out]
    return out


def missing_packages(names):
    """Packages of names that dpkg does not report as installed."""
    if not shutil.which("dpkg-query"):
        raise HestiaError("step 'check packages': dpkg-query not found; "
                          "Hestia's setup supports Debian 12 (bookworm) and derivatives")
    out = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${db:Status-Abbrev}\n"] +
                         list(names), capture_output=True, text=True).stdout
    installed = {line.split()[0].split(":")[0] for line in out.splitlines()
                 if len(line.split()) >= 2 and line.split()[1].startswith("ii")}
    return [p for p in names if p not in installed]


def _apt(args, step):
    cmd = ["apt-get", "-o", f"DPkg::Lock::Timeout={APT_LOCK_WAIT_SECONDS}"] + args
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            raise HestiaError(f"step '{step}': needs root for apt-get and sudo is not "
                              "installed; run ./hestia setup as root")
        cmd = ["sudo", "-E"] + cmd
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    info(f"setup: {' '.join(cmd)}")
    rc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL).returncode
    if rc != 0:
        raise HestiaError(f"step '{step}' failed: '{' '.join(cmd)}' exited {rc}")


def ensure_packages(names, quiet=False):
    """Install those of names that are missing (apt-get, with sudo when not root).
    Returns the list that was installed; raises HestiaError naming the step."""
    names = list(dict.fromkeys(names))
    bad = [n for n in names if not n or n.startswith("-") or any(c.isspace() for c in n)]
    if bad:
        raise HestiaError(f"step 'check packages': not a package name: {bad!r}")
    missing = missing_packages(names)
    if not missing:
        if not quiet:
            info(f"setup: all {len(names)} Debian packages installed")
        return []
    info(f"setup: installing {len(missing)} Debian packages: {' '.join(missing)}")
    _apt(["update"], "apt-get update")
    _apt(["install", "-y", "--no-install-recommends"] + missing, "apt-get install")
    still = missing_packages(missing)
    if still:
        raise HestiaError(f"step 'apt-get install': still missing: {' '.join(still)}")
    return missing


def ia64_bin_dir():
    """bin/ of the cached IA-64 gcc, or None."""
    return ia64_gcc.bin_dir()


def build_toolchain():
    try:
        return ia64_gcc.build()
    except ia64_gcc.ToolchainError as e:
        raise HestiaError(f"IA-64 gcc: {e}") from None


def setup(arches=None):
    """Full setup for arches (default: all four)."""
    arches = list(arches or ARCHES)
    steps = 3 if "ia64" in arches else 2
    info(f"setup: step 1/{steps}: Debian packages for {' '.join(arches)}")
    ensure_packages(packages_for(arches))
    info(f"setup: step 2/{steps}: lwIP source (Debian's lwip source package, cached)")
    lwip.fetch()
    if "x86_64" in arches:
        info("setup: HVM guest for x86_64 (Debian's kernel and busybox-static, cached)")
        hvmguest.fetch()
    if "ia64" in arches:
        info("setup: step 3/3: IA-64 gcc (built once per machine, cached)")
        build_toolchain()
    info("setup: done")


def ensure(arches=()):
    """What run, test, build, bench and debug call with the arches they touch
    (none: the host build only): set up only if something is missing."""
    arches = [a for a in arches if a != "host"]
    if (missing_packages(packages_for(arches)) or not lwip.source_dir()
            or ("x86_64" in arches and not hvmguest.guest_dir())
            or ("ia64" in arches and not ia64_bin_dir())):
        info(f"hestia: prerequisites for {' '.join(arches) or 'the host build'} are missing; "
             "setting them up first")
        if arches:
            setup(arches)
        else:
            ensure_packages(COMMON_PACKAGES)
            lwip.fetch()


def tool_env():
    """The environment for meson/ninja: the IA-64 gcc's bin/ first on PATH."""
    env = dict(os.environ)
    b = ia64_bin_dir()
    if b:
        env["PATH"] = b + os.pathsep + env.get("PATH", "")
    return env
