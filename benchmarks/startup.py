"""Benchmark: how long the command line takes to answer (issue 21, item 1: imports by need).

Times, interleaved round by round so that a busy moment of this shared machine falls on every command alike:
`python -c "import numpy"` (the yardstick), `race-replay --version`, `race-replay --help` and a cached
`race-replay standings le-mans-1957 --format json` (the calibration cache is warmed first), each a fresh
subprocess of this interpreter running `python -m sim`. Prints the load average, each command's median wall time
and its ratio to the yardstick, as `name=value` lines:
`startup_numpy_ms=`, `startup_version_ms=`, `startup_version_ratio=`, ...
Run: `.venv/bin/python benchmarks/startup.py [--rounds N]` (from the repository: the `sim` it times is the one
`python -m sim` imports there).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

ROUNDS = 10
RACE = "le-mans-1957"
COMMANDS = {  # name -> arguments of the interpreter
    "numpy": ["-c", "import numpy"],
    "version": ["-m", "sim", "--version"],
    "help": ["-m", "sim", "--help"],
    "standings": ["-m", "sim", "standings", RACE, "--format", "json"],
}


def wall_ms(arguments: list[str]) -> float:
    """The wall time of one run of the interpreter with `arguments`, in ms (its output discarded)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, *arguments], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"runs of each command (default {ROUNDS})")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for arguments in COMMANDS.values():  # warm the calibration cache and the file system's
        wall_ms(arguments)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.rounds):
        for name, arguments in COMMANDS.items():
            times[name].append(wall_ms(arguments))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    yardstick = statistics.median(times["numpy"])
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"startup_{name}_ms={median:.1f}")
        if name != "numpy":
            print(f"startup_{name}_ratio={median / yardstick:.2f}")


if __name__ == "__main__":
    main()
