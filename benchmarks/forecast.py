"""Benchmark of the forecast's Monte Carlo: 10,000 runs of the race named on the command line (default the one
timesheet race of the seeds) on every core; prints the time to learn (the replay it takes its pace ratio from, the
hazard's cross-validation and bootstrap on the record), the runs' time and runs per second, and the whole time.

    python benchmarks/forecast.py [RACE] [RUNS]
"""

from __future__ import annotations

import os
import sys
import time

from sim.kinds import KINDS, load_race
from sim.pipeline import run_replay
from sim.racekind import refuses
from sim.sources import race_ids
from sim.timesheet.model import build_setup, learn
from sim.timesheet.montecarlo import run
from sim.timesheet.race import load_forecast_race


def main() -> None:
    race_id = sys.argv[1] if len(sys.argv) > 1 else next(
        r for r in race_ids() if load_race(r).kind in KINDS and not refuses(KINDS[load_race(r).kind].forecast))
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    started = time.perf_counter()
    data = load_forecast_race(load_race(race_id))
    setup = build_setup(data, learn(data, run_replay(data.hazard["learn_from"]), seed=0))
    learnt_s = time.perf_counter() - started
    t = time.perf_counter()
    run(setup, runs, seed=0, progress=False)
    runs_s = time.perf_counter() - t
    print(f"race={race_id} runs={runs} cores={os.cpu_count()} learn_s={learnt_s:.2f} runs_s={runs_s:.2f} "
          f"total_s={time.perf_counter() - started:.2f}")
    print(f"forecast_runs_per_s={runs / runs_s:.1f}")


if __name__ == "__main__":
    main()
