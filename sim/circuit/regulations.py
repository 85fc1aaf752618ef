"""Checking a replay against the race's rules: refuel window, stint length, driving time, the final lap.

A breach the sources record (car 60's 'Premature refuel') is listed as recorded; any other is a modelling error.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.clock import HOUR
from sim.log import EventKind
from sim.replays import Replay

RECORDED_REASONS = {"refuel_window": ("premature refuel",)}


@dataclass(frozen=True)
class Breach:
    car: str
    rule: str  # refuel_window | max_stint_laps | max_driver_hours | final_lap
    time_s: float
    lap: int
    detail: str
    recorded: bool  # the sources record this breach (e.g. the disqualification for refuelling early)


def check_regulations(replay: Replay) -> list[Breach]:
    """Every breach of the rules in force in the replay, in time order."""
    rules = replay.plan.rules
    out: list[Breach] = []
    by_car: dict[str, list] = {}
    for e in replay.log:
        by_car.setdefault(e.car, []).append(e)
    for car, events in by_car.items():
        entry = replay.race.entry(car)
        reason = (entry.reason or "").lower()
        last_refuel, stint_driver, stint_laps = 0, None, 0
        driving: dict[str, float] = {}
        previous = 0.0
        for e in events:
            if e.kind == EventKind.PASSING:
                driving[e.driver] = driving.get(e.driver, 0.0) + (e.time - previous)
                previous = e.time
                if e.driver == stint_driver:
                    stint_laps += 1
                else:
                    stint_driver, stint_laps = e.driver, 1
                if stint_laps == rules["max_stint_laps"] + 1:
                    out.append(Breach(car, "max_stint_laps", e.time, e.mark,
                                      f"{e.driver} drove more than {rules['max_stint_laps']} laps in one stint", False))
            elif e.kind == EventKind.PIT_OUT:
                previous = e.time
            elif e.kind == EventKind.PIT_IN and e.refuel:
                since = e.mark - last_refuel
                if since < rules["min_laps_between_refuels"]:
                    recorded = any(r in reason for r in RECORDED_REASONS["refuel_window"])
                    out.append(Breach(car, "refuel_window", e.time, e.mark,
                                      f"refuelled after {since} laps (the rule asks for "
                                      f"{rules['min_laps_between_refuels']})", recorded))
                last_refuel = e.mark
        limit = rules["max_driver_hours"] * HOUR
        for driver, seconds in driving.items():
            if seconds > limit:
                out.append(Breach(car, "max_driver_hours", replay.facts.duration_s, 0,
                                  f"{driver} drove {seconds / HOUR:.1f} h (limit {rules['max_driver_hours']:g} h)",
                                  False))
        plan = replay.plan.car(car)
        crossings = replay.table.crossings[car]
        if plan.status == "classified" and len(crossings):
            final_lap_s = replay.facts.duration_s - crossings[-1]
            limit_s = replay.facts.regulations.final_lap_limit_minutes * 60
            if final_lap_s > limit_s:
                out.append(Breach(car, "final_lap", replay.facts.duration_s, len(crossings),
                                  f"no lap completed in the last {final_lap_s / 60:.0f} minutes", False))
    return sorted(out, key=lambda b: (b.time_s, b.car))
