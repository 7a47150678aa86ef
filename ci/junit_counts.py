#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that a JUnit file from `./hestia test --junit FILE` counts the same
tests as the closing `N passed, N failed[, N skipped]` line of that run.

usage: python3 ci/junit_counts.py JUNIT.xml CONSOLE.log   (exit 0: they agree)
"""
import re
import sys
import xml.etree.ElementTree as ET

CLOSING = re.compile(r"^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$")


def junit_counts(path):
    cases = ET.parse(path).getroot().iter("testcase")
    passed = failed = skipped = 0
    for tc in cases:
        if tc.find("failure") is not None or tc.find("error") is not None:
            failed += 1
        elif tc.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def closing_counts(path):
    with open(path, errors="replace") as f:
        lines = [ln.strip() for ln in f if ln.strip()]
    m = CLOSING.match(lines[-1]) if lines else None
    if not m:
        raise ValueError(f"{path}: the last line is not 'N passed, N failed': "
                         f"{lines[-1] if lines else '(empty)'!r}")
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        j, c = junit_counts(argv[0]), closing_counts(argv[1])
    except (OSError, ValueError, ET.ParseError) as e:
        print(f"junit_counts: {e}", file=sys.stderr)
        return 1
    text = "{} passed, {} failed, {} skipped"
    if j != c:
        print(f"junit_counts: MISMATCH: JUnit {text.format(*j)}, closing line {text.format(*c)}")
        return 1
    print(f"junit_counts: JUnit and the closing line agree: {text.format(*j)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
