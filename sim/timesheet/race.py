"""The race to forecast as data: the timesheet's cars (parsed from the seed) and the race's folder of facts.

The folder's ``race.toml`` gives the rules and the circuit (each with its source) and the assumptions no source
gives (each with its reason): refuels, pit stops, how practice pace becomes race pace, night, how the classification
rule is read without classes, and the hazard model's settings. Every value is checked where it is read; errors name
file, key, value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sim.clock import HOUR, parse_clock
from sim.errors import RaceDataError
from sim.factfile import RACES_DIR
from sim.records import Race
from sim.tomlfile import Table, read_toml


@dataclass(frozen=True)
class ForecastCar:
    """One car of the timesheet as the forecast sees it."""

    number: str
    make: str  # from the chassis column's first word (spelt as the replayed race spells it, by [makes])
    chassis: str
    practice_s: float  # the quickest of the timesheet's time columns
    drivers: tuple[str, ...]
    team: str | None = None


@dataclass(frozen=True)
class ForecastRace:
    """The cars, rules and assumptions of a race to be forecast; `sources` lists every input for the report."""

    race_id: str
    title: str
    start: datetime
    duration_s: float
    lap_km: float
    cars: tuple[ForecastCar, ...]
    stint_laps: int
    max_stint_laps: int
    pit_stop_s: float
    pit_spread: float
    standing_start_s: float
    night: tuple[float, float, float]  # start s, end s, factor
    tyre_wear_per_lap: float
    lap_noise_sigma: float
    pace_spread: float
    classified_share: float  # of the distance of the car the rule is read against (`classified_against`)
    classified_against: str  # "overall winner": the timesheet gives no classes
    no_classes_reason: str  # why a car's class and P(class win) are null
    final_lap_s: float
    hazard: dict = field(default_factory=dict)
    sources: tuple[tuple[str, str, str], ...] = ()  # (input, value, source or reason)


def _path(race: Race) -> Path:
    return RACES_DIR / race.id / "race.toml"


def load_forecast_race(race: Race, folder: Path | None = None) -> ForecastRace:
    """The forecast's view of a parsed timesheet; RaceDataError (file, key, value) for a missing or bad value."""
    path = Path(folder) / "race.toml" if folder else _path(race)
    doc = Table(path, read_toml(path, RaceDataError, "the race has no race.toml to forecast from"), "", RaceDataError)
    head, circuit, rules = (doc.sub("race", required=True), doc.sub("circuit", required=True),
                            doc.sub("rules", required=True))
    a = doc.sub("assumptions", required=True)
    try:
        start = datetime.fromisoformat(head.string("start"))
    except ValueError:
        raise head.error("start", "is not an ISO date-time", head.string("start")) from None
    duration_s = head.number("duration_hours", low=0, high=48, low_open=True) * HOUR
    night = a.sub("night", required=True)
    n0, n1 = (parse_clock(night.string(k), start) for k in ("start", "end"))
    sources = [("race start", head.string("start"), head.string("source")),
               ("lap length", f"{circuit.number('lap_km', low=1, high=50):g} km", circuit.string("source"))]
    for key in ("max_stint_laps", "max_driving_hours", "final_lap_minutes"):
        sources.append((key.replace("_", " "), f"{rules.number(key, low=0, low_open=True):g}",
                        rules.string(f"{key}_source")))
    sources.append(("classified share of the class winner's distance",
                    f"{rules.number('classification_share_of_class_winner', low=0, high=1):g}",
                    rules.string("classification_source")))
    for key in ("stint_laps", "pit_stop_seconds", "standing_start_seconds", "night", "tyre_wear", "lap_noise",
                "race_pace", "pit_time_spread", "classes", "classification"):
        item = a.sub(key, required=True)
        shown = {k: v for k, v in item.table.items() if k != "reason"}
        sources.append((f"assumption: {key.replace('_', ' ')}", ", ".join(f"{k} {v}" for k, v in shown.items()),
                        item.string("reason")))
    classes = a.sub("classes")
    if classes.string("value") != "none":
        raise classes.error("value", 'must be "none" (the timesheet gives no classes)', classes.string("value"))
    against = a.sub("classification")
    if against.string("against") != "overall winner":
        raise against.error("against", 'must be "overall winner" (the timesheet gives no classes)',
                            against.string("against"))
    cars = tuple(_car(e, doc) for e in race.entries if e.started)
    return ForecastRace(
        race.id, race.title, start, duration_s, circuit.number("lap_km", low=1, high=50), cars,
        a.sub("stint_laps").integer("value", low=1, high=rules.integer("max_stint_laps", low=1)),
        rules.integer("max_stint_laps", low=1), a.sub("pit_stop_seconds").number("value", low=0, high=3600),
        a.sub("pit_time_spread").number("sigma", low=0, high=2),
        a.sub("standing_start_seconds").number("value", low=0, high=600),
        (n0, n1 if n1 > n0 else n1 + 24 * HOUR, night.number("factor", low=0.5, high=2.0)),
        a.sub("tyre_wear").number("per_lap", low=0, high=0.01), a.sub("lap_noise").number("sigma", low=0, high=0.05),
        a.sub("race_pace").number("spread", low=0, high=0.2),
        rules.number("classification_share_of_class_winner", low=0, high=1), against.string("against"),
        classes.string("reason"),
        rules.number("final_lap_minutes", low=0, low_open=True) * 60.0,
        _hazard(doc.sub("hazard", required=True)), tuple(sources))


def _hazard(h: Table) -> dict:
    """[hazard]: the replayed race to learn from, the band edges (0 to the race's end, ascending), the penalties."""
    edges = h.get("band_edges_hours", list)
    if len(edges) < 2 or edges[0] != 0 or any(not isinstance(e, (int, float)) or isinstance(e, bool) for e in edges) \
            or any(b <= a for a, b in zip(edges, edges[1:])):
        raise h.error("band_edges_hours", "must be ascending hours from 0", edges)
    out = dict(h.table)
    out["learn_from"] = h.string("learn_from")
    for key in ("shrink_bands", "shrink_terms", "shrink_makes"):
        out[key] = h.number(key, low=0)
    out["bootstrap"] = h.integer("bootstrap", low=1, high=10_000)
    for key in ("reason_learn_from", "reason_terms", "reason_bands", "reason_shrink", "reason_bootstrap"):
        out[key] = h.string(key)
    return out


def _car(entry, doc: Table) -> ForecastCar:
    """A timesheet row as a ForecastCar: its make (the chassis's first word, in the replayed race's spelling), its
    chassis and its quickest practice time. Nothing else: the timesheet gives no engine size and no class."""
    chassis = entry.chassis or ""
    first = chassis.split()[0] if chassis else "Other"
    make = doc.sub("makes").table.get(first, entry.make or first)
    times = [t.total_seconds() for t in entry.times if t is not None]
    if not times:
        raise RaceDataError("has no practice time", file=entry.race, key="time", value="", car=entry.number)
    return ForecastCar(entry.number, make, chassis, min(times), tuple(d.name for d in entry.drivers), entry.entrant)
