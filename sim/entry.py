"""The ``race-replay`` console script: catches a Ctrl-C even while the command line's modules are still loading."""

from __future__ import annotations

import sys


def main() -> int:
    try:
        from sim.cli import main as run

        return run()
    except KeyboardInterrupt:
        print("race-replay: interrupted", file=sys.stderr)
        return 130
