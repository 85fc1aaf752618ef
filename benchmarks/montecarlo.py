"""Benchmark of the Monte Carlo sweep (issue 12): draws per second in this process and on a local Dask cluster,
and the calibration time per draw.

Prints `serial_draws_per_s=`, `calibration_ms_median=`, `failed_share=` and, last, `draws_per_s=<float>` (the
cluster's figure). Run: `.venv/bin/python benchmarks/montecarlo.py [--runs N] [--workers K] [--only PATTERN]`
(the issue asks for 500 draws; the default is smaller so it runs in about a minute on two cores).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from sim.montecarlo import sweep
from sim.montecarlo.run import base


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1957)
    parser.add_argument("--only", action="append", default=[])
    args = parser.parse_args()
    base("le-mans-1957")  # the race and its facts, read once (as each worker does once)
    only = tuple(args.only)
    serial_runs = max(1, args.runs // 4)
    t = time.perf_counter()
    serial = sweep("le-mans-1957", serial_runs, args.seed, workers=1, only=only)
    serial_s = time.perf_counter() - t
    t = time.perf_counter()
    parallel = sweep("le-mans-1957", args.runs, args.seed, workers=args.workers, only=only)
    parallel_s = time.perf_counter() - t
    calibration = [r.calibration_s for r in parallel]
    print(f"runs={args.runs} workers={args.workers} only={','.join(only) or 'all'}")
    print(f"serial_draws_per_s={serial_runs / serial_s:.3f}")
    print(f"calibration_ms_median={1000 * statistics.median(calibration):.1f}")
    print(f"failed_share={sum(r.failed is not None for r in parallel) / len(parallel):.3f}")
    print(f"draws_per_s={args.runs / parallel_s:.3f}")


if __name__ == "__main__":
    main()
