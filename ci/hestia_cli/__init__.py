# SPDX-License-Identifier: MIT
"""The implementation of ./hestia: setup, build, run, test, debug, bench."""
