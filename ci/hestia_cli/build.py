# SPDX-License-Identifier: MIT
"""`./hestia build`: meson setup + ninja per target, output logged to build/logs/."""
import os
import shutil
import subprocess

from . import deps, hvmguest, lwip
from .util import BUILD, LOGS, ROOT, FileLock, HestiaError, info, rel, tail

CROSS_TOOLS = {
    "x86": "i686-linux-gnu-gcc",
    "x86_64": "gcc",
    "ppc": "powerpc-linux-gnu-gcc",
    "ia64": "ia64-linux-gnu-gcc",
}


def build_dir(target):
    return os.path.join(BUILD, target)


def _check_tools(target, env):
    for tool in ("meson", "ninja"):
        if not shutil.which(tool, path=env["PATH"]):
            raise HestiaError(f"step 'build {target}': {tool} not found; run ./hestia setup")
    cc = CROSS_TOOLS.get(target, "cc")
    if not shutil.which(cc, path=env["PATH"]):
        hint = ("the IA-64 gcc is built by ./hestia setup" if target == "ia64"
                else "run ./hestia setup")
        raise HestiaError(f"step 'build {target}': compiler {cc} not found ({hint})")


# Written into build/<target>/ after `meson setup` succeeded; a directory
# without it is a configure that was interrupted (or failed) and is redone.
CONFIGURED_MARKER = ".hestia-configured"


def build(target, quiet=False):
    """Configure (once) and build one target: "host" or an arch.  Returns the build dir.

    An flock on build/<target>.lock serializes concurrent ./hestia commands
    on the same tree: the second waits (and says so), then finds the work
    done and ninja has nothing left to do.  ninja itself redoes any step
    that did not finish (it records a command only when it succeeded).
    """
    env = deps.tool_env()
    _check_tools(target, env)
    bdir = build_dir(target)
    os.makedirs(LOGS, exist_ok=True)
    log = os.path.join(LOGS, f"build-{target}.log")
    with FileLock(bdir + ".lock", f"building {rel(bdir)}"), open(log, "w") as f:
        marker = os.path.join(bdir, CONFIGURED_MARKER)
        # x86_64 also builds the HVM guest's initramfs from the cached Debian packages.
        options = [lwip.meson_option()] + ([hvmguest.meson_option()]
                                           if target == "x86_64" else [])
        if os.path.exists(marker) and _marker_options(marker) != options:
            # Configured before lwIP (or the HVM guest) was fetched, or with
            # another copy of it: configure again from scratch (below).
            f.write(f"{rel(bdir)} was configured with another lwIP source or HVM guest; "
                    "configuring again\n")
            os.remove(marker)
        if not os.path.exists(marker):
            if os.path.exists(bdir):
                # We hold the lock: this is no one else's work in progress.
                f.write(f"{rel(bdir)} has no {CONFIGURED_MARKER}: an interrupted "
                        "configure; starting it again\n")
                shutil.rmtree(bdir)
            cmd = ["meson", "setup", bdir] + options
            if target != "host":
                cmd += ["--cross-file", os.path.join(ROOT, "ci", "cross", f"{target}.ini"),
                        f"-Darch={target}"]
            _step(f"configure {target}", cmd, f, log, env)
            with open(marker, "w") as m:
                m.write("meson setup done\n" + "".join(o + "\n" for o in options))
        jobs = str(os.cpu_count() or 2)
        _step(f"build {target}", ["ninja", "-C", bdir, "-j", jobs], f, log, env)
    if not quiet:
        info(f"build: {target} ok ({rel(bdir)}, log {rel(log)})")
    return bdir


def _marker_options(marker):
    """The -D options (-Dlwip_src=..., -Dhvm_guest=...) a build directory was configured
    with ([''] if none recorded)."""
    with open(marker) as m:
        lines = m.read().splitlines()
    return lines[1:] if len(lines) > 1 else [""]


def _step(step, cmd, f, log, env):
    f.write(f"$ {' '.join(cmd)}\n")
    f.flush()
    rc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL).returncode
    if rc != 0:
        f.flush()
        raise HestiaError(f"step '{step}' failed (exit {rc}), log {rel(log)}:\n" + _errors(log))


def _errors(log):
    """The compiler's or meson's error lines, else the end of the log."""
    text = tail(log, 400).splitlines()
    errs = [ln for ln in text if "error" in ln.lower() or ln.startswith("FAILED")]
    return "\n".join("    " + ln for ln in (errs[:12] if errs else text[-15:]))


def build_many(targets):
    """Build each target; returns {target: error message or None}."""
    errors = {}
    for t in targets:
        info(f"build: {t} ...")
        try:
            build(t)
            errors[t] = None
        except HestiaError as e:
            errors[t] = str(e)
            info(f"build: {t} FAILED: {e}")
    return errors
