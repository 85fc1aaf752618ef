"""The Monte Carlo forecast: thousands of races run forward from drawn paces, pit stops and failures.

Each run draws, per car: its race pace (practice time x the practice-to-race ratio x a lognormal spread), its time
per pit stop, a scatter per lap, and a failure time from one bootstrap refit of the hazard model (so the model's
own uncertainty is in the forecast). The race is then timed stint by stint exactly as the circuit engine
(:mod:`sim.circuit.engine`) times it, for a batch of runs at once in numpy (a test,
``tests/helpers/simpy_forecast.py``, keeps it equal to the SimPy engine itself, one environment per run). A failure
ends the car's race at its drawn time: its laps are those completed by then. Runs are split into fixed chunks,
each seeded from the forecast's seed, and run on every core: the same seed gives the same forecast.
"""

from __future__ import annotations

import logging
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from sim.clock import HOUR

log = logging.getLogger(__name__)

CHUNK = 250  # runs per unit of work: fixed, so a forecast does not depend on the number of cores


@dataclass(frozen=True)
class Setup:
    """Everything one run needs, picklable: the unit of parallel work is a pure function of it and a seed."""

    numbers: tuple[str, ...]
    base_s: np.ndarray  # (cars,) mean race base lap (s)
    pace_spread: float
    pit_s: float
    pit_spread: float
    noise_sigma: float
    wear: float
    standing_start_s: float
    night: tuple[float, float, float]
    stint: int
    duration_s: float
    classified_share: float  # of the class winner's distance
    final_lap_s: float
    edges_h: np.ndarray
    rates: np.ndarray  # (fits, cars, bands) hazard per hour of each bootstrap refit
    laps: int  # laps timed per car: more than any car can run
    classes: np.ndarray  # (cars,) each car's class, as an index


@dataclass
class Draws:
    """The random inputs of a batch of runs."""

    base: np.ndarray  # (runs, cars) base lap s
    pit: np.ndarray  # (runs, cars) s per regular stop
    noise: np.ndarray  # (runs, cars, laps)
    fail_h: np.ndarray  # (runs, cars) failure hour, inf if none
    fit: np.ndarray  # (runs,) the bootstrap refit each run drew its failures from


def draw(setup: Setup, n: int, rng: np.random.Generator) -> Draws:
    """The draws of `n` runs, in a fixed order from `rng`."""
    cars = len(setup.numbers)
    base = setup.base_s * np.exp(rng.normal(0.0, setup.pace_spread, (n, cars)))
    pit = setup.pit_s * np.exp(rng.normal(0.0, setup.pit_spread, (n, cars)) - setup.pit_spread ** 2 / 2)
    s = setup.noise_sigma
    noise = np.clip(rng.normal(1.0, s, (n, cars, setup.laps)), 1 - 3 * s, 1 + 3 * s)
    fit = rng.integers(0, len(setup.rates), n)
    fail_h = _failures(setup.rates[fit], setup.edges_h, rng.exponential(1.0, (n, cars)))
    return Draws(base, pit, noise, fail_h, fit)


def _failures(rates, edges_h, e):
    from sim.timesheet.hazard import failure_times_h  # the hazard model: a worker needs only this function of it

    return failure_times_h(rates, edges_h, e)


def time_laps(setup: Setup, d: Draws) -> np.ndarray:
    """(runs, cars, laps) lap crossing times (s), stint by stint as the circuit engine times them."""
    n, cars, laps = d.noise.shape
    out = np.empty((n, cars, laps))
    wear = 1.0 + setup.wear * np.arange(setup.stint)
    t0 = np.zeros((n, cars))
    lo, hi, factor = setup.night
    for first in range(0, laps, setup.stint):
        k = min(setup.stint, laps - first)
        nominal = d.base[:, :, None] * d.noise[:, :, first:first + k] * wear[None, None, :k]
        if first == 0:
            nominal[:, :, 0] += setup.standing_start_s
        starts = t0[:, :, None] + np.concatenate([np.zeros((n, cars, 1)), np.cumsum(nominal[:, :, :-1], axis=2)], 2)
        times = nominal * np.where((starts >= lo) & (starts < hi), factor, 1.0)
        out[:, :, first:first + k] = t0[:, :, None] + np.cumsum(times, axis=2)
        t0 = out[:, :, first + k - 1] + d.pit
    return out


def classify(setup: Setup, crossings: np.ndarray, fail_h: np.ndarray) -> dict:
    """Laps, classification and finishing positions of each run (positions count the whole field: classified cars
    by distance, then the rest by laps; equal laps by who completed them first). A car is classified if it runs at
    the end, completes its final lap in time and covers `classified_share` of its class winner's distance (the
    leading running car of its class). A class's winner is its classified car placed best."""
    end = np.minimum(fail_h * HOUR, setup.duration_s)
    laps = (crossings <= end[:, :, None]).sum(axis=2)
    running = fail_h * HOUR >= setup.duration_s
    nxt = np.take_along_axis(crossings, np.minimum(laps, crossings.shape[2] - 1)[:, :, None], 2)[:, :, 0]
    running &= nxt - setup.duration_s <= setup.final_lap_s  # the final lap within its time limit
    running_laps, best = np.where(running, laps, 0), np.zeros(laps.shape)
    for k in np.unique(setup.classes):
        members = setup.classes == k
        best[:, members] = running_laps[:, members].max(axis=1, keepdims=True)
    classified = running & (laps >= setup.classified_share * best)
    last = np.take_along_axis(crossings, np.maximum(laps - 1, 0)[:, :, None], 2)[:, :, 0]
    score = classified * 1e12 + laps * 1e8 - np.where(laps > 0, last, 0.0)
    order = np.argsort(-score, axis=1, kind="stable")
    position = np.empty_like(order)
    np.put_along_axis(position, order, np.arange(1, order.shape[1] + 1)[None, :], axis=1)
    return {"laps": laps.astype(np.int16), "classified": classified, "position": position.astype(np.int16),
            "class_win": _class_winners(setup.classes, classified, position)}


def _class_winners(classes: np.ndarray, classified: np.ndarray, position: np.ndarray) -> np.ndarray:
    """(runs, cars) True for each class's best-placed classified car (a class with no classified car has none)."""
    out = np.zeros(classified.shape, bool)
    rows = np.arange(classified.shape[0])
    for k in np.unique(classes):
        placed = np.where((classes == k)[None, :] & classified, position, np.iinfo(position.dtype).max)
        best = placed.argmin(axis=1)
        out[rows, best] |= classified[rows, best] & (classes[best] == k)
    return out


def run_chunk(setup: Setup, seed: np.random.SeedSequence, n: int) -> dict:
    """`n` runs from one seed: a pure function of its inputs (the unit of parallel work)."""
    rng = np.random.default_rng(seed)
    d = draw(setup, n, rng)
    return classify(setup, time_laps(setup, d), d.fail_h) | {"fit": d.fit}


def run(setup: Setup, runs: int, seed: int, workers: int | None = None, progress: bool | None = None) -> dict:
    """All runs, in chunks seeded from `seed`, on `workers` processes (default: every core, at most 2 per chunk
    count); results concatenated in chunk order. A progress bar on a terminal (stderr) unless `progress` is False."""
    sizes = [min(CHUNK, runs - i) for i in range(0, runs, CHUNK)]
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    workers = max(1, min(workers or os.cpu_count() or 1, len(sizes)))
    show = sys.stderr.isatty() if progress is None else progress
    bar = _bar(runs, show)
    parts = []
    if workers == 1:
        for s, n in zip(seeds, sizes):
            parts.append(run_chunk(setup, s, n))
            bar.update(n)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for part, n in zip(pool.map(run_chunk, [setup] * len(sizes), seeds, sizes), sizes):
                parts.append(part)
                bar.update(n)
    bar.close()
    log.info("forecast: %d runs in %d chunks on %d processes", runs, len(sizes), workers)
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _bar(total: int, show: bool):
    from tqdm import tqdm  # only when the forecast runs

    return tqdm(total=total, disable=not show, unit="run", desc="forecast", file=sys.stderr)
