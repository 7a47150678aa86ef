# SPDX-License-Identifier: MIT
"""`./hestia setup`: Debian packages and the IA-64 cross gcc.

Idempotent and cheap when everything is there: one dpkg-query call and a
look at the toolchain's `.complete` marker, so run and test call it freely.
"""
import os
import shutil
import subprocess
import sys

from .util import ROOT, HestiaError, info

sys.path.insert(0, os.path.join(ROOT, "ci"))
import ia64_gcc  # noqa: E402  (ci/ia64_gcc.py)

PACKAGES = [
    "qemu-system-x86", "qemu-system-ppc", "gcc-i686-linux-gnu", "gcc-powerpc-linux-gnu",
    "meson", "ninja-build", "u-boot-qemu", "u-boot-tools", "gcc-12-source", "gdb-multiarch",
    "binutils-ia64-linux-gnu", "libgmp-dev", "libmpfr-dev", "libmpc-dev", "zlib1g-dev",
    "build-essential", "xz-utils", "file", "patch", "python3",
]


def missing_packages(names=None):
    """Packages of names (default PACKAGES) that dpkg does not report as installed."""
    names = PACKAGES if names is None else list(names)
    if not shutil.which("dpkg-query"):
        raise HestiaError("step 'check packages': dpkg-query not found; "
                          "Hestia's setup supports Debian 12 (bookworm) and derivatives")
    out = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${db:Status-Abbrev}\n"] + names,
                         capture_output=True, text=True).stdout
    installed = {line.split()[0].split(":")[0] for line in out.splitlines()
                 if len(line.split()) >= 2 and line.split()[1].startswith("ii")}
    return [p for p in names if p not in installed]


def _apt(args, step):
    cmd = ["apt-get"] + args
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


def install_packages():
    missing = missing_packages()
    if not missing:
        info(f"setup: all {len(PACKAGES)} Debian packages installed")
        return
    info(f"setup: installing {len(missing)} Debian packages: {' '.join(missing)}")
    _apt(["update"], "apt-get update")
    _apt(["install", "-y", "--no-install-recommends"] + missing, "apt-get install")
    still = missing_packages()
    if still:
        raise HestiaError(f"step 'apt-get install': still missing: {' '.join(still)}")


def ensure_packages(names):
    """Install those of the Debian packages names that are missing (for optional steps)."""
    missing = missing_packages(names)
    if missing:
        info(f"setup: installing {' '.join(missing)}")
        _apt(["update"], "apt-get update")
        _apt(["install", "-y", "--no-install-recommends"] + missing, "apt-get install")


def ia64_bin_dir():
    """bin/ of the cached IA-64 gcc, or None."""
    return ia64_gcc.bin_dir()


def build_toolchain():
    try:
        return ia64_gcc.build()
    except ia64_gcc.ToolchainError as e:
        raise HestiaError(f"IA-64 gcc: {e}") from None


def setup():
    info("setup: step 1/2: Debian packages")
    install_packages()
    info("setup: step 2/2: IA-64 gcc (built once per machine, cached)")
    build_toolchain()
    info("setup: done")


def ensure():
    """What run and test call: full setup only if something is missing."""
    if missing_packages() or not ia64_bin_dir():
        info("hestia: some prerequisites are missing; running setup first")
        setup()


def tool_env():
    """The environment for meson/ninja: the IA-64 gcc's bin/ first on PATH."""
    env = dict(os.environ)
    b = ia64_bin_dir()
    if b:
        env["PATH"] = b + os.pathsep + env.get("PATH", "")
    return env
