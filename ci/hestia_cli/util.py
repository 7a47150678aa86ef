# SPDX-License-Identifier: MIT
"""Paths, errors and small helpers shared by the subcommands."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
LOGS = os.path.join(BUILD, "logs")
ARCHES = ("x86_64", "x86", "ppc", "ia64")  # the order of the matrix


class HestiaError(Exception):
    """A failure with a message for the user; ./hestia prints it and exits 1."""


def info(msg):
    print(msg, flush=True)


def warn(msg):
    print(f"hestia: {msg}", file=sys.stderr, flush=True)


def rel(path):
    """path relative to the repository, for messages."""
    try:
        return os.path.relpath(path, ROOT)
    except ValueError:
        return path


def tail(path, lines=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""
