"""A time trial's facts as data: the route, the assumptions, the readings of the Time column, the narrative events
and the published checkpoints.

Read from ``sim/races/<race-id>/{race.toml, course.csv, events.toml, checkpoints.toml, conflicts.toml}`` and checked
in one pass against the parsed document and the seed's text; every error names the file, key, value (and car).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sim.errors import RaceDataError
from sim.factfile import RACES_DIR, Checkpoint, Conflict, check_quote, load_toml, read_conflicts, reader
from sim.records import Race
from sim.timetrial.claims import read_checkpoints
from sim.timetrial.course import ROAD_KINDS, Route, read_course
from sim.timetrial.profile import Profile, read_profile
from sim.tomlfile import Table

READING_MEANS = ("stop-time", "elapsed-at-control", "none")
START_RULES = ("minutes-after-midnight", "off-the-road")
EVENT_KINDS = ("retirement", "not-started", "note")
DAY_S = 24 * 3600.0
DRAW_SD = 3.0  # a profile factor is drawn within this many standard errors of its fit


@dataclass(frozen=True)
class Reading:
    """What a DNF car's Time column means, and where the car stopped."""

    car: str
    means: str  # one of READING_MEANS
    reason: str
    time_s: float | None = None  # the table's time, as elapsed seconds
    control: str | None = None  # elapsed-at-control: the control the time was taken at
    stop_km: float | None = None  # where the car stopped (km from the start); None: where its pace puts it
    stop_at: str | None = None  # the course point named for the stop
    quote: str = ""
    default: bool = False  # no reading in conflicts.toml: the race's default rule


@dataclass(frozen=True)
class TrialRange:
    """One ranged assumption the Monte Carlo draws (race.toml ``[draws]``, conflicts.toml ``[[reading.also]]``).

    `shape` is "normal" (around `value` with the standard error `sd`, cut at `low`/`high`), "uniform" (on
    [`low`, `high`]) or "choice" (one of `choices`, `value` its index: 0 is the written reading, equal weights)."""

    name: str  # "profile.coast", "profile.tied.ratio", "car_type.GT", "reading.<car>"
    value: float  # the default replay's
    low: float
    high: float
    reason: str
    shape: str
    sd: float | None = None
    choices: tuple[str, ...] = ()
    mode: float | None = None  # the circuit's ranges have one; the summary lists it

    def describe(self) -> str:
        if self.shape == "choice":
            return f"one of {', '.join(self.choices)} (equal weights; default {self.choices[0]})"
        if self.shape == "normal":
            return (f"{self.low:g} to {self.high:g} (normal, standard error {self.sd:.3f}, cut at "
                    f"{DRAW_SD:g} of them; default {self.value:g})")
        return f"{self.low:g} to {self.high:g} (uniform; default {self.value:g})"


@dataclass(frozen=True)
class CarType:
    """A type of car (sports, GT, touring) and what it loses on the roads `roads`, times the profile's factor."""

    name: str
    classes: tuple[str, ...]  # the class letters before the engine size ("S" of "S+2.0", "GT" of "GT1.3")
    factor: float  # the default replay's (1: the profile's)
    low: float
    high: float
    reason: str


@dataclass(frozen=True)
class TrialEvent:
    id: str
    kind: str
    quote: str
    section: str
    car: str = ""  # "" for a driver not in the table (out before the start)
    driver: str = ""


@dataclass(frozen=True)
class TimeTrialFacts:
    race_id: str
    start: datetime  # the replay's clock zero: the first car's start
    duration_s: float  # from the first start to the last finish
    route: Route
    road_factor: dict[str, float]
    start_rule: str
    dnf_fraction: float
    readings: dict[str, Reading]
    events: tuple[TrialEvent, ...]
    checkpoints: tuple[Checkpoint, ...]
    conflicts: tuple[Conflict, ...]
    folder: Path
    reasons: dict[str, str] = field(default_factory=dict)
    defaults: tuple[str, ...] = ()
    lap_length_km: float | None = None  # a route has no lap
    profile: Profile | None = None  # the course profile fitted to the record (race.toml [profile])
    reading_margin: float = 0.05  # how much faster than its class winner a DNF time's reading may make a car
    ranges: tuple[TrialRange, ...] = ()  # what the Monte Carlo draws (race.toml [draws], conflicts.toml `also`)
    car_types: tuple[CarType, ...] = ()
    type_roads: tuple[str, ...] = ()  # the road kinds a car type's factor applies to
    type_factor: dict[str, float] = field(default_factory=dict)  # car type -> factor on `type_roads` (1: none)
    alternatives: dict[str, tuple[Reading, ...]] = field(default_factory=dict)  # car -> its readings, written first

    def car_type(self, car_class: str) -> str | None:
        """The type of a car of `car_class` (by the letters before its engine size), or None."""
        letters = class_letters(car_class)
        return next((t.name for t in self.car_types if letters in t.classes), None)

    def road_factor_for(self, car_class: str) -> dict[str, float]:
        """The profile's factors, those of `type_roads` times the car type's factor (the profile's own when 1)."""
        factor = self.type_factor.get(self.car_type(car_class) or "", 1.0)
        if factor == 1.0:
            return self.road_factor
        return {k: v * factor if k in self.type_roads else v for k, v in self.road_factor.items()}

    @property
    def assumptions(self):  # the report and the pipeline read `facts.assumptions.reasons`
        return self

    def events_for(self, car: str, kind: str | None = None) -> list[TrialEvent]:
        return [e for e in self.events if e.car == car and (kind is None or e.kind == kind)]


def start_of(entry, rule: str, race_day: datetime) -> datetime | None:
    """A car's start: the document's (its number as a time of day) or, for a number that is not one, the rule's."""
    if entry.start_time is not None:
        return entry.start_time
    if rule == "minutes-after-midnight" and entry.number.isdigit():
        return race_day + timedelta(minutes=int(entry.number))
    return None


def load_facts(race: Race, seed_text: str, folder: Path | None = None) -> TimeTrialFacts:
    """Load and check a time trial's facts. RaceDataError names the file, key and value of the first bad one."""
    folder = Path(folder) if folder else RACES_DIR / race.id
    path = folder / "race.toml"
    doc = reader(path, load_toml(path), "")
    head = doc.sub("race", required=True)
    start = _read_start(head, race, folder, seed_text)
    course = doc.sub("course", required=True)
    controls = tuple(course.strings("controls"))
    route = read_course(folder / course.string("file", "course.csv"), controls)
    profile = read_profile(doc.sub("profile", required=True), folder, route)
    assumptions = doc.sub("assumptions", required=True)
    reasons, rule, fraction = _read_assumptions(assumptions)
    margin = assumptions.sub("dnf_reading", required=True).number("margin", low=0, high=0.5)
    day = start.replace(hour=0, minute=0, second=0) + (timedelta(days=1) if start.hour >= 12 else timedelta())
    duration_s = _check_starts(path, race, start, rule, day)
    readings, alternatives = _read_readings(folder / "conflicts.toml", race, route, seed_text)
    events = _read_events(folder / "events.toml", race, seed_text)
    checkpoints = read_checkpoints(folder / "checkpoints.toml", race, route, start, duration_s, seed_text)
    conflicts = read_conflicts(folder / "conflicts.toml", seed_text)
    draws = doc.sub("draws") if "draws" in doc.table else None
    if draws is not None:
        draws.only(("reason", "profile", "tied", "car_types", "readings"))
    car_types, roads = _read_car_types(draws, race) if draws is not None else ((), ())
    ranges = _ranges(draws, profile, car_types, alternatives) if draws is not None else ()
    return TimeTrialFacts(race.id, start, duration_s, route, dict(profile.factors), rule, fraction, readings, events,
                          checkpoints, conflicts, folder, reasons, profile=profile, reading_margin=margin,
                          ranges=ranges, car_types=car_types, type_roads=roads,
                          type_factor={t.name: t.factor for t in car_types}, alternatives=alternatives)


def class_letters(car_class: str) -> str:
    """The letters of a class before its engine size: "S" of "S+2.0", "GT" of "GT1.3", "TS" of "TS750"."""
    return re.match(r"[A-Za-z]*", car_class)[0]


def _read_car_types(draws: Table, race: Race) -> tuple[tuple[CarType, ...], tuple[str, ...]]:
    """race.toml [draws.car_types]: the road kinds a type's factor applies to and one table per type."""
    table = draws.sub("car_types", required=True)
    roads = tuple(table.strings("roads"))
    for road in roads:
        if road not in ROAD_KINDS:
            raise table.error("roads", f"must be road kinds of the course ({', '.join(ROAD_KINDS)})", road)
    table.string("reason")
    types, seen = [], {}
    for i, item in enumerate(table.tables("type")):
        t = Table(table.path, item, table.key(f"type[{i}]"), table.error_class)
        name = t.string("name")
        t.prefix = table.key(f"type.{name}")
        low, high = (t.number(k, low=0.5, high=2.0) for k in ("low", "high"))
        factor = t.number("factor", low=low, high=high)
        classes = tuple(t.strings("classes"))
        for letters in classes:
            if letters in seen:
                raise t.error("classes", f"is already of the type {seen[letters]}", letters)
            seen[letters] = name
        types.append(CarType(name, classes, factor, low, high, t.string("reason")))
    for entry in race.starters:
        if class_letters(entry.car_class or "") not in seen:
            raise table.error("type", f"gives no type to the class {entry.car_class!r} (car {entry.number})",
                              class_letters(entry.car_class or ""))
    return tuple(types), roads


def _ranges(draws: Table, profile: Profile, car_types, alternatives) -> tuple[TrialRange, ...]:
    """What the Monte Carlo draws: the profile's fitted factors, the tied ratio, the car types, the readings."""
    reason = draws.sub("profile", required=True).string("reason")
    ranges = [TrialRange(f"profile.{k}", profile.factors[k], max(profile.factors[k] - DRAW_SD * profile.sd[k], 0.05),
                         profile.factors[k] + DRAW_SD * profile.sd[k], reason, "normal", profile.sd[k])
              for k in profile.sd if k != profile.ratio[0]]
    kind, of, ratio, (low, high) = profile.ratio
    ranges.append(TrialRange("profile.tied.ratio", ratio, low, high, draws.sub("tied", required=True).string("reason")
                             + f" ({kind} = {of} times the ratio)", "uniform"))
    ranges += [TrialRange(f"car_type.{t.name}", t.factor, t.low, t.high, t.reason, "uniform")
               for t in car_types if t.low < t.high]
    reason = draws.sub("readings", required=True).string("reason")
    for car, readings in alternatives.items():
        labels = tuple(_label(r) for r in readings)
        ranges.append(TrialRange(f"reading.{car}", 0, 0, len(readings) - 1, reason, "choice", choices=labels))
    return tuple(ranges)


def _label(reading: Reading) -> str:
    return f"elapsed at {reading.control}" if reading.means == "elapsed-at-control" else reading.means


def _read_start(head: Table, race: Race, folder: Path, seed_text: str) -> datetime:
    race_id = head.string("id")
    if race_id != folder.name or race_id != race.id:
        raise head.error("id", f"must be the folder's name and the document's race ({race.id!r})", race_id)
    head.string("kind", choices=("time-trial",))
    for key in ("quote", "start_quote"):
        if key in head:
            check_quote(head.path, head.key(key), head.table[key], seed_text)
    text = head.string("start")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise head.error("start", "is not an ISO date-time", text) from None


def _read_assumptions(table: Table) -> tuple[dict[str, str], str, float]:
    reasons = {}
    for name, item in table.table.items():
        if not isinstance(item, dict):
            raise table.error(name, "must be a table with a value and its reason", item)
        reasons[name] = table.sub(name).string("reason")
    rule = table.sub("start_rule", required=True).string("rule", choices=START_RULES)
    table.sub("dnf_pace", required=True).string("rule", choices=("class-median",))
    fraction = table.sub("dnf_without_time", required=True).number("fraction", low=0, high=1, low_open=True,
                                                                    high_open=True)
    return reasons, rule, fraction


def _check_starts(path: Path, race: Race, start: datetime, rule: str, day: datetime) -> float:
    """Every listed car starts at or after the replay's start; the race lasts until the last finish."""
    last = 0.0
    for entry in race.starters:
        car_start = start_of(entry, rule, day)
        if car_start is None:
            continue
        offset = (car_start - start).total_seconds()
        if offset < 0:
            raise RaceDataError(f"is after car {entry.number}'s start ({car_start:%d %B %H:%M})", file=path,
                                key="race.start", value=f"{start:%Y-%m-%dT%H:%M}", car=entry.number)
        if entry.elapsed is not None and offset > DAY_S:
            raise RaceDataError("starts more than a day after the replay's start", file=path, key="race.start",
                                car=entry.number, value=f"{car_start:%Y-%m-%dT%H:%M}")
        if entry.status == "classified" and entry.elapsed is not None:
            last = max(last, offset + entry.elapsed.total_seconds())
    if last <= 0:
        raise RaceDataError("no listed car finishes after the start", file=path, key="race.start",
                            value=f"{start:%Y-%m-%dT%H:%M}")
    return last


def _read_reading(r: Table, race: Race, route: Route, seed_text: str) -> Reading:
    car = r.string("car")
    r.car, r.prefix = car, f"reading.{car}"
    try:
        entry = race.entry(car)
    except KeyError:
        raise r.error("car", "names no car of the results table", car) from None
    if entry.status != "DNF":
        raise r.error("car", f"is {entry.status}, not a car that did not finish", car)
    means = r.string("means", choices=READING_MEANS)
    time_s = entry.elapsed.total_seconds() if entry.elapsed is not None else None
    if (time_s is None) != (means == "none"):
        raise r.error("means", "'none' is for a car without a time, and only for it", means)
    if time_s is not None and r.string("time") not in seed_text:
        raise r.error("time", "is not the table's time as the seed writes it", r.table["time"])
    quote = check_quote(r.path, r.key("quote"), r.table["quote"], seed_text, car) if "quote" in r else ""
    control = r.string("control", None)
    if (control is None) == (means == "elapsed-at-control"):
        raise r.error("control", "is needed by 'elapsed-at-control', and only by it", control)
    if control is not None and control not in route.mark_names:
        raise r.error("control", f"is not a control of the route ({', '.join(route.mark_names)})", control)
    stop_at, stop_km = r.string("stop_at", None), r.number("stop_km", None, low=0, low_open=True)
    if stop_at is not None:
        index = route.point_named(stop_at)
        if index is None:
            raise r.error("stop_at", "names no point of the course", stop_at)
        stop_km = route.points[index].km
    if means != "stop-time" and stop_km is None:
        raise r.error("stop_km", f"'{means}' needs `stop_at` or `stop_km`: where the car stopped")
    if stop_km is not None and stop_km >= route.length_km:
        raise r.error("stop_km", f"is at or beyond the finish ({route.length_km:g} km)", stop_km)
    if control is not None and stop_km <= route.marks_km[route.mark_names.index(control)]:
        raise r.error("stop_km", f"is before the control {control} the time was taken at", stop_km)
    return Reading(car, means, r.string("reason"), time_s, control, stop_km, stop_at, quote)


def _read_readings(path: Path, race: Race, route: Route,
                   seed_text: str) -> tuple[dict[str, Reading], dict[str, tuple[Reading, ...]]]:
    """{car: its written reading}, {car: (the written reading, then every other reading that also fits)}."""
    readings, alternatives = {}, {}
    for i, item in enumerate(reader(path, load_toml(path), "").tables("reading")):
        also = item.get("also", [])
        reading = _read_reading(reader(path, {k: v for k, v in item.items() if k != "also"}, f"reading[{i}]"), race,
                                route, seed_text)
        if reading.car in readings:
            raise RaceDataError("has two readings", file=path, key=f"reading.{reading.car}", car=reading.car)
        readings[reading.car] = reading
        if not isinstance(also, list):
            raise RaceDataError("must be an array of tables ([[reading.also]])", file=path,
                                key=f"reading.{reading.car}.also", car=reading.car)
        others = []
        for j, alt in enumerate(also):
            merged = {k: v for k, v in item.items() if k in ("car", "time", "quote")} | alt
            other = _read_reading(reader(path, merged, f"reading.{reading.car}.also[{j}]"), race, route, seed_text)
            if (other.means, other.control) in [(r.means, r.control) for r in (reading, *others)]:
                raise RaceDataError("is the same reading as another of this car", file=path,
                                    key=f"reading.{reading.car}.also[{j}]", car=reading.car)
            others.append(other)
        if others:
            alternatives[reading.car] = (reading, *others)
    return readings, alternatives


def _read_events(path: Path, race: Race, seed_text: str) -> tuple[TrialEvent, ...]:
    events, seen = [], set()
    numbers = {e.number for e in race.entries}
    for i, item in enumerate(reader(path, load_toml(path), "").tables("event")):
        r = reader(path, item, f"event[{i}]")
        event_id = r.string("id")
        r.prefix = f"event.{event_id}"
        if event_id in seen:
            raise r.error("id", "is used twice", event_id)
        car = r.string("car", "")
        if car and car not in numbers:
            raise r.error("car", "names no car of the results table", car)
        if not car and not r.string("driver", ""):
            raise r.error("driver", "an event without a car names its driver")
        quote = check_quote(path, r.key("quote"), r.table.get("quote"), seed_text, car or None)
        events.append(TrialEvent(event_id, r.string("kind", choices=EVENT_KINDS), quote, r.string("section", ""), car,
                                 r.string("driver", "")))
        seen.add(event_id)
    return tuple(events)
