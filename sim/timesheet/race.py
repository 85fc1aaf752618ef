"""The race to forecast as data: the timesheet's cars (parsed from the seed) and the race's folder of facts.

The folder's ``race.toml`` gives the rules and the circuit (each with its source), the record the reliability is
learnt from and the entry list (``[record]``: two CSV files of the folder, with their source; :mod:`.record`), the
classes' Index of Performance targets where a source gives them, and the assumptions no source gives (each with its
reason): refuels, pit stops, how practice pace becomes race pace, night, and the hazard model's settings. Every value
is checked where it is read; errors name file, key, value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sim.clock import HOUR, parse_clock
from sim.errors import RaceDataError
from sim.factfile import RACES_DIR
from sim.records import Race
from sim.timesheet.record import Car, read_entries, read_results
from sim.tomlfile import Table, read_toml


@dataclass(frozen=True)
class ForecastCar:
    """One car of the timesheet as the forecast sees it."""

    number: str
    make: str  # the entry list's chassis' first word, spelt as the record spells it ([record.makes])
    chassis: str  # as the timesheet writes it
    practice_s: float  # the quickest of the timesheet's time columns
    drivers: tuple[str, ...]
    team: str | None = None
    entry: Car | None = None  # the entry list's row: class, family, displacement, make

    @property
    def car_class(self) -> str:
        return self.entry.car_class


@dataclass(frozen=True)
class Record:
    """The record the reliability is learnt from: its car-races, the year forecast, the years backtested."""

    cars: tuple[Car, ...]
    year: int
    backtest_years: tuple[int, ...]
    source: str
    notes: dict  # what the race data says of the record's reading (missing times, classes, makes, pace)


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
    classified_against: str  # "class winner": the entry list gives each car's class
    index_targets: dict  # class -> Index of Performance target (km), None where no source gives it
    index_reason: str  # where the targets come from, or why there are none
    final_lap_s: float
    record: Record | None = None
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
                "race_pace", "pit_time_spread", "classification"):
        item = a.sub(key, required=True)
        shown = {k: v for k, v in item.table.items() if k != "reason"}
        sources.append((f"assumption: {key.replace('_', ' ')}", ", ".join(f"{k} {v}" for k, v in shown.items()),
                        item.string("reason")))
    against = a.sub("classification")
    if against.string("against") != "class winner":
        raise against.error("against", 'must be "class winner" (the 1961 rule)', against.string("against"))
    rec = _record(doc.sub("record", required=True), path.parent, duration_s / HOUR, start.year)
    entries = read_entries(path.parent / doc.sub("record").string("entries"), rec.notes["makes"], start.year)
    cars = tuple(_car(e, entries, path.parent / doc.sub("record").string("entries")) for e in race.entries
                 if e.started)
    index = doc.sub("classes", required=True)
    targets = {c.car_class: _index_target(index, c.car_class) for c in cars}
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
        targets, index.string("index_reason"), rules.number("final_lap_minutes", low=0, low_open=True) * 60.0,
        rec, _hazard(doc.sub("hazard", required=True)), tuple(sources))


def _record(r: Table, folder: Path, duration_h: float, year: int) -> Record:
    """[record]: the results file and the years to backtest; the makes' spellings; the notes on its reading."""
    makes = {str(k): str(v) for k, v in r.sub("makes").table.items()}
    years = r.get("backtest_years", list)
    if len(years) != 2 or not all(isinstance(y, int) and not isinstance(y, bool) for y in years) or years[1] < years[0]:
        raise r.error("backtest_years", "must be [first, last], whole years", years)
    cars = tuple(read_results(folder / r.string("results"), makes, duration_h))
    if any(c.year >= year for c in cars):
        raise r.error("results", f"must hold only years before {year} (a forecast is made without its result)",
                      r.string("results"))
    notes = {k: r.string(k) for k in ("missing_retirement", "classes", "pace")} | {"makes": makes}
    return Record(cars, year, tuple(range(years[0], years[1] + 1)), r.string("source"), notes)


def _index_target(index: Table, car_class: str) -> float | None:
    """A class's Index of Performance target distance (km) from [classes.index_km], None where no source gives it."""
    targets = index.sub("index_km")
    return targets.number(car_class, low=0, low_open=True) if car_class in targets else None


def _hazard(h: Table) -> dict:
    """[hazard]: the replayed race the pace ratio comes from, the band edges (0 to the race's end, ascending), the
    grid of penalties and trend cross-validation chooses from, the bootstrap's size."""
    edges = h.get("band_edges_hours", list)
    if len(edges) < 2 or edges[0] != 0 or any(not isinstance(e, (int, float)) or isinstance(e, bool) for e in edges) \
            or any(b <= a for a, b in zip(edges, edges[1:])):
        raise h.error("band_edges_hours", "must be ascending hours from 0", edges)
    out = dict(h.table)
    out["learn_from"] = h.string("learn_from")
    for key in ("shrink_terms", "shrink_makes"):
        grid = h.get(key, list)
        if not grid or any(isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0 for v in grid):
            raise h.error(key, "must be a list of penalties above 0", grid)
    trend = h.get("trend", list)
    if not trend or any(not isinstance(v, bool) for v in trend):
        raise h.error("trend", "must be a list of true/false (with and without the year trend)", trend)
    out["grid"] = {"trend": trend, "terms": h.get("shrink_terms", list), "makes": h.get("shrink_makes", list)}
    out["bootstrap"] = h.integer("bootstrap", low=1, high=10_000)
    for key in ("reason_learn_from", "reason_terms", "reason_bands", "reason_shrink", "reason_bootstrap"):
        out[key] = h.string(key)
    return out


def _car(entry, entries: dict[str, Car], path: Path) -> ForecastCar:
    """A timesheet row as a ForecastCar: its quickest practice time, and from the entry list its class, displacement
    and make."""
    times = [t.total_seconds() for t in entry.times if t is not None]
    if not times:
        raise RaceDataError("has no practice time", file=entry.race, key="time", value="", car=entry.number)
    if entry.number not in entries:
        raise RaceDataError("has no row in the entry list", file=path, key="number",
                            value=entry.number, car=entry.number)
    e = entries[entry.number]
    return ForecastCar(entry.number, e.make, entry.chassis or e.chassis, min(times),
                       tuple(d.name for d in entry.drivers), entry.entrant, e)
