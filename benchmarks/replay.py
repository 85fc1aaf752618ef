"""Benchmark: one full 24-hour replay of all 54 starters (SimPy simulation plus hourly standings), after calibration.

Prints the calibration time, the replay's distribution over many runs, the wall time of
`race-replay run le-mans-1957` (a subprocess, plots included) and, last, `replay_ms_median=<float>`.
Run: `make bench` or `.venv/bin/python benchmarks/replay.py [--runs N] [--no-cli]`.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from sim.circuit.calibrate import DEFAULT_SEED, calibrate
from sim.circuit.engine import run_cars
from sim.pipeline import prepare
from sim.standings import Progress, hourly_positions

RUNS = 200


def one_replay(plan, paces):
    """The unit a Monte Carlo sweep repeats: simulate every car, then the standings at each hour."""
    log, _ = run_cars(plan, paces)
    table = Progress.from_log(log, plan)
    return hourly_positions(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-cli", action="store_true", help="skip timing the CLI run")
    args = parser.parse_args()

    race, facts, plan, _ = prepare("le-mans-1957")
    started = time.perf_counter()
    calibration = calibrate(plan, race.statistics["fastest_lap_s"], DEFAULT_SEED)
    calibration_s = time.perf_counter() - started
    print(f"calibration: {calibration_s:.2f} s for {len(plan.cars)} starters")

    one_replay(plan, calibration.paces)  # warm-up
    # a sweep's set-up (parsed race, plan, calibration) lives for the whole sweep: keep it out of the collector's way
    gc.collect()
    gc.freeze()
    times_ms, cpu_ms = [], []
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        cars, positions, laps = one_replay(plan, calibration.paces)
        times_ms.append((time.perf_counter() - t0) * 1000)
        cpu_ms.append((time.process_time() - c0) * 1000)
    assert positions.shape == (len(plan.cars), 24)
    q = np.percentile(times_ms, [10, 50, 90])
    print(f"replay (simulation + hourly standings), {args.runs} runs: p10 {q[0]:.2f} ms, median {q[1]:.2f} ms, "
          f"p90 {q[2]:.2f} ms, mean {statistics.fmean(times_ms):.2f} ms; "
          f"CPU time median {statistics.median(cpu_ms):.2f} ms; "
          f"{len(run_cars(plan, calibration.paces)[0])} events a replay")

    if not args.no_cli:
        with tempfile.TemporaryDirectory() as out:
            exe = os.path.join(os.path.dirname(sys.executable), "race-replay")
            t0 = time.perf_counter()
            subprocess.run([exe, "run", "le-mans-1957", "--out", out], check=True, capture_output=True,
                           env={**os.environ, "MPLBACKEND": "Agg"})
            print(f"race-replay run le-mans-1957 (wall, plots included): {time.perf_counter() - t0:.2f} s")
    print(f"replay_ms_median={q[1]:.3f}")


if __name__ == "__main__":
    main()
