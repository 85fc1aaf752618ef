"""Each car's plan in a time trial: what the sources fix before any pace is fitted.

A plan joins the results table (class, crew, start minute, elapsed time, status) with the reading of its Time
column (:class:`~sim.timetrial.facts.Reading`): where a car that did not finish stopped, and what its time means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sim.records import Race
from sim.timetrial.facts import Reading, TimeTrialFacts, start_of


@dataclass(frozen=True)
class TrialCar:
    number: str
    car_class: str
    make: str
    drivers: tuple[str, ...]
    team: str | None
    status: str  # results-table status
    position: int | None
    start_s: float  # its start, seconds from the replay's clock zero (the first start)
    elapsed_s: float | None  # the table's time
    reading: Reading | None = None  # a car that did not finish: what its time means, where it stopped
    start_by_rule: bool = False  # its number is not a time of day: the start is the race's written rule
    reason: str | None = None


@dataclass(frozen=True)
class TrialPlan:
    facts: TimeTrialFacts
    cars: tuple[TrialCar, ...]
    rules: dict = field(default_factory=dict)
    flag_order: tuple[str, ...] = ()  # the elapsed times rank the finishers: the table imposes no order of its own

    def car(self, number: str) -> TrialCar:
        for c in self.cars:
            if c.number == number:
                return c
        raise KeyError(number)


def default_reading(facts: TimeTrialFacts, number: str, elapsed_s: float | None) -> Reading:
    """A DNF with no reading: a time is the moment it stopped; no time stops it at the race's default fraction."""
    if elapsed_s is not None:
        return Reading(number, "stop-time", "no reading in conflicts.toml: the time is taken as the moment the car "
                       "stopped, at its class's pace", elapsed_s, default=True)
    km = round(facts.dnf_fraction * facts.route.length_km, 1)
    return Reading(number, "none", f"no time and no narrative: stops at {km:g} km ({facts.dnf_fraction:g} of the "
                   "route, race.toml assumptions.dnf_without_time)", None, stop_km=km, default=True)


def build_plan(race: Race, facts: TimeTrialFacts) -> TrialPlan:
    """Every listed starter's plan, in the table's order."""
    day = facts.start.replace(hour=0, minute=0) + timedelta(days=1 if facts.start.hour >= 12 else 0)
    cars = []
    for entry in race.starters:
        start = start_of(entry, facts.start_rule, day)
        elapsed = entry.elapsed.total_seconds() if entry.elapsed is not None else None
        reading = None
        if entry.status != "classified":
            reading = facts.readings.get(entry.number) or default_reading(facts, entry.number, elapsed)
        cars.append(TrialCar(entry.number, entry.car_class or "", entry.make or "",
                             tuple(d.name for d in entry.drivers), entry.team, entry.status, entry.position,
                             (start - facts.start).total_seconds(), elapsed, reading, entry.start_time is None,
                             entry.reason))
    return TrialPlan(facts, tuple(cars))
