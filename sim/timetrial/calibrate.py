"""Each car's pace in a time trial, fitted from the inputs.

A car's time over a section is its pace (seconds per effort-km) times the section's effort (its km times the road
kind's factor, an assumption of race.toml). A classified car's pace is fitted so its elapsed time at the finish is
the table's, to the second; a car that did not finish takes the pace its reading gives: its time at a control, or
its class's median pace. Its stop is where its reading puts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.errors import RaceDataError
from sim.timetrial.plan import TrialCar, TrialPlan
from sim.timetrial.readings import judge


@dataclass(frozen=True)
class TrialPace:
    pace: float  # seconds per effort-km
    stop_km: float | None = None  # None: the car reaches the finish
    rule: str = "finish"  # how its pace was fixed: "finish", "control", "class-median"


@dataclass(frozen=True)
class TrialCalibration:
    seed: int
    paces: dict[str, TrialPace]
    effort: np.ndarray  # cumulative effort at each route point
    notes: tuple[str, ...] = ()
    ends: dict = field(default_factory=dict)  # no circuit-style retirement windows
    verdicts: dict = field(default_factory=dict)  # the written rule's verdict on each DNF time (readings.Verdict)
    efforts: dict = field(default_factory=dict)  # car -> its own cumulative effort, where its type's differs

    def effort_of(self, car: str) -> np.ndarray:
        return self.efforts.get(car, self.effort)


def effort_at(plan: TrialPlan, effort: np.ndarray, km: float) -> float:
    return float(np.interp(km, plan.facts.route.km, effort))


def _class_paces(plan: TrialPlan, efforts) -> tuple[dict[str, float], float]:
    by_class: dict[str, list[float]] = {}
    for car in plan.cars:
        if car.status == "classified" and car.elapsed_s:
            by_class.setdefault(car.car_class, []).append(car.elapsed_s / float(efforts(car.number)[-1]))
    every = [p for paces in by_class.values() for p in paces]
    return {k: float(np.median(v)) for k, v in by_class.items()}, float(np.median(every))


def _dnf_pace(plan: TrialPlan, car: TrialCar, effort: np.ndarray, medians, overall) -> TrialPace:
    reading, route = car.reading, plan.facts.route
    if reading.means == "elapsed-at-control":
        control_km = route.marks_km[route.mark_names.index(reading.control)]
        return TrialPace(reading.time_s / effort_at(plan, effort, control_km), reading.stop_km, "control")
    pace = medians.get(car.car_class, overall)
    if reading.means == "none":
        return TrialPace(pace, reading.stop_km, "class-median")
    stop_effort = reading.time_s / pace
    if stop_effort >= effort[-1]:
        raise RaceDataError("as the moment the car stopped, at its class's pace it would be past the finish",
                            file=plan.facts.folder / "conflicts.toml", key=f"reading.{car.number}.time",
                            value=reading.time_s, car=car.number)
    return TrialPace(pace, float(np.interp(stop_effort, effort, route.km)), "class-median")


def calibrate(plan: TrialPlan, seed: int = 0) -> TrialCalibration:
    """Every car's pace and stop. RaceDataError when a reading cannot hold on this course."""
    facts = plan.facts
    effort = facts.route.effort(facts.road_factor)
    efforts = {}
    for car in plan.cars:  # a car type that loses more (or less) on some roads: its own effort (Monte Carlo draws)
        factors = facts.road_factor_for(car.car_class)
        if factors is not facts.road_factor:
            efforts[car.number] = facts.route.effort(factors)
    medians, overall = _class_paces(plan, lambda number: efforts.get(number, effort))
    paces, notes = {}, []
    for car in plan.cars:
        mine = efforts.get(car.number, effort)
        if car.status == "classified":
            paces[car.number] = TrialPace(car.elapsed_s / mine[-1])
            continue
        paces[car.number] = _dnf_pace(plan, car, mine, medians, overall)
        if car.reading.default:
            notes.append(f"car {car.number}: {car.reading.reason}")
    for car in plan.cars:
        if car.start_by_rule:
            notes.append(f"car {car.number}: its number is not a time of day; start {plan.facts.start_rule} "
                         "(race.toml assumptions.start_rule)")
    verdicts = judge(plan, effort, plan.facts.reading_margin)
    return TrialCalibration(seed, paces, effort, tuple(notes), verdicts=verdicts, efforts=efforts)
