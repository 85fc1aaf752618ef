"""The ``race-replay`` command line (also ``python -m sim``); the commands themselves are in :mod:`sim.cli.commands`.

This module stays light on purpose: a Ctrl-C while the commands' modules are still loading (numpy, pandas,
matplotlib take a moment) is caught here, so it too stops with one line and exit status 130, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, 2 for an error, 130 when interrupted)."""
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        if words == ["--version"]:  # answered before the commands' modules load (they read the seeds' manifest)
            from sim.version import version

            print(f"race-replay {version()}")
            return 0
        from sim.cli.commands import main as run

        return run(words)
    except KeyboardInterrupt:
        print("race-replay: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
