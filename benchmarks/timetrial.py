"""Benchmark: one replay of the 84 listed cars of the 1957 Mille Miglia (SimPy, one process per car), after calibration.

Prints the calibration time, the replay's distribution over many runs (the SimPy run alone, and the SimPy run plus
the control standings) and, last, `timetrial_replay_ms_median=<float>`.
Run: `.venv/bin/python benchmarks/timetrial.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time

os.environ.setdefault("RACE_REPLAY_NO_CACHE", "1")  # time the calibration, not a cache read

from sim.pipeline import prepare, replay_plan  # noqa: E402
from sim.timetrial.calibrate import calibrate  # noqa: E402
from sim.timetrial.engine import run_cars  # noqa: E402
from sim.timetrial.standings import control_standings  # noqa: E402

RACE = "mille-miglia-1957"
RUNS = 300


def _timed(fn, runs: int) -> list[float]:
    out = []
    gc.disable()
    try:
        for _ in range(runs):
            t = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t) * 1000)
    finally:
        gc.enable()
    return out


def _line(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    return (f"{name}: median {statistics.median(ms):.3f} ms, p10 {ms[len(ms) // 10]:.3f}, "
            f"p90 {ms[9 * len(ms) // 10]:.3f}, min {ms[0]:.3f} over {len(ms)} runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    race, facts, plan, calibration = prepare(RACE)
    t = time.perf_counter()
    calibrate(plan)
    print(f"calibration: {(time.perf_counter() - t) * 1000:.2f} ms for {len(plan.cars)} cars")
    replay = _timed(lambda: run_cars(plan, calibration), args.runs)
    full = replay_plan(race, facts, plan, calibration)
    standings = _timed(lambda: control_standings(replay_plan(race, facts, plan, calibration)), max(args.runs // 10, 5))
    print(_line(f"one replay of {len(plan.cars)} cars (SimPy run and event log)", replay))
    print(_line("replay plus the standings at every control", standings))
    print(f"events in the log: {len(full.log)}")
    print(f"timetrial_replay_ms_median={statistics.median(replay):.3f}")


if __name__ == "__main__":
    main()
