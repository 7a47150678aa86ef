# SPDX-License-Identifier: MIT
"""`./hestia fuzz` and the bounded fuzz step of `./hestia test`.

The libFuzzer harnesses of tests/fuzz/ (docs/testing.md, "Fuzzing") need
clang with libFuzzer, so they live in their own build directory, build/fuzz,
configured with CC=clang.  Each run starts from the seeds in the repository
(tests/fuzz/corpus/<harness>/) plus what earlier runs on this machine found
(build/fuzz/corpus/<harness>/); crashes and hangs are written to
build/fuzz/artifacts/<harness>/ and named in the verdict.

A harness FAILS when libFuzzer stops on a crash, a sanitizer report, a leak,
a time-out or an invariant of the harness, and the hypercall harness also
when fewer than a third of its calls succeeded, in total or for any one
hypercall (each must be called at all).
"""
import os
import re
import shutil
import subprocess
import time

from . import deps, lwip
from .util import BUILD, LOGS, ROOT, HestiaError, info, rel, tail

HARNESSES = ("hypercall", "elf", "fdt", "multiboot", "toolstack", "restore")
# Debian 12: clang-14 and its runtime libraries (libFuzzer, ASan, UBSan).
FUZZ_PACKAGES = ["clang", "libclang-rt-14-dev", "llvm"]  # llvm: llvm-cov for --lines
BOUNDED_SECONDS = 50      # per harness in ./hestia test
PARALLEL = 2              # harnesses run at once
MIN_SUCCESS_SHARE = 1 / 3  # of the hypercall harness's calls, in total and per hypercall
FUZZ_BUILD = os.path.join(BUILD, "fuzz")
SEEDS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def _binary(h):
    return os.path.join(FUZZ_BUILD, "tests", "fuzz", f"fuzz_{h}")


def build():
    """Configure and build build/fuzz.  Returns None, or the reason the harnesses cannot run."""
    cc = shutil.which("clang")
    if not cc:
        return "clang not installed (Debian: apt-get install " + " ".join(FUZZ_PACKAGES) + ")"
    os.makedirs(LOGS, exist_ok=True)
    log = os.path.join(LOGS, "build-fuzz.log")
    env = dict(os.environ, CC="clang")
    with open(log, "w") as f:
        def step(cmd):
            f.write(f"$ {' '.join(cmd)}\n")
            f.flush()
            rc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL).returncode
            if rc != 0:
                raise HestiaError(f"fuzz build failed (exit {rc}), log {rel(log)}:\n"
                                  + tail(log, 15))
        if not os.path.exists(os.path.join(FUZZ_BUILD, "build.ninja")):
            shutil.rmtree(FUZZ_BUILD, ignore_errors=True)
            step(["meson", "setup", FUZZ_BUILD, lwip.meson_option()])
        else:
            step(["meson", "setup", "--reconfigure", FUZZ_BUILD, lwip.meson_option()])  # prints the SKIP reason again
        with open(log, errors="replace") as r:
            why = [ln.split("fuzz: SKIP: ", 1)[1].strip()
                   for ln in r if "fuzz: SKIP: " in ln]
        if why:
            return why[0]
        # Only the harnesses: the rest of the host tree is gcc's business.
        step(["ninja", "-C", FUZZ_BUILD, "-j", str(os.cpu_count() or 2)]
             + [f"tests/fuzz/fuzz_{h}" for h in HARNESSES])
    return None


CORPUS_CAP = 400  # machine corpus files before it is minimized (replaying it eats the budget)


def _minimize(harness, corpus, log):
    """Shrink a grown machine corpus with libFuzzer's -merge (same coverage, fewer files).

    Again only once it has doubled since the last merge: a minimized corpus
    can stay above CORPUS_CAP, and a merge costs one replay of it.
    """
    mark = corpus + ".merged"
    try:
        with open(mark) as f:
            last = int(f.read().strip() or 0)
    except (OSError, ValueError):
        last = 0
    if len(os.listdir(corpus)) <= max(CORPUS_CAP, 2 * last):
        return
    fresh = corpus + ".merge"
    shutil.rmtree(fresh, ignore_errors=True)
    os.makedirs(fresh)
    with open(log, "w") as f:
        rc = subprocess.run([_binary(harness), "-merge=1", fresh, corpus], stdout=f,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode
    if rc == 0 and os.listdir(fresh):
        shutil.rmtree(corpus)
        os.rename(fresh, corpus)
        with open(mark, "w") as f:
            f.write(f"{len(os.listdir(corpus))}\n")
    else:
        shutil.rmtree(fresh, ignore_errors=True)


class Run:
    """One harness run: the libFuzzer process, its log and, once done, its verdict."""

    def __init__(self, harness, seconds):
        self.h = harness
        self.seconds = seconds
        self.log = os.path.join(LOGS, f"fuzz-{harness}.log")
        self.corpus = os.path.join(FUZZ_BUILD, "corpus", harness)
        self.artifacts = os.path.join(FUZZ_BUILD, "artifacts", harness) + os.sep
        os.makedirs(self.corpus, exist_ok=True)
        os.makedirs(self.artifacts, exist_ok=True)
        _minimize(harness, self.corpus, os.path.join(LOGS, f"fuzz-{harness}-merge.log"))
        cmd = [_binary(harness), f"-max_total_time={seconds}", "-timeout=10",
               "-rss_limit_mb=2048", "-print_final_stats=1", f"-artifact_prefix={self.artifacts}",
               self.corpus, os.path.join(SEEDS, harness)]
        self.out = open(self.log, "w")
        self.out.write("$ " + " ".join(cmd) + "\n")
        self.out.flush()
        env = dict(os.environ, UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env)
        self.verdict, self.detail, self.cov, self.stats = None, "", None, {}

    def finish(self):
        try:
            rc = self.proc.wait(timeout=self.seconds + 120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.out.close()
        with open(self.log, errors="replace") as f:
            text = f.read()
        covs = re.findall(r"\bcov: (\d+)", text)
        self.cov = int(covs[-1]) if covs else None
        for name, ok, calls in re.findall(r"^HCSTAT (\S+) (\d+) (\d+)$", text, re.M):
            self.stats[name] = (int(ok), int(calls))
        repro = re.findall(r"Test unit written to (\S+)", text)
        cause = (re.findall(r"^(FUZZ INVARIANT.*|SUMMARY: .*|==\d+==ERROR: .*)$", text, re.M)
                 or [f"exit {rc}"])
        if rc != 0 or repro:
            where = f", reproducer {rel(repro[-1])}" if repro else ""
            self.verdict = "FAIL"
            self.detail = f"{cause[0].strip()}{where} (log {rel(self.log)})"
            return
        if self.h == "hypercall":
            low = [f"{name} {ok}/{calls}" for name, (ok, calls) in self.stats.items()
                   if calls == 0 or ok < calls * MIN_SUCCESS_SHARE]
            if low or not self.stats:
                self.verdict = "FAIL"
                self.detail = (f"fewer than 1/3 of the calls succeeded: "
                               f"{', '.join(low) or 'no statistics'} (log {rel(self.log)})")
                return
        self.verdict = "PASS"
        self.detail = f"cov: {self.cov} in {self.seconds} s"
        if self.h == "hypercall":
            ok, calls = self.stats["total"]
            self.detail += f", {ok}/{calls} calls succeeded ({100 * ok / calls:.0f}%)"


def run_all(harnesses, seconds, parallel=PARALLEL):
    """Run the harnesses, parallel at a time; returns the finished Runs in order."""
    done, pending = [], list(harnesses)
    while pending:
        batch, pending = pending[:parallel], pending[parallel:]
        info(f"fuzz: {' '.join(batch)} for {seconds} s each")
        runs = [Run(h, seconds) for h in batch]
        for r in runs:
            r.finish()
            info(f"TEST fuzz.{r.h} {r.verdict} {r.detail}")
            done.append(r)
    return done


def print_table(runs):
    """Coverage of each harness and the hypercall success table."""
    print("\nharness     cov    verdict")
    for r in runs:
        print(f"{r.h:<11} {str(r.cov if r.cov is not None else '-'):>5}  {r.verdict}")
    for r in runs:
        if r.stats:
            print("\nhypercall          ok   calls  success")
            for name, (ok, calls) in r.stats.items():
                share = f"{100 * ok / calls:5.1f}%" if calls else "    -"
                print(f"{name:<16} {ok:>6} {calls:>7}  {share}")
    print()


def run_bounded(counts, seconds=BOUNDED_SECONDS):
    """The fuzz step of ./hestia test: every harness for a bounded time, as TEST lines."""
    start = time.time()
    try:
        deps.ensure_packages(FUZZ_PACKAGES)
    except HestiaError as e:
        why = f"clang/libFuzzer not installable here: {str(e).splitlines()[0]}"
    else:
        try:
            why = build()
        except HestiaError as e:  # the harnesses do not compile: a real failure
            for h in HARNESSES:
                info(f"TEST fuzz.{h} FAIL {str(e).splitlines()[0]}")
                counts.add(f"fuzz.{h}", "FAIL", str(e).splitlines()[0])
            return
    if why:
        for h in HARNESSES:
            info(f"TEST fuzz.{h} SKIP {why}")
            counts.add(f"fuzz.{h}", "SKIP", why)
        return
    runs = run_all(HARNESSES, seconds)
    for r in runs:
        counts.add(f"fuzz.{r.h}", r.verdict, r.detail)
    print_table(runs)
    info(f"fuzz: done in {time.time() - start:.0f} s (logs build/logs/fuzz-*.log)")


def line_coverage():
    """Per-file line coverage of core/ and hal/lib by the hypercall corpus (llvm-cov)."""
    env = dict(os.environ, CC="clang")
    log = os.path.join(LOGS, "fuzz-lines.log")
    prof = os.path.join(FUZZ_BUILD, "hypercall.profraw")
    data = os.path.join(FUZZ_BUILD, "hypercall.profdata")
    binary = _binary("hypercall") + "_cov"
    with open(log, "w") as f:
        for cmd, extra in (
                (["ninja", "-C", FUZZ_BUILD, "tests/fuzz/fuzz_hypercall_cov"], {}),
                ([binary, "-runs=0", os.path.join(FUZZ_BUILD, "corpus", "hypercall"),
                  os.path.join(SEEDS, "hypercall")], {"LLVM_PROFILE_FILE": prof}),
                (["llvm-profdata", "merge", "-o", data, prof], {})):
            f.write("$ " + " ".join(cmd) + "\n")
            f.flush()
            if subprocess.run(cmd, cwd=ROOT, env=dict(env, **extra), stdout=f,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode:
                raise HestiaError(f"line coverage: '{cmd[0]}' failed, log {rel(log)}")
    out = subprocess.run(["llvm-cov", "report", binary, f"-instr-profile={data}"],
                         capture_output=True, text=True).stdout
    print("\nlines covered by the hypercall corpus (llvm-cov)")
    covered = total = 0
    for ln in out.splitlines():
        cols = ln.split()
        if len(cols) < 10 or not re.search(r"(^|/)(core|hal/lib)/[^ ]+\.c$", cols[0]):
            continue
        lines, missed = int(cols[7]), int(cols[8])
        covered, total = covered + lines - missed, total + lines
        name = cols[0].split(ROOT + os.sep)[-1].split("../../")[-1]
        print(f"  {name:<28} {lines - missed:>5}/{lines:<5} {cols[9]:>7}")
    if total:
        print(f"  {'total':<28} {covered:>5}/{total:<5} {100 * covered / total:6.2f}%")


def main(minutes, harness, lines=False):
    """./hestia fuzz [--minutes N] [harness]: longer runs, then the coverage and success table."""
    names = [harness] if harness else list(HARNESSES)
    for n in names:
        if n not in HARNESSES:
            raise HestiaError(f"unknown harness '{n}' (one of: {', '.join(HARNESSES)})")
    deps.ensure_packages(FUZZ_PACKAGES)
    why = build()
    if why:
        raise HestiaError(f"fuzz: SKIP: {why}")
    runs = run_all(names, max(1, int(minutes * 60)))
    print_table(runs)
    failed = [r for r in runs if r.verdict != "PASS"]
    if lines:
        line_coverage()
    for r in failed:
        print(f"  FAIL fuzz.{r.h}: {r.detail}")
    print(f"{len(runs) - len(failed)} passed, {len(failed)} failed", flush=True)
    return 1 if failed else 0
