"""One written rule for the Time column of a car that did not finish, applied to every such car alike.

A DNF time can be read as the moment the car stopped (``stop-time``) or as its elapsed time at a control it passed
(``elapsed-at-control``). Each reading implies a pace: the time over the effort (km weighted by the course profile)
to where the reading puts the car, which is an elapsed time at the finish had it run on at that pace. The rule:

1. **The seed's place decides where it gives one.** With a stated place of accident (a reading in conflicts.toml
   with its quote), ``stop-time`` means the car reached that place in its time; ``elapsed-at-control`` may name any
   control before the place.
2. **A reading fits** when the pace it implies is one the car's class could run: no faster than the class winner's
   by more than the race's margin (every class winner is in the table, in bold), and no slower than the slowest
   classified car of the race (the table lists only a selection of finishers, so a class's slowest are not in it).
3. **Of the readings that fit, the one whose pace is nearest the median of its class's listed finishers is kept**;
   with no stated place, ``stop-time`` at that median is the reading that needs no further assumption (it fixes
   the place), and every other reading that fits is reported beside it ("also fits"). When none fits, the nearest
   is kept and the report says that none fits.

The rule only judges: the readings stay data in conflicts.toml, each with its reason, and the report shows where
the written reading and the rule's agree (a test holds every written reading to the rule).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.timetrial.plan import TrialCar, TrialPlan


@dataclass(frozen=True)
class Candidate:
    means: str  # "stop-time" or "elapsed-at-control"
    control: str | None  # elapsed-at-control: the control
    km: float  # where the time is taken (the stop, or the control)
    total_s: float  # the elapsed time at the finish the reading's pace implies
    fits: bool

    @property
    def label(self) -> str:
        return f"elapsed at {self.control}" if self.control else f"stop-time at {self.km:g} km"


@dataclass(frozen=True)
class Verdict:
    car: str
    chosen: Candidate
    candidates: tuple[Candidate, ...]
    band: tuple[float, float]  # the totals that fit: (fastest, slowest)
    median_s: float
    stated_km: float | None  # the seed's place, if it gives one

    @property
    def also(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.candidates if c.fits and c != self.chosen)

    @property
    def none_fits(self) -> bool:
        return not self.chosen.fits


def _class_totals(plan: TrialPlan) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for car in plan.cars:
        if car.status == "classified" and car.elapsed_s:
            out.setdefault(car.car_class, []).append(car.elapsed_s)
    return out


def _distance(total: float, band: tuple[float, float]) -> float:
    low, high = band
    return 0.0 if low <= total <= high else min(abs(math.log(total / low)), abs(math.log(total / high)))


def judge_car(plan: TrialPlan, car: TrialCar, effort: np.ndarray, margin: float) -> Verdict | None:
    """The rule's verdict on one car's Time column (None for a car with no time, or one that finished)."""
    reading = car.reading
    if reading is None or reading.time_s is None:
        return None
    route, time_s = plan.facts.route, reading.time_s
    totals = _class_totals(plan)
    every = [t for ts in totals.values() for t in ts]
    mine = totals.get(car.car_class, every)
    band = (min(mine) * (1 - margin), max(every))
    median = float(np.median(mine))
    stated = reading.stop_km if reading.quote else None
    total_effort = float(effort[-1])

    def at(km: float) -> float:
        return float(np.interp(km, route.km, effort))

    found = []
    if stated is not None:
        total = time_s / at(stated) * total_effort
        found.append(Candidate("stop-time", None, stated, total, band[0] <= total <= band[1]))
    else:
        km = float(np.interp(time_s / median * total_effort, effort, route.km))
        found.append(Candidate("stop-time", None, round(km, 1), median, time_s < median))
    for name, km in zip(route.mark_names[:-1], route.marks_km[:-1]):
        if stated is None or km < stated:
            total = time_s / at(km) * total_effort
            found.append(Candidate("elapsed-at-control", name, km, total, band[0] <= total <= band[1]))
    fitting = [c for c in found if c.fits] or found
    chosen = min(fitting, key=lambda c: (_distance(c.total_s, band) if not c.fits else 0.0,
                                         abs(math.log(c.total_s / median))))
    return Verdict(car.number, chosen, tuple(found), band, median, stated)


def judge(plan: TrialPlan, effort: np.ndarray, margin: float) -> dict[str, Verdict]:
    """The rule's verdict on every DNF time, by car."""
    verdicts = {}
    for car in plan.cars:
        verdict = judge_car(plan, car, effort, margin)
        if verdict is not None:
            verdicts[car.number] = verdict
    return verdicts


def agrees(verdict: Verdict, car: TrialCar) -> bool:
    """The written reading is the rule's choice."""
    reading = car.reading
    return reading.means == verdict.chosen.means and reading.control == verdict.chosen.control
