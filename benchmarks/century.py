"""Benchmark: a modern Le Mans race of the record's scale (62 starters, 387 laps for the winner, Hypercar, LMP2 and
LMGTE classes, three or four drivers a car, no Index of Performance) replayed end to end in one process: parse,
facts (the defaults: the document has no race folder), plan, calibration, SimPy replay and the standings, no plots
and no calibration cache.

The document is synthetic (written here, to a temporary folder): 50 classified cars whose laps fall away from the
winner's, 2 not classified, 10 retired in stated hours their laps can reach. The first replay in the process pays
for imports; the figure is the median of the runs after it. Prints `modern_race_s=<float>` last.
Run: `PYTHONPATH=. .venv/bin/python benchmarks/century.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

CLASSES = ("Hypercar", "LMP2", "LMGTE Pro", "LMGTE Am")
CLASS_LAPS = {"Hypercar": 387, "LMP2": 370, "LMGTE Pro": 345, "LMGTE Am": 335}


def modern_rows(cars: int = 62, winner_laps: int = 387) -> tuple[list, list]:
    """(results, retired) rows of a modern race: (pos, class, no, laps) and (pos, class, no, laps, reason)."""
    results, retired = [], []
    classified, nc = cars - 12, 2
    for k in range(classified):
        klass = CLASSES[min(k * len(CLASSES) // classified, len(CLASSES) - 1)]
        laps = min(winner_laps, CLASS_LAPS[klass]) - k // 3
        results.append((k + 1, klass, str(k + 1), winner_laps if k == 0 else min(laps, winner_laps - 1 - k // 4)))
    results.sort(key=lambda r: -r[3])
    results = [(k + 1, klass, no, laps) for k, (_, klass, no, laps) in enumerate(results)]
    for k in range(nc):
        results.append(("NC", "LMGTE Am", str(classified + 1 + k), 200 - 20 * k))
    for k in range(cars - classified - nc):
        hour = 2 + 2 * k
        laps = int(hour * 15.5) - 10
        retired.append(("DNF", CLASSES[k % len(CLASSES)], str(100 + k), laps, f"Accident ({hour}hr)"))
    return results, retired


def modern_document(cars: int = 62, winner_laps: int = 387) -> str:
    """A 24-hour document of the 1957 seed's shape with modern classes and four-driver crews."""
    results, retired = modern_rows(cars, winner_laps)
    lines = ["= 2019 24 Hours of Le Mans =", "", "==Official results==",
             "| Pos | Class | No | Team | Drivers | Chassis | Engine | Laps |"]
    crew = "JPN Ann Able{0} CHE Bob Baker{0} ESP Cyd Cole{0} GBR Dan Dorn{0}"
    lines += [f"| {pos} | {klass} | {no} | JPN Team {no} | {crew.format(no)} | Toyota TS050 Hybrid | "
              f"Toyota 2.4L V6 | {laps} |" for pos, klass, no, laps in results]
    lines += ["", "==Did Not Finish==", "| Pos | Class | No | Team | Drivers | Chassis | Engine | Laps | Reason |"]
    lines += [f"| {pos} | {klass} | {no} | FRA Team {no} | {crew.format(no)} | Oreca 07 | Gibson 4.2L V8 | {laps} | "
              f"{reason} |" for pos, klass, no, laps, reason in retired]
    lines += ["", "==Statistics==", "- Distance - 5246.0 km",
              "- Fastest Lap: Able, #1 Toyota TS050 Hybrid - 3:17.297secs 248.70 kp/h (154.54 mph)"]
    return "\n".join(lines) + "\n"


def replay_once(path: Path):
    import sim

    replay = sim.replay(path)  # RACE_REPLAY_NO_CACHE=1: calibrated every time
    replay.standings(seconds=replay.facts.duration_s)
    replay.hourly()
    return replay


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ["RACE_REPLAY_NO_CACHE"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "modern_2019.txt"
        path.write_text(modern_document(), encoding="utf-8")
        t0 = time.perf_counter()
        replay = replay_once(path)
        first = time.perf_counter() - t0
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            replay_once(path)
            times.append(time.perf_counter() - t0)
    print(f"{len(replay.race.starters)} starters, winner {replay.standings(seconds=replay.facts.duration_s).car[0]}"
          f" on {max(e.laps for e in replay.race.starters)} laps")
    print(f"first replay (imports included): {first:.2f} s; runs after it: "
          + ", ".join(f"{t:.2f}" for t in times))
    print(f"modern_race_s={statistics.median(times):.3f}")


if __name__ == "__main__":
    main()
