"""What-if scenarios: a TOML file that changes the real race, replayed with every other calibrated fact kept.

```toml
[scenario]
name = "Hawthorn's Ferrari keeps its pistons"
description = "Musso's engine does not seize in the fourth hour."
remove_events = ["musso-piston"]     # event ids from the race's events.toml

[rules]                              # regulations in force: min_laps_between_refuels, max_stint_laps, max_driver_hours
min_laps_between_refuels = 34

[assumptions]                        # pit_stop_seconds
pit_stop_seconds = 60

[[car]]                              # per-car changes
number = "7"
pace_factor = 0.99                   # lap times x 0.99
finish = true                        # runs on to the flag whatever the table says
```

Removing a car's retirement (its retirement event, or `finish = true`) lets it run on to the flag at its calibrated pace
with its remaining stops; a retirement tied to it (Maglioli hit Brooks) goes with it. Errors name the file, key and value.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from sim.circuit.calibrate import DEFAULT_SEED
from sim.circuit.engine import CarPace
from sim.errors import ScenarioError
from sim.circuit.plan import EndRule, build_plan
from sim.facts import RaceFacts
from sim.pipeline import Replay, prepare, replay_plan

RULE_KEYS = {"min_laps_between_refuels": int, "max_stint_laps": int, "max_driver_hours": (int, float)}
ASSUMPTION_KEYS = {"pit_stop_seconds": (int, float)}
CAR_KEYS = {"number": str, "pace_factor": (int, float), "finish": bool}
SCENARIO_KEYS = {"name": str, "description": str, "remove_events": list, "race": str}


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


def _check_table(path, table: dict, allowed: dict, prefix: str) -> None:
    if not isinstance(table, dict):
        raise ScenarioError("must be a table", file=path, key=prefix, value=table)
    for key, value in table.items():
        if key not in allowed:
            raise ScenarioError(f"is not a known {prefix} key (known: {', '.join(allowed)})", file=path, key=f"{prefix}.{key}", value=value)
        types = allowed[key]
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)))
        if not ok:
            names = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
            raise ScenarioError(f"must be {names}", file=path, key=f"{prefix}.{key}", value=value)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file's shape (names are checked against the race in :func:`apply`)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise ScenarioError("scenario file not found", file=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"not valid TOML: {exc}", file=path) from None
    for key in doc:
        if key not in ("scenario", "rules", "assumptions", "car"):
            raise ScenarioError("is not a known section (scenario, rules, assumptions, car)", file=path, key=key)
    head = doc.get("scenario", {})
    _check_table(path, head, SCENARIO_KEYS, "scenario")
    if "name" not in head:
        raise ScenarioError("is required", file=path, key="scenario.name")
    rules = doc.get("rules", {})
    _check_table(path, rules, RULE_KEYS, "rules")
    for key, value in rules.items():
        if value <= 0:
            raise ScenarioError("must be > 0", file=path, key=f"rules.{key}", value=value)
    assumptions = doc.get("assumptions", {})
    _check_table(path, assumptions, ASSUMPTION_KEYS, "assumptions")
    for key, value in assumptions.items():
        if value < 0:
            raise ScenarioError("must not be negative", file=path, key=f"assumptions.{key}", value=value)
    cars = doc.get("car", [])
    if not isinstance(cars, list):
        raise ScenarioError("must be an array of tables [[car]]", file=path, key="car")
    for i, car in enumerate(cars):
        _check_table(path, car, CAR_KEYS, f"car[{i}]")
        if "number" not in car:
            raise ScenarioError("is required", file=path, key=f"car[{i}].number")
        if car.get("pace_factor", 1.0) <= 0:
            raise ScenarioError("must be > 0", file=path, key=f"car[{i}].pace_factor", value=car["pace_factor"])
    removed = head.get("remove_events", [])
    for i, event in enumerate(removed):
        if not isinstance(event, str):
            raise ScenarioError("must be an event id (a string)", file=path, key=f"scenario.remove_events[{i}]", value=event)
        if event in removed[:i]:
            raise ScenarioError("names an event already removed", file=path, key=f"scenario.remove_events[{i}]", value=event)
    numbers = [car["number"] for car in cars]
    for i, number in enumerate(numbers):
        if number in numbers[:i]:
            raise ScenarioError("names a car already changed above: put all its changes in one [[car]]", file=path,
                                key=f"car[{i}].number", value=number)
    return Scenario(head["name"], head.get("description", ""), head.get("race", "le-mans-1957"), tuple(removed),
                    tuple(rules.items()), tuple(assumptions.items()), tuple(cars), str(path))


def apply(scenario: Scenario, seed: int = DEFAULT_SEED) -> Replay:
    """Replay the race with the scenario's changes and the real race's calibrated paces."""
    race, facts, plan, calibration = prepare(scenario.race, seed)
    events = {e.id: e for e in facts.events}
    starters = {c.number for c in plan.cars}
    for i, event_id in enumerate(scenario.remove_events):
        if event_id not in events:
            raise ScenarioError("names no event of this race (see its events.toml)", file=scenario.file,
                                key=f"scenario.remove_events[{i}]", value=event_id)
    for i, car in enumerate(scenario.cars):
        if car["number"] not in starters:
            raise ScenarioError("names a car that did not start this race", file=scenario.file, key=f"car[{i}].number", value=car["number"])

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
        if car.number in finish:
            car = replace(car, end=EndRule("finish", (facts.duration_s, facts.duration_s), "scenario"), status="classified", position=None)
        cars.append(car)
    new_plan = replace(new_plan, cars=tuple(cars))
    factors = {c["number"]: float(c.get("pace_factor", 1.0)) for c in scenario.cars}
    paces = dict(calibration.paces)
    for number, factor in factors.items():
        pace = paces[number]
        paces[number] = CarPace(tuple((first, base * factor) for first, base in pace.segments), pace.noise, pace.end_fraction)
    return replay_plan(race, new_facts, new_plan, replace(calibration, paces=paces), label=scenario.name)


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
    changed = merged[(merged.laps_change != 0) | (merged.position_change != 0) | (merged.status_real != merged.status_whatif)]

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
