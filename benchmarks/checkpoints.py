"""Benchmark: a Monte Carlo draw after its calibration: the replay, the hourly positions and every checkpoint judged,
as `run_draw` does them. The draws are calibrated first, outside the timing; each timed run builds a new replay, so
no order is kept from an earlier run.

Prints the replay, hourly-standings and checkpoint times per draw and, last, `checkpoints_ms_median=<float>`.
Run: `.venv/bin/python benchmarks/checkpoints.py [--draws N] [--repeat R]`.
"""

from __future__ import annotations

import argparse
import fnmatch
import statistics
import time

from sim import kinds
from sim.checkpoints import evaluate
from sim.circuit.draws import draw_values, with_values
from sim.montecarlo.run import base
from sim.pipeline import replay_plan
from sim.standings import hourly_positions

RACE, SEED, ONLY = "le-mans-1957", 1957, ("event.hawthorn-*",)  # the draws the sweep calibrates today
DRAWS, REPEAT = 8, 3


def calibrated_draws(n: int) -> list[tuple]:
    """(drawn facts, plan, calibration) of the first `n` draws, calibrated once, outside the timing."""
    race, facts = base(RACE)
    out = []
    for index in range(n):
        values, noise_seed = draw_values(facts, SEED, index)
        values = {k: v for k, v in values.items() if any(fnmatch.fnmatchcase(k, p) for p in ONLY)}
        drawn = with_values(facts, values)
        out.append((drawn, *kinds.replay_kind(race).prepare(race, drawn, noise_seed)))
    return out


def timed(draws: list[tuple]) -> dict[str, list[float]]:
    """Milliseconds per draw of each step after calibration."""
    race, _ = base(RACE)
    times: dict[str, list[float]] = {"replay": [], "hourly": [], "checkpoints": []}
    for drawn, plan, calibration in draws:
        started = time.perf_counter()
        replay = replay_plan(race, drawn, plan, calibration)
        replayed = time.perf_counter()
        hourly_positions(replay.table)
        ranked = time.perf_counter()
        [evaluate(replay, cp).status for cp in drawn.checkpoints]
        judged = time.perf_counter()
        for step, (a, b) in {"replay": (started, replayed), "hourly": (replayed, ranked),
                             "checkpoints": (ranked, judged)}.items():
            times[step].append((b - a) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=DRAWS)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args()
    draws = calibrated_draws(args.draws)
    totals: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        for step, values in timed(draws).items():
            totals.setdefault(step, []).extend(values)
    for step, values in totals.items():
        print(f"{step}: median {statistics.median(values):.2f} ms per draw (min {min(values):.2f})")
    print(f"checkpoints_ms_median={statistics.median(totals['checkpoints']):.3f}")


if __name__ == "__main__":
    main()
