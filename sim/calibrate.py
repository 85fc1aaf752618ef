"""Calibration: fit each car's pace so that its race ends as the sources say.

Inputs only: the results table (laps, order, retirement hour), the narrative events (windows, delays) and the
assumptions. For each car the base lap time of each segment (split at the laps the narrative places in time) is
found by bisection so that:

* a finisher is ``end_fraction`` of the way round its next lap at the flag with exactly its table laps
  (equal laps: the published order decides who crossed first);
* a retired car completes exactly its table laps and stops within the window the written priority gives
  (see :func:`sim.plan._end_rule`), at the moment its own pace so far (or, before any anchor, its class's best
  finisher's pace) would put it, clipped to that window;
* a lap the narrative places in a window (Hawthorn's 26th) is completed within it.

Checkpoints are never read here. Raises :class:`CalibrationError` when no pace can meet a car's constraints.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from sim.clock import HOUR
from sim.engine import CarPace, CarRun, run_cars
from sim.errors import CalibrationError
from sim.plan import CarPlan, RacePlan

log = logging.getLogger(__name__)

DEFAULT_SEED = 1957
SLOWEST_BASE_S = 1800.0


@dataclass(frozen=True)
class EndChoice:
    """Where a car's end was placed and why."""

    car: str
    target: float  # seconds from the start
    rule: str  # finish | narrative | narrative+table | table | relative | same-moment | start
    window: tuple[float, float] | None
    table_window: tuple[float, float] | None
    narrative_window: tuple[float, float] | None


@dataclass(frozen=True)
class Calibration:
    seed: int
    paces: dict[str, CarPace]
    ends: dict[str, EndChoice]
    fastest_base_s: float  # the lower bound on any car's base lap time


def _noise(plan: RacePlan, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    sigma = plan.facts.assumptions.lap_noise_sigma
    out = {}
    for car in sorted(plan.cars, key=lambda c: (len(c.number), c.number)):
        out[car.number] = np.clip(1.0 + sigma * rng.standard_normal(car.laps + 400), 1 - 3 * sigma, 1 + 3 * sigma)
    return out


def _single(plan: RacePlan, car: CarPlan, pace: CarPace) -> CarRun:
    _, runs = run_cars(plan, {car.number: pace}, [car])
    return runs[car.number]


def _bisect(evaluate, target: float, lo: float, hi: float, car: CarPlan, what: str) -> float:
    f_lo = evaluate(lo)
    if f_lo > target + 1e-6:
        raise CalibrationError(
            f"no pace can satisfy {what}: even at the race's fastest lap pace ({lo:.1f} s) it comes "
            f"{f_lo - target:.0f} s too late", key="laps", value=car.laps, car=car.number)
    f_hi = evaluate(hi)
    if f_hi < target:
        raise CalibrationError(f"no pace can satisfy {what}: even at {hi:.0f} s a lap it comes too early",
                               key="laps", value=car.laps, car=car.number)
    for _ in range(60):
        mid = (lo + hi) / 2
        if evaluate(mid) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-7:
            break
    return (lo + hi) / 2


def _clip_into(value: float, window: tuple[float, float]) -> float:
    """The value, or the nearest point just inside the window (a minute in from its edge)."""
    lo, hi = window
    margin = min(60.0, (hi - lo) / 4)
    return min(max(value, lo + margin), hi - margin)


def calibrate(plan: RacePlan, fastest_lap_s: float, seed: int = DEFAULT_SEED) -> Calibration:
    """Fit every car's pace; deterministic for a given seed."""
    noise = _noise(plan, seed)
    fastest = 0.97 * fastest_lap_s  # no car's base lap may beat the race's fastest lap (less the scatter)
    paces: dict[str, CarPace] = {}
    ends: dict[str, EndChoice] = {}
    runs: dict[str, CarRun] = {}

    def fit(car: CarPlan, end_target: float | None, prior: float, end_fraction: float) -> float:
        """Fit the car's segments in lap order; return the end moment it was fitted to."""
        segments: list[tuple[int, float]] = []

        def trial(first: int, b: float) -> CarRun:
            return _single(plan, car, CarPace(tuple(segments) + ((first, b),), noise[car.number], end_fraction))

        first = 1
        for anchor in sorted(car.anchors, key=lambda a: a.lap):
            target = _clip_into(trial(first, prior).crossings[anchor.lap - 1], anchor.window)
            b = _bisect(lambda b: trial(first, b).crossings[anchor.lap - 1], target, fastest, SLOWEST_BASE_S,
                        car, f"lap {anchor.lap} within its window ({anchor.event_id})")
            segments.append((first, b))
            first = anchor.lap + 1
            prior = b  # a car keeps its pace unless the sources say otherwise
        target = end_target
        if target is None:  # only a window: the end falls where the car's pace so far puts it, clipped into it
            target = _clip_into(trial(first, prior).metric, car.end.window)
        b = _bisect(lambda b: trial(first, b).metric, target, fastest, SLOWEST_BASE_S,
                    car, f"{car.laps} laps by {target / HOUR:.2f} h")
        paces[car.number] = CarPace(tuple(segments) + ((first, b),), noise[car.number], end_fraction)
        runs[car.number] = _single(plan, car, paces[car.number])
        return target

    finishers = [c for c in plan.cars if c.end.kind == "finish"]
    for car in finishers:
        frac = plan.facts.assumptions.finish_fraction
        if car.tie_size > 1:  # equal laps: the published order says who crossed first (fitted, and reported so)
            frac = 0.8 - 0.6 * car.tie_rank / (car.tie_size - 1)
        prior = plan.facts.duration_s / max(car.laps, 1)
        target = fit(car, plan.facts.duration_s, prior, frac)
        ends[car.number] = EndChoice(car.number, target, "finish", car.end.window, None, None)

    class_prior: dict[str, float] = {}
    for car in sorted(finishers, key=lambda c: c.position or 999):
        class_prior.setdefault(car.car_class, paces[car.number].segments[-1][1])
    default_prior = float(np.median(list(class_prior.values()))) if class_prior else 300.0

    others = [c for c in plan.cars if c.end.kind != "finish"]
    ordered = ([c for c in others if not c.end.relative_to and not c.end.same_moment_as]
               + [c for c in others if c.end.relative_to]
               + [c for c in others if c.end.same_moment_as])
    fraction = plan.facts.assumptions.retirement_fraction
    for car in ordered:
        prior = class_prior.get(car.car_class, default_prior)
        if car.laps == 0:
            lo, hi = car.end.window or (0.0, 60.0)
            paces[car.number] = CarPace(((1, prior),), noise[car.number], fraction)
            runs[car.number] = _single(plan, car, paces[car.number])
            ends[car.number] = EndChoice(car.number, (lo + hi) / 2, "start", car.end.window, car.end.table_window, car.end.narrative_window)
            continue
        if car.end.relative_to:
            ref = runs[car.end.relative_to].crossings
            k = car.laps + (car.end.laps_behind or 0)
            if not 0 < k < len(ref):
                raise CalibrationError(f"car {car.end.relative_to} never completes lap {k}, so this car cannot retire "
                                       f"{car.end.laps_behind} laps behind it", key="laps_behind",
                                       value=car.end.laps_behind, car=car.number)
            target = ref[k - 1] + 0.5 * (ref[k] - ref[k - 1])
            rule = "relative"
        elif car.end.same_moment_as:
            target = runs[car.end.same_moment_as].end_time
            rule = "same-moment"
        else:
            target = None
            rule = car.end.window_source or "table"
        if car.end.window is None and target is None:
            raise CalibrationError("the sources give no time for this car's retirement", key="retirement_hour", car=car.number)
        chosen = fit(car, target, prior, fraction)
        ends[car.number] = EndChoice(car.number, chosen, rule, car.end.window, car.end.table_window, car.end.narrative_window)
    return Calibration(seed, paces, ends, fastest)
