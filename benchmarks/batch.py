"""Benchmark: a century of Le Mans documents replayed by one command (issue 19, item 6).

Writes N synthetic Le Mans documents of the 1957 seed's shape into a temporary folder (years 1923-2026 but the
years without a race; 20-62 starters, 100-390 laps, the classes of each era, 2-3 drivers a car, statuses
classified/NC/DNF/DSQ/DNS/DNA, and in about half of them each of the record's contradictions: an out-of-order
classified car, an NC car with 0 laps, a retirement hour too soon for its laps, one after the flag), replays them with
``race-replay run FOLDER --no-plots --out OUT --workers W`` in a new process with an empty calibration cache, and
prints ``races=N seconds=S failed=F conflicts=C`` (S: the command's wall time, start-up included; C: the source
conflicts named, summed over index.csv). Then, in this process, the
largest document (the most starters) once more from parse to files, without the cache: ``largest_race_seconds=``.
The issue's targets: 93 races under 3 minutes with --workers 2 on a 2-core machine; a 62-car race under 2 s.

Run: ``.venv/bin/python benchmarks/batch.py [--races 93] [--workers 2] [--keep DIR]``. The documents are
synthetic (names like "Ann Able12"); their shapes follow the public record of results
(/work/shared/reference/le-mans-1949-1960-results.csv: class names, laps, statuses), no row of it is copied.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

NC_LEAST_LAPS = 50  # a car running at the flag covered at least 24 h at the slowest pace the defaults allow (1800 s)
NO_RACE = {1936, *range(1940, 1949)}  # a strike, the war
YEARS = [y for y in range(1923, 2027) if y not in NO_RACE]
FIRST = ("Ann", "Bob", "Cyd", "Dan", "Eva", "Fay", "Gus", "Hal", "Ida", "Jon")
LAST = ("Able", "Baker", "Cole", "Dorn", "Este", "Ford", "Gray", "Hill", "Irwin", "Jones")
NATIONS = ("GBR", "FRA", "ITA", "DEU", "USA", "BEL", "JPN")
# the classes of each era, and a car and an engine of each (synthetic pairings of the record's shape)
ERAS = (
    (1923, ("5.0", "3.0", "2.0", "1.5", "1.1"), ("Bentley 3 Litre", "Bentley 3.0L S4")),
    (1949, ("S5.0", "S3.0", "S2.0", "S1.5", "S1.1", "S750"), ("Jaguar D-Type", "Jaguar 3.4L S6")),
    (1962, ("P5.0", "P3.0", "GT3.0", "GT2.0", "P1.3"), ("Ferrari 250 P", "Ferrari 3.0L V12")),
    (1982, ("C1", "C2", "IMSA GTP", "IMSA GTX", "GTO"), ("Porsche 956", "Porsche 2.6L F6 Turbo")),
    (1999, ("LMP", "LMGTP", "GTS", "GT"), ("Audi R8", "Audi 3.6L V8 Turbo")),
    (2012, ("LMP1", "LMP2", "LMGTE Pro", "LMGTE Am"), ("Audi R18", "Audi 3.7L V6 Turbo")),
    (2021, ("Hypercar", "LMP2", "LMGTE Am"), ("Toyota GR010 Hybrid", "Toyota 3.5L V6 Turbo")),
)


def era(year: int):
    return [e for e in ERAS if e[0] <= year][-1]


def shape(year: int, rng: np.random.Generator) -> tuple[int, int, float]:
    """(starters, winner's laps, lap length km) of a year: the record's trend with some scatter."""
    share = (year - 1923) / (2026 - 1923)
    starters = int(np.clip(round(30 + 32 * share + rng.integers(-8, 9)), 20, 62))
    laps = int(np.clip(round(110 + 280 * share + rng.integers(-15, 16)), 100, 390))
    lap_km = round(17.26 - 3.6 * share, 3)
    return starters, laps, lap_km


def crew(rng: np.random.Generator, number: str, drivers: int) -> str:
    return " ".join(f"{rng.choice(NATIONS)} {FIRST[(int(number) + i) % 10]} {LAST[(int(number) + 3 * i) % 10]}{number}"
                    for i in range(drivers))


CONTRADICTIONS = 0.5  # the share of documents with each of the record's contradictions (see `race_document`)


def race_document(year: int, rng: np.random.Generator) -> str:
    """One synthetic 24-hour race of `year`: the classified by laps, every NC car behind them, each retirement in an
    hour its laps can reach at a pace between the winner's and 20% slower; and, in about half of the documents each,
    the record's contradictions (named conflicts, never refusals): a classified car with more laps than the one
    placed ahead of it, an NC car with 0 laps, a retirement hour too soon for its laps, one after the flag."""
    starters, winner_laps, lap_km = shape(year, rng)
    penalty, nc_no_lap, too_soon, after_flag = rng.random(4) < CONTRADICTIONS
    _, classes, (chassis, engine) = era(year)
    numbers = [str(n) for n in rng.choice(np.arange(1, 200 if year >= 1990 else 100), starters + 3, replace=False)]
    drivers = 3 if year >= 1990 else 2
    classified = int(starters * rng.uniform(0.35, 0.7))
    nc = max(int(rng.integers(0, 3)), int(nc_no_lap))
    retired = starters - classified - nc
    pace_s = 24 * 3600 / winner_laps
    row = "| {pos} | {klass} | {no} | {nation} Team {no} | {crew} | {chassis} | {engine} | {laps} |"
    laps = sorted((int(winner_laps * rng.uniform(0.55, 1.0)) for _ in range(classified - 1)), reverse=True)
    if penalty and len(laps) >= 3:  # a car placed behind one with fewer laps: the table's order stands at the flag
        k = int(rng.integers(1, len(laps) - 1))
        laps[k], laps[k + 1] = laps[k + 1] - 1, laps[k]
    results = [row.format(pos=i + 1, klass=rng.choice(classes), no=numbers[i], nation=rng.choice(NATIONS),
                          crew=crew(rng, numbers[i], drivers), chassis=chassis, engine=engine, laps=n)
               for i, n in enumerate([winner_laps, *laps])]
    slowest = min(laps or [winner_laps])
    results += [row.format(pos="NC", klass=rng.choice(classes), no=numbers[classified + i], nation=rng.choice(NATIONS),
                           crew=crew(rng, numbers[classified + i], drivers), chassis=chassis, engine=engine,
                           laps=0 if nc_no_lap and i == 0 else max(int(slowest * rng.uniform(0.75, 0.95)),
                                                                   NC_LEAST_LAPS))
                for i in range(nc)]
    dnf = []
    for i in range(retired):
        no = numbers[classified + nc + i]
        laps_done = max(1, int(winner_laps * rng.uniform(0.02, 0.95)))
        # at a pace up to 20% slower than the winner's, half an hour of margin: the hour is one its laps can reach
        hours = min(laps_done * pace_s * rng.uniform(1.0, 1.2) / 3600, 23.4)
        hour = math.ceil(hours + 0.5)
        if i == 0 and after_flag:
            hour = 25  # after the flag: the hour gives way to a minute before it
        elif i == 1 and too_soon and laps_done > 60:
            hour = max(1, math.floor(laps_done * pace_s * 0.5 / 3600))  # half the time they need at the winner's pace
        status = "DSQ" if rng.random() < 0.03 else "DNF"
        dnf.append((laps_done, f"| {status} | {rng.choice(classes)} | {no} | {rng.choice(NATIONS)} Team {no} | "
                               f"{crew(rng, no, drivers)} | {chassis} | {engine} | {laps_done} | Engine ({hour}hr) |"))
    absent = [f"| {rng.choice(('DNS', 'DNA'))} | {rng.choice(classes)} | {no} | {rng.choice(NATIONS)} Team {no} | "
              f"{crew(rng, no, drivers)} | {chassis} | {engine} | withdrawn |" for no in numbers[starters:]]
    lines = [f"= {year} 24 Hours of Le Mans =", "", "==Official results==",
             "| Pos | Class | No | Team | Drivers | Chassis | Engine | Laps |", *results, "", "==Did Not Finish==",
             "| Pos | Class | No | Team | Drivers | Chassis | Engine | Laps | Reason |",
             *(text for _, text in sorted(dnf, key=lambda d: -d[0])), "", "==Did Not Start==",
             "| Pos | Class | No | Team | Drivers | Chassis | Engine | Reason |", *absent, "", "==Statistics==",
             f"- Distance - {winner_laps * lap_km:.2f} km"]
    return "\n".join(lines) + "\n"


def write_documents(folder: Path, races: int, seed: int) -> list[Path]:
    rng = np.random.default_rng(seed)
    paths = []
    for year in (YEARS * (races // len(YEARS) + 1))[:races]:
        path = folder / f"le-mans-{year}{'' if not (folder / f'le-mans-{year}.txt').exists() else '-b'}.txt"
        path.write_text(race_document(year, rng), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--races", type=int, default=93)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=19, help="seed of the synthetic documents")
    parser.add_argument("--keep", type=Path, default=None, help="write the documents and the output here (kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        docs, out, cache = base / "documents", base / "out", Path(tmp) / "cache"
        docs.mkdir(parents=True, exist_ok=True)
        paths = write_documents(docs, args.races, args.seed)
        env = {**os.environ, "RACE_REPLAY_CACHE": str(cache), "MPLBACKEND": "Agg"}
        command = [sys.executable, "-m", "sim", "run", str(docs), "--no-plots", "--out", str(out),
                   "--workers", str(args.workers), "--format", "json"]
        load, cpu = os.getloadavg()[0], _children_cpu()
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        failed = done.stderr.count("race-replay: error:")
        sys.stderr.write(done.stderr)
        print(f"races={len(paths)} seconds={seconds:.1f} failed={failed} conflicts={_conflicts(out)}")
        # the CPU time of the command and its workers: what the wall time would be near on idle cores (/ workers)
        print(f"cpu_seconds={_children_cpu() - cpu:.1f} load_average_before={load:.1f} "
              f"load_average_after={os.getloadavg()[0]:.1f}")
        largest = max(paths, key=lambda p: p.read_text(encoding="utf-8").count("\n"))
        smallest = min(paths, key=lambda p: p.read_text(encoding="utf-8").count("\n"))
        print(f"largest_race_seconds={largest_race_seconds(largest, smallest, base / 'largest'):.2f} "
              f"({largest.name}, {largest.read_text(encoding='utf-8').count('Team')} cars listed)")


def _conflicts(out: Path) -> int:
    """The source conflicts the replays named (index.csv's column)."""
    with (out / "index.csv").open(encoding="utf-8", newline="") as f:
        return sum(int(row["conflicts"] or 0) for row in csv.DictReader(f))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # every finished descendant waited for: the workers too
    return usage.ru_utime + usage.ru_stime


def largest_race_seconds(path: Path, warm_up: Path, out: Path) -> float:
    """One document from parse to files (no plots), in this process after start-up (a smaller one replayed first:
    every library loaded), without the cache."""
    from sim.batch import Job, Options, replay_job

    replay_job(Job(str(warm_up), warm_up.stem, str(out), ""), Options(seed=1957, plots=False, use_cache=False))
    started = time.perf_counter()
    outcome = replay_job(Job(str(path), path.stem, str(out), ""), Options(seed=1957, plots=False, use_cache=False))
    seconds = time.perf_counter() - started
    if outcome.error:
        print(f"largest race failed: {outcome.error}", file=sys.stderr)
    return seconds


if __name__ == "__main__":
    main()
