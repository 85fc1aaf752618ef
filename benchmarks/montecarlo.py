"""Benchmark of the Monte Carlo sweep (issue 12): draws per second in this process and on a local Dask cluster,
and the calibration time per draw.

Prints `serial_draws_per_s=`, `serial_draw_ms_median=`, `calibration_ms_median=`, `failed_share=` and, last,
`draws_per_s=<float>` (the cluster's figure, start-up included). Run:
`.venv/bin/python benchmarks/montecarlo.py [--runs N] [--serial-runs M] [--workers K] [--only PATTERN]`
(500 draws on a local cluster of one worker per core, and 100 in this process, by default).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from sim.montecarlo import sweep
from sim.montecarlo.run import base, run_draw


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--serial-runs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1957)
    parser.add_argument("--only", action="append", default=[])
    args = parser.parse_args()
    base("le-mans-1957")  # the race and its facts, read once (as each worker does once)
    only = tuple(args.only)
    serial_runs = max(1, args.serial_runs)
    serial_draw, serial_calibration = [], []
    for i in range(serial_runs):  # the serial sweep's loop, each draw timed
        t = time.perf_counter()
        serial_calibration.append(run_draw("le-mans-1957", args.seed, i, only).calibration_s)
        serial_draw.append(time.perf_counter() - t)
    serial_s = sum(serial_draw)
    t = time.perf_counter()
    parallel = sweep("le-mans-1957", args.runs, args.seed, workers=args.workers, only=only)
    parallel_s = time.perf_counter() - t
    print(f"runs={args.runs} workers={args.workers} only={','.join(only) or 'all'}")
    print(f"serial_draws_per_s={serial_runs / serial_s:.3f}")
    print(f"serial_draw_ms_median={1000 * statistics.median(serial_draw):.1f}")
    print(f"serial_calibration_ms_median={1000 * statistics.median(serial_calibration):.1f}")
    print(f"calibration_ms_median={parallel.calibration_ms_median():.0f} (on the cluster)")
    print(f"failed_share={sum(parallel.failed.values()) / parallel.runs:.3f}")
    print(f"draws_per_s={args.runs / parallel_s:.3f}")


if __name__ == "__main__":
    main()
