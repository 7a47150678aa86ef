# SPDX-License-Identifier: MIT
"""lwIP, dom0's TCP/IP stack, from Debian's `lwip` source package.

Nothing of lwIP is in the repository.  `./hestia setup` fetches the
source package once per machine with `apt-get source` (which verifies it
against the signed archive and applies Debian's patches with dpkg-source)
and caches the unpacked tree next to the IA-64 gcc, outside the repo.

apt needs a deb-src entry to fetch a source package, and Debian 12's
default sources list has none.  Rather than edit the machine's
/etc/apt/sources.list.d, setup writes its own sources file and apt state
under the cache directory (`apt-src/`) and points apt-get at them only;
the system's package lists are not touched.
"""
import os
import re
import shutil
import sys

from .util import ROOT, FileLock, HestiaError, info, run_logged

sys.path.insert(0, os.path.join(ROOT, "ci"))
import ia64_gcc  # noqa: E402  (ci/ia64_gcc.py: cache_root)

PACKAGE = "lwip"
# The release the port (ports/lwip/include/lwipopts.h) was written for.
UPSTREAM_VERSION = "2.1.3"
DEB_SRC = """Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""
COMPLETE = ".complete"


def cache_dir():
    return os.path.join(ia64_gcc.cache_root(), f"lwip-{UPSTREAM_VERSION}")


def source_dir():
    """The unpacked lwIP tree (has src/include/lwip/init.h), or None if not fetched."""
    d = cache_dir()
    marker = os.path.join(d, COMPLETE)
    if not os.path.exists(marker):
        return None
    with open(marker) as f:
        tree = f.read().strip()
    return tree if os.path.isfile(os.path.join(tree, "src", "include", "lwip", "init.h")) else None


def meson_option():
    """The -D option every meson configure of this tree passes (meson_options.txt)."""
    return f"-Dlwip_src={source_dir() or ''}"


def _apt_options(base):
    return ["-o", f"Dir::Etc::SourceList={os.path.join(base, 'hestia-src.sources')}",
            "-o", "Dir::Etc::SourceParts=/dev/null",
            "-o", f"Dir::State::Lists={os.path.join(base, 'lists')}",
            "-o", f"Dir::Cache={os.path.join(base, 'cache')}"]


def _check_version(tree):
    with open(os.path.join(tree, "src", "include", "lwip", "init.h")) as f:
        text = f.read()
    got = ".".join(re.search(rf"#define LWIP_VERSION_{k}\s+(\d+)", text).group(1)
                   for k in ("MAJOR", "MINOR", "REVISION"))
    if got != UPSTREAM_VERSION:
        raise HestiaError(f"step 'fetch lwIP': Debian's lwip source is version {got}, "
                          f"the port is written for {UPSTREAM_VERSION}; "
                          "update ports/lwip and ci/hestia_cli/lwip.py together")


def fetch():
    """Fetch and unpack the source package unless cached.  Returns the tree."""
    tree = source_dir()
    if tree:
        return tree
    d = cache_dir()
    os.makedirs(d, exist_ok=True)
    with FileLock(os.path.join(d, "fetch.lock"), "fetching lwIP"):
        tree = source_dir()
        if tree:
            return tree
        base = os.path.join(d, "apt-src")
        for sub in ("lists/partial", "cache/archives/partial"):
            os.makedirs(os.path.join(base, sub), exist_ok=True)
        with open(os.path.join(base, "hestia-src.sources"), "w") as f:
            f.write(DEB_SRC)
        log = os.path.join(d, "fetch.log")
        info(f"setup: lwIP: adding a deb-src entry of our own ({base}/hestia-src.sources; "
             "the system's apt sources are not changed) and fetching Debian's lwip source")
        opts = _apt_options(base)
        run_logged(["apt-get"] + opts + ["update"], base, "apt-get update (deb-src)", log)
        unpack = os.path.join(d, "src")
        shutil.rmtree(unpack, ignore_errors=True)
        os.makedirs(unpack)
        run_logged(["apt-get"] + opts + ["source", PACKAGE], unpack, "apt-get source lwip", log)
        trees = [os.path.join(unpack, n) for n in sorted(os.listdir(unpack))
                 if os.path.isdir(os.path.join(unpack, n, "src", "include", "lwip"))]
        if len(trees) != 1:
            raise HestiaError(f"step 'fetch lwIP': expected one unpacked tree in {unpack}, "
                              f"found {len(trees)}; log {log}")
        _check_version(trees[0])
        with open(os.path.join(d, COMPLETE), "w") as f:
            f.write(trees[0] + "\n")
        info(f"setup: lwIP {UPSTREAM_VERSION}: cached at {trees[0]}")
        return trees[0]
