# SPDX-License-Identifier: MIT
"""Build the IA-64 C cross compiler from Debian's gcc-12-source, once per machine.

Debian ships binutils-ia64-linux-gnu but no ia64 gcc, so Hestia builds a
C-only, freestanding gcc (all-gcc + libgcc) and caches it outside the repo,
keyed by the gcc and binutils versions.  A finished install carries a
`.complete` marker, written last; anything without it is rebuilt from
scratch.  An flock on `<install dir>.lock` serializes concurrent builders
(see build()).
"""
import os
import shutil
import subprocess
import sys
import time

from hestia_cli.util import FileLock

GCC_SRC_DIR = "/usr/src/gcc-12"
PATCHES = ["gcc-gfdl-build.diff", "ia64-disable-selective-scheduling.diff"]
TARGET = "ia64-linux-gnu"


class ToolchainError(Exception):
    """A named step of the toolchain build failed."""


def cache_root():
    base = os.environ.get("HESTIA_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "hestia")
    return base


def _tarball():
    if not os.path.isdir(GCC_SRC_DIR):
        raise ToolchainError(f"step 'find gcc source': {GCC_SRC_DIR} is missing "
                             "(apt-get install gcc-12-source)")
    for name in sorted(os.listdir(GCC_SRC_DIR)):
        if name.startswith("gcc-") and name.endswith(".tar.xz"):
            return os.path.join(GCC_SRC_DIR, name)
    raise ToolchainError(f"step 'find gcc source': no gcc-*.tar.xz in {GCC_SRC_DIR}")


def _binutils_version():
    try:
        out = subprocess.run([f"{TARGET}-as", "--version"], capture_output=True,
                             text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        raise ToolchainError(f"step 'find binutils': {TARGET}-as not found "
                             "(apt-get install binutils-ia64-linux-gnu)")
    return out.split("\n")[0].split()[-1]


def install_dir():
    """Where the toolchain for the installed gcc source and binutils lives."""
    gcc = os.path.basename(_tarball()).replace(".tar.xz", "").replace("gcc-", "")
    return os.path.join(cache_root(), f"ia64-gcc-{gcc}-binutils-{_binutils_version()}-v1")


def bin_dir():
    """The bin/ directory of a complete toolchain, or None if not built yet."""
    try:
        prefix = install_dir()
    except ToolchainError:
        return None
    if os.path.exists(os.path.join(prefix, ".complete")):
        return os.path.join(prefix, "bin")
    return None


def _run(step, cmd, cwd, log):
    print(f"  [{time.strftime('%H:%M:%S')}] {step} ...", flush=True)
    with open(log, "a") as f:
        f.write(f"\n=== {step}: {' '.join(cmd)}\n")
        f.flush()
        rc = subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT).returncode
    if rc != 0:
        raise ToolchainError(f"step '{step}' failed (exit {rc}); see the end of {log}")


def _run_make_with_progress(step, cmd, cwd, log, env):
    """make can take ~20 minutes: print a heartbeat with the objects built so far."""
    print(f"  [{time.strftime('%H:%M:%S')}] {step} (about 20 minutes on 2 cores) ...", flush=True)
    start = time.time()
    with open(log, "a") as f:
        f.write(f"\n=== {step}: {' '.join(cmd)}\n")
        f.flush()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT, env=env)
        while True:
            try:
                rc = proc.wait(timeout=60)
                break
            except subprocess.TimeoutExpired:
                done = sum(1 for _, _, files in os.walk(os.path.join(cwd, "gcc"))
                           for n in files if n.endswith(".o"))
                print(f"    {int(time.time() - start) // 60} min, {done} objects built",
                      flush=True)
    if rc != 0:
        raise ToolchainError(f"step '{step}' failed (exit {rc}); see the end of {log}")


def build(jobs=None, compile_fn=None, prefix=None, say=print):
    """Build and install the toolchain unless a complete one is cached. Returns bin dir.

    Safe to run from several processes at once: an flock on <prefix>.lock
    makes a second one wait (it says so) and then find the first one's
    result.  Only the holder of the lock deletes anything, so a build tree
    is never deleted under a running build; what it finds without the
    `.complete` marker (written last, by rename) is an interrupted build
    and is redone from scratch.

    compile_fn(work, prefix, log, jobs) does the actual work (default: the
    gcc build below); the tests pass a quick fake.
    """
    prefix = prefix or install_dir()
    complete = os.path.join(prefix, ".complete")
    if os.path.exists(complete):
        say(f"ia64 gcc: cached at {prefix}/bin")
        return os.path.join(prefix, "bin")
    with FileLock(prefix + ".lock", "building the IA-64 gcc", say=say):
        if os.path.exists(complete):  # another process finished it while we waited
            say(f"ia64 gcc: cached at {prefix}/bin (built by the process we waited for)")
            return os.path.join(prefix, "bin")
        work = prefix + ".build"
        for leftover in (work, prefix):
            if os.path.exists(leftover):
                say(f"ia64 gcc: removing {leftover}, left by an interrupted build")
                shutil.rmtree(leftover)
        os.makedirs(work)
        log = os.path.join(work, "build.log")
        say(f"ia64 gcc: building into {prefix} (log: {log})")
        (compile_fn or _compile_gcc)(work, prefix, log, jobs or os.cpu_count() or 2)
        os.makedirs(prefix, exist_ok=True)
        shutil.copy(log, os.path.join(prefix, "build.log"))
        shutil.rmtree(work, ignore_errors=True)
        with open(complete + ".tmp", "w") as f:
            f.write("ok\n")
            f.flush()
            os.fsync(f.fileno())
        os.rename(complete + ".tmp", complete)
    say(f"ia64 gcc: done, {prefix}/bin")
    return os.path.join(prefix, "bin")


def _compile_gcc(work, prefix, log, jobs):
    """Unpack, patch, configure, make and install gcc from work/ into prefix."""
    tarball = _tarball()
    _run("unpack gcc source", ["tar", "xf", tarball], work, log)
    srcs = [d for d in os.listdir(work) if d.startswith("gcc-") and
            os.path.isdir(os.path.join(work, d))]
    if len(srcs) != 1:
        raise ToolchainError("step 'unpack gcc source': unexpected tarball layout")
    src = os.path.join(work, srcs[0])
    for p in PATCHES:
        _run(f"apply {p}", ["patch", "-p2", "-i", os.path.join(GCC_SRC_DIR, "patches", p)],
             src, log)
    obj = os.path.join(work, "obj")
    os.makedirs(obj)
    env = dict(os.environ, CFLAGS="-O2 -g0", CXXFLAGS="-O2 -g0",
               CFLAGS_FOR_TARGET="-O2 -g0", LC_ALL="C")
    configure = [
        os.path.join(src, "configure"), f"--target={TARGET}", f"--prefix={prefix}",
        f"--with-as=/usr/bin/{TARGET}-as", f"--with-ld=/usr/bin/{TARGET}-ld",
        "--without-headers", "--with-newlib", "--disable-shared", "--disable-threads",
        "--enable-languages=c", "--disable-multilib", "--disable-nls", "--disable-bootstrap",
        "--disable-libssp", "--disable-libgomp", "--disable-libquadmath",
        "--disable-libatomic", "--disable-libsanitizer", "--disable-libvtv",
        "--disable-libitm", "--disable-decimal-float", "--disable-werror",
        "--with-system-zlib",
    ]
    print(f"  [{time.strftime('%H:%M:%S')}] configure ...", flush=True)
    with open(log, "a") as f:
        rc = subprocess.run(configure, cwd=obj, stdout=f, stderr=subprocess.STDOUT,
                            env=env).returncode
    if rc != 0:
        raise ToolchainError(f"step 'configure gcc' failed (exit {rc}); see {log}")
    jobs = jobs or os.cpu_count() or 2
    _run_make_with_progress("make all-gcc", ["make", f"-j{jobs}", "all-gcc"], obj, log, env)
    _run_make_with_progress("make all-target-libgcc",
                            ["make", f"-j{jobs}", "all-target-libgcc"], obj, log, env)
    _run("install gcc", ["make", "install-strip-gcc", "install-strip-target-libgcc"], obj, log)
    gcc = os.path.join(prefix, "bin", f"{TARGET}-gcc")
    if not os.path.exists(gcc):
        raise ToolchainError(f"step 'install gcc': {gcc} missing after install")


if __name__ == "__main__":
    try:
        build()
    except ToolchainError as e:
        print(f"hestia setup: {e}", file=sys.stderr)
        sys.exit(1)
