"""What-if scenarios: a TOML file that changes the real race, replayed with every other calibrated fact kept.

```toml
[scenario]
name = "The leader's engine holds"
race = "<race id>"                   # required: the race id (its folder under sim/races/)
description = "What the race would have been without one retirement."
remove_events = ["<event id>"]       # event ids from the race's events.toml

[rules]                              # regulations in force: min_laps_between_refuels, max_stint_laps, max_driver_hours
min_laps_between_refuels = 34

[assumptions]                        # pit_stop_seconds (0 to 3600)
pit_stop_seconds = 60

[[car]]                              # per-car changes
number = "<car number>"
pace_factor = 0.99                   # lap times x 0.99 (0.1 to 10)
finish = true                        # runs on to the flag whatever the table says
```

Removing a car's retirement (its retirement event, or `finish = true`) lets it run on to the flag at its calibrated pace
with its remaining stops; a retirement tied to it (`same_moment_as`, the same accident) goes with it. Errors name the
file, key and value.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from sim.circuit.engine import CarPace
from sim.circuit.facts import MAX_FACTOR, MAX_LAPS, RaceFacts
from sim.circuit.plan import EndRule, build_plan
from sim.circuit.replay import REPLAY
from sim.errors import ScenarioError
from sim.factfile import RACES_DIR
from sim.replays import Replay, replay_of
from sim.sources import race_ids
from sim.tomlfile import Table, in_range, read_toml

RULE_KEYS = {"min_laps_between_refuels": int, "max_stint_laps": int, "max_driver_hours": (int, float)}
ASSUMPTION_KEYS = {"pit_stop_seconds": (int, float)}
CAR_KEYS = {"number": str, "pace_factor": (int, float), "finish": bool}
SCENARIO_KEYS = {"name": str, "description": str, "remove_events": list, "race": str}
SECTIONS = ("scenario", "rules", "assumptions", "car")
RULE_LIMITS = {"min_laps_between_refuels": MAX_LAPS, "max_stint_laps": MAX_LAPS, "max_driver_hours": 48}
MAX_PIT_STOP_S = 3600.0  # a stop of more than an hour is a delay, not a pit stop


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    race: str
    remove_events: tuple[str, ...] = ()
    rules: tuple[tuple[str, float], ...] = ()
    assumptions: tuple[tuple[str, float], ...] = ()
    cars: tuple[dict, ...] = ()
    file: str | None = None


def _check_table(table: Table, allowed: dict) -> None:
    """Every key is known and of its type; numbers are finite (see :class:`Table`)."""
    for key, value in table.table.items():
        if key not in allowed:
            raise table.error(key, f"is not a known {table.prefix} key (known: {', '.join(allowed)})", value)
        table.get(key, allowed[key])


def _read_rules(doc: Table) -> tuple[tuple[str, float], ...]:
    rules = doc.sub("rules")
    _check_table(rules, RULE_KEYS)
    for key, value in rules.table.items():
        if value <= 0:
            raise rules.error(key, "must be > 0", value)
        if value > RULE_LIMITS[key]:
            raise rules.error(key, f"must be at most {RULE_LIMITS[key]}", value)
    return tuple(rules.table.items())


def _read_assumptions(doc: Table) -> tuple[tuple[str, float], ...]:
    assumptions = doc.sub("assumptions")
    _check_table(assumptions, ASSUMPTION_KEYS)
    for key, value in assumptions.table.items():
        if value < 0:
            raise assumptions.error(key, "must not be negative", value)
        if value > MAX_PIT_STOP_S:
            raise assumptions.error(key, f"must be at most {MAX_PIT_STOP_S:g} seconds (an hour)", value)
    return tuple(assumptions.table.items())


def _read_cars(doc: Table) -> tuple[dict, ...]:
    cars = doc.tables("car")
    for i, item in enumerate(cars):
        car = Table(doc.path, item, f"car[{i}]", ScenarioError)
        _check_table(car, CAR_KEYS)
        number = car.string("number")
        if "pace_factor" in car and not in_range(item["pace_factor"], 1 / MAX_FACTOR, MAX_FACTOR):
            raise car.error("pace_factor", f"must be from {1 / MAX_FACTOR:g} to {MAX_FACTOR:g}", item["pace_factor"])
        if number in [c["number"] for c in cars[:i]]:
            raise car.error("number", "names a car already changed above: put all its changes in one [[car]]", number)
    return tuple(cars)


def _read_removed(head: Table) -> tuple[str, ...]:
    removed = head.table.get("remove_events", [])
    for i, event in enumerate(removed):
        if not isinstance(event, str):
            raise head.error(f"remove_events[{i}]", "must be an event id (a string)", event)
        if event in removed[:i]:
            raise head.error(f"remove_events[{i}]", "names an event already removed", event)
    return tuple(removed)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file (names of cars and events are checked against the race in :func:`apply`).

    Raises :class:`ScenarioError` naming the file, key and value: an unreadable file, invalid TOML, an unknown key,
    a value of the wrong type, NaN, infinity or a number out of range.
    """
    path = Path(path)
    doc = Table(path, read_toml(path, ScenarioError, "scenario file not found"), "", ScenarioError)
    for key in doc.table:
        if key not in SECTIONS:
            raise ScenarioError(f"is not a known section ({', '.join(SECTIONS)})", file=path, key=key)
    head = doc.sub("scenario")
    _check_table(head, SCENARIO_KEYS)
    name, race = head.string("name"), head.string("race")
    rules, assumptions, cars = _read_rules(doc), _read_assumptions(doc), _read_cars(doc)
    return Scenario(name, head.string("description", ""), race, _read_removed(head), rules, assumptions, cars,
                    str(path))


def _check_race(scenario: Scenario) -> None:
    if scenario.race not in race_ids():
        raise ScenarioError(f"names no race (known: {', '.join(race_ids())})", file=scenario.file, key="scenario.race",
                            value=scenario.race)
    if not (RACES_DIR / scenario.race / "race.toml").is_file():
        raise ScenarioError("names a race with no replay data (no race.toml)", file=scenario.file, key="scenario.race",
                            value=scenario.race)


def apply_to(scenario: Scenario, race, facts: RaceFacts, plan, calibration) -> Replay:
    """The scenario's replay on a given calibration of the race (a Monte Carlo draw's, or the real race's)."""
    _check_race(scenario)
    events = {e.id: e for e in facts.events}
    starters = {c.number for c in plan.cars}
    for i, event_id in enumerate(scenario.remove_events):
        if event_id not in events:
            raise ScenarioError("names no event of this race (see its events.toml)", file=scenario.file,
                                key=f"scenario.remove_events[{i}]", value=event_id)
    for i, car in enumerate(scenario.cars):
        if car["number"] not in starters:
            raise ScenarioError("names a car that did not start this race", file=scenario.file,
                                key=f"car[{i}].number", value=car["number"])

    removed = set(scenario.remove_events)
    finish = {c["number"] for c in scenario.cars if c.get("finish")}
    finish |= {events[e].car for e in removed if events[e].kind == "retirement"}
    # a retirement tied to a removed one goes too (Maglioli crashed into Brooks's wreck)
    finish |= {e.car for e in facts.events if e.kind == "retirement" and e.same_moment_as in finish}
    removed |= {e.id for e in facts.events if e.kind == "retirement" and e.car in finish}
    kept = tuple(e for e in facts.events if e.id not in removed)
    assumptions = facts.assumptions
    for key, value in scenario.assumptions:
        if key == "pit_stop_seconds":
            assumptions = replace(assumptions, pit_stop_s=float(value))
    new_facts: RaceFacts = replace(facts, events=kept, assumptions=assumptions)
    new_plan = build_plan(race, new_facts, dict(scenario.rules))
    cars = []
    for car in new_plan.cars:
        car = calibration.amended.get(car.number, car)  # a default stop calibration gave the car stays with it
        if car.number in finish:
            car = replace(car, end=EndRule("finish", (facts.duration_s, facts.duration_s), "scenario"),
                          status="classified", position=None)
        cars.append(car)
    new_plan = replace(new_plan, cars=tuple(cars))
    factors = {c["number"]: float(c.get("pace_factor", 1.0)) for c in scenario.cars}
    paces = dict(calibration.paces)
    for number, factor in factors.items():
        pace = paces[number]
        paces[number] = CarPace(tuple((first, base * factor) for first, base in pace.segments), pace.noise,
                                pace.end_fraction)
    return replay_of(REPLAY, race, new_facts, new_plan, replace(calibration, paces=paces), label=scenario.name)


def final_classification(replay: Replay) -> pd.DataFrame:
    """Order at the flag: finishers by laps (then who crossed first), then the rest by laps."""
    frame = replay.standings(seconds=replay.facts.duration_s)
    return frame[["position", "car", "class", "make", "laps", "status"]]


def compare(real: Replay, whatif: Replay) -> dict:
    """How the what-if's result differs from the real race: winner, margin, laps and positions of every car."""
    a, b = final_classification(real), final_classification(whatif)
    merged = a.merge(b, on=["car", "class", "make"], suffixes=("_real", "_whatif"))
    merged["laps_change"] = merged["laps_whatif"] - merged["laps_real"]
    merged["position_change"] = merged["position_real"] - merged["position_whatif"]
    changed = merged[(merged.laps_change != 0) | (merged.position_change != 0)
                     | (merged.status_real != merged.status_whatif)]

    def margin(frame):
        return int(frame.laps.iloc[0] - frame.laps.iloc[1])

    return {
        "scenario": whatif.label,
        "winner_real": a.car.iloc[0], "winner_whatif": b.car.iloc[0],
        "margin_real_laps": margin(a), "margin_whatif_laps": margin(b),
        "winner_laps_real": int(a.laps.iloc[0]), "winner_laps_whatif": int(b.laps.iloc[0]),
        "changes": changed.sort_values("position_whatif").to_dict(orient="records"),
        "top10_real": a.car.head(10).tolist(), "top10_whatif": b.car.head(10).tolist(),
    }
