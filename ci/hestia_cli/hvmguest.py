# SPDX-License-Identifier: MIT
"""The HVM scenarios' guest: Debian 12's stock kernel and busybox-static.

Nothing of either is in the repository.  `./hestia setup` downloads the
binary packages once per machine with `apt-get download` (verified by apt
against the signed archive): the kernel image package that
`linux-image-amd64` depends on, and `busybox-static`.  They are unpacked
with `dpkg-deb -x` into the cache next to the IA-64 gcc, never installed
on the host.  The build turns busybox and tools/hvm/init into an initramfs
(tools/mkinitramfs.py, cpio newc) beside the kernel (docs/hvm.md).
"""
import glob
import os
import shutil
import subprocess
import sys

from .util import ROOT, FileLock, HestiaError, info, run_logged

sys.path.insert(0, os.path.join(ROOT, "ci"))
import ia64_gcc  # noqa: E402  (ci/ia64_gcc.py: cache_root)

META = "linux-image-amd64"
BUSYBOX = "busybox-static"
COMPLETE = ".complete"


def cache_dir():
    return os.path.join(ia64_gcc.cache_root(), "hvm-guest")


def guest_dir():
    """The unpacked tree (has vmlinuz and busybox), or None if not fetched."""
    d = cache_dir()
    if not os.path.exists(os.path.join(d, COMPLETE)):
        return None
    ok = all(os.path.isfile(os.path.join(d, n)) for n in ("vmlinuz", "busybox"))
    return d if ok else None


def meson_option():
    """The -D option every meson configure of this tree passes (meson_options.txt)."""
    return f"-Dhvm_guest={guest_dir() or ''}"


def _kernel_package(log):
    """The versioned image package linux-image-amd64 depends on."""
    out = subprocess.run(["apt-cache", "depends", META], capture_output=True, text=True)
    with open(log, "a") as f:
        f.write(f"$ apt-cache depends {META}\n{out.stdout}{out.stderr}")
    for line in out.stdout.splitlines():
        word = line.strip()
        if word.startswith("Depends:") and "linux-image-" in word:
            return word.split(":", 1)[1].strip()
    raise HestiaError(f"step 'fetch HVM guest': apt-cache depends {META} names no kernel "
                      f"image package (log {log}); run apt-get update?")


def fetch():
    """Download and unpack both packages unless cached.  Returns the directory."""
    d = guest_dir()
    if d:
        return d
    d = cache_dir()
    os.makedirs(d, exist_ok=True)
    with FileLock(os.path.join(d, "fetch.lock"), "fetching the HVM guest"):
        if guest_dir():
            return d
        log = os.path.join(d, "fetch.log")
        kpkg = _kernel_package(log)
        info(f"setup: HVM guest: apt-get download {kpkg} {BUSYBOX} into {d} "
             "(unpacked there, not installed)")
        debs = os.path.join(d, "debs")
        tree = os.path.join(d, "tree")
        shutil.rmtree(debs, ignore_errors=True)
        shutil.rmtree(tree, ignore_errors=True)
        os.makedirs(debs)
        run_logged(["apt-get", "download", kpkg, BUSYBOX], debs, "apt-get download", log)
        for deb in sorted(glob.glob(os.path.join(debs, "*.deb"))):
            run_logged(["dpkg-deb", "-x", deb, tree], debs, "dpkg-deb -x", log)
        kernels = glob.glob(os.path.join(tree, "boot", "vmlinuz-*"))
        busybox = os.path.join(tree, "bin", "busybox")
        if len(kernels) != 1 or not os.path.isfile(busybox):
            raise HestiaError(f"step 'fetch HVM guest': expected one boot/vmlinuz-* and "
                              f"bin/busybox in {tree} (log {log})")
        shutil.copyfile(kernels[0], os.path.join(d, "vmlinuz"))
        shutil.copyfile(busybox, os.path.join(d, "busybox"))
        with open(os.path.join(d, COMPLETE), "w") as f:
            f.write(f"{os.path.basename(kernels[0])} {BUSYBOX}\n")
        # Only the two files are used: the kernel's modules (~400 MB) go.
        shutil.rmtree(tree, ignore_errors=True)
        shutil.rmtree(debs, ignore_errors=True)
        return d
