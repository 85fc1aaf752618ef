"""A time trial's facts as data: the route, the assumptions, the readings of the Time column, the narrative events
and the published checkpoints.

Read from ``sim/races/<race-id>/{race.toml, course.csv, events.toml, checkpoints.toml, conflicts.toml}`` and checked
in one pass against the parsed document and the seed's text; every error names the file, key, value (and car).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sim.errors import RaceDataError
from sim.factfile import RACES_DIR, Checkpoint, Conflict, check_quote, load_toml, read_conflicts, reader
from sim.records import Race
from sim.timetrial.claims import read_checkpoints
from sim.timetrial.course import Route, read_course
from sim.timetrial.profile import Profile, read_profile
from sim.tomlfile import Table

READING_MEANS = ("stop-time", "elapsed-at-control", "none")
START_RULES = ("minutes-after-midnight", "off-the-road")
EVENT_KINDS = ("retirement", "not-started", "note")
DAY_S = 24 * 3600.0


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
    readings = _read_readings(folder / "conflicts.toml", race, route, seed_text)
    events = _read_events(folder / "events.toml", race, seed_text)
    checkpoints = read_checkpoints(folder / "checkpoints.toml", race, route, start, duration_s, seed_text)
    conflicts = read_conflicts(folder / "conflicts.toml", seed_text)
    return TimeTrialFacts(race.id, start, duration_s, route, dict(profile.factors), rule, fraction, readings, events,
                          checkpoints, conflicts, folder, reasons, profile=profile, reading_margin=margin)


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


def _read_readings(path: Path, race: Race, route: Route, seed_text: str) -> dict[str, Reading]:
    readings = {}
    for i, item in enumerate(reader(path, load_toml(path), "").tables("reading")):
        reading = _read_reading(reader(path, item, f"reading[{i}]"), race, route, seed_text)
        if reading.car in readings:
            raise RaceDataError("has two readings", file=path, key=f"reading.{reading.car}", car=reading.car)
        readings[reading.car] = reading
    return readings


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
