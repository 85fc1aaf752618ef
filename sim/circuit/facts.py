"""A race's facts as data: regulations, assumptions, narrative events and published checkpoints.

Read from ``sim/races/<race-id>/{race,events,checkpoints,conflicts}.toml``, filled with defaults and checked in
one pass; every error names the file, key, value and car (:class:`RaceDataError`).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sim.clock import HOUR, parse_clock, parse_window
from sim.errors import RaceDataError
from sim.factfile import RACES_DIR, Checkpoint, Conflict, Range, check_quote, load_toml, read_conflicts, reader
from sim.records import Race
from sim.tomlfile import Table, _range_text, in_range

ANCHOR_SIDES = ("ahead", "behind", "either")
ANCHOR_EDGES = ("start", "end")  # of the event an anchor's moment is tied to
ANCHOR_EVENT_KINDS = ("delay", "retirement")  # the events whose moment the replay knows
EVENT_KINDS = ("delay", "retirement", "pace", "stints", "disqualified", "anchor", "start", "driver", "note")
CLAIM_KEYS = {  # what each kind of checkpoint must state
    "order": ("cars",), "position": ("car",), "laps": ("car", "laps"), "gap_seconds": ("car", "ahead", "value"),
    "gap_laps": ("car", "ahead", "value"), "leader": ("car",), "class_order": ("class", "cars"),
    "index_order": ("cars",), "spread_laps": ("positions", "value"), "same_lap": ("cars",),
    "best_position": ("car", "value"), "pit_time": ("car", "seconds"), "fastest_lap": ("car", "seconds"),
    "average_speed": ("car", "kph"), "clock": ("value",), "refuels_done": ("min_refuels", "share"),
    "getaway": ("first", "next"), "not_evaluated": ("reason",),
}
CHECKPOINT_KINDS = tuple(CLAIM_KEYS)  # sim.circuit.claims has one function per kind (a test keeps them equal)


@dataclass(frozen=True)
class Regulations:
    min_laps_between_refuels: int
    max_stint_laps: int
    max_driver_hours: float
    final_lap_limit_minutes: float


@dataclass(frozen=True)
class Assumptions:
    stint_laps: int
    pit_stop_s: float
    standing_start_s: float
    night: tuple[float, float, float]  # start s, end s, factor
    fog: tuple[float, float, float]  # start s, end s, factor
    tyre_wear_per_lap: float
    retirement_fraction: float
    finish_fraction: float
    lap_noise_sigma: float
    reasons: dict[str, str] = field(default_factory=dict)
    fog_by_make: dict[str, float] = field(default_factory=dict)  # makes the fog slowed less (or more) than the field
    retirement_at: str = "pace"  # "pace": where the car's own pace puts it within its window; "middle": mid-window
    open_ends: bool = False  # a retirement with no stated time may fall anywhere; an NC car runs to the flag

    def fog_factor(self, make: str) -> float:
        return self.fog_by_make.get(make, self.fog[2])


@dataclass(frozen=True)
class NarrativeEvent:
    id: str
    car: str
    kind: str
    quote: str
    section: str
    after_lap: int | None = None
    at: float | None = None  # seconds from the start
    window: tuple[float, float] | None = None
    seconds: float | None = None
    laps_lost: float | None = None
    on_track: bool = False
    in_pits: bool = False
    driver_change: bool = False
    refuel: bool = False
    factor: float | None = None
    until: float | None = None
    refuel_laps: tuple[int, ...] = ()
    relative_to: str | None = None
    laps_behind: int | None = None
    same_moment_as: str | None = None
    assumption: str | None = None
    lap: int | None = None  # anchor: the lap whose completion the window places
    fits: tuple[str, ...] = ()  # checkpoints this event's value was taken or tuned from: they are reported "fitted"
    narrative_hour: int | None = None  # a retirement placed only by a race hour ("in the fourth hour")
    start_seconds: float | None = None  # start: extra seconds the car loses at the Le Mans start
    driver: str | None = None  # start: the driver who took the start, where the sources say who drove when
    by: tuple[float, float] | None = None  # anchor: seconds after `relative_to` crosses the same lap (negative: before)
    side: str = "either"  # anchor at a moment: "ahead" of, "behind" or "either" side of `relative_to` on its lap
    at_event: str | None = None  # anchor: the moment is when another car's delay or retirement happens in the replay
    at_edge: str = "start"  # anchor at an event: its "start" (the halt, the pit entry, the end of a race; a delay
    # placed by lap starts with that lap, as the engine books it) or "end" (the car moves again)
    offset_s: float = 0.0  # anchor at an event: seconds after that edge (negative: before)


@dataclass(frozen=True)
class RaceFacts:
    race_id: str
    start: datetime
    duration_s: float
    lap_length_km: float | None  # None: the document gives no distance
    regulations: Regulations
    assumptions: Assumptions
    events: tuple[NarrativeEvent, ...]
    checkpoints: tuple[Checkpoint, ...]
    conflicts: tuple[Conflict, ...]
    folder: Path
    defaults: tuple[str, ...] = ()  # the defaults a race without a race folder was replayed with, each with its reason
    ranges: tuple[Range, ...] = ()  # the assumed values a Monte Carlo draws (sim.montecarlo), in file order

    def events_for(self, car: str, kind: str | None = None) -> list[NarrativeEvent]:
        return [e for e in self.events if e.car == car and (kind is None or e.kind == kind)]


MAX_LAPS = 1000  # the replay's horizon (sim.circuit.plan.MAX_LAPS, a test keeps them equal): more is a typo
MAX_FACTOR = 2.0  # lap-time factors (night, fog, pace) stay within 0.5x-2x: far outside it no pace can be calibrated
MAX_SIGMA = 0.05  # the lap scatter is clipped at 3 sigma; from 5% on, scatter swamps the pace the sources give


def load_facts(race: Race, seed_text: str, folder: Path | None = None) -> RaceFacts:
    """Load and check a race's facts against its parsed source document and the seed's text.

    Raises :class:`RaceDataError` naming the file, key, value (and car) for the first wrong or unreadable value.
    """
    folder = Path(folder) if folder else RACES_DIR / race.id
    race_path = folder / "race.toml"
    doc = reader(race_path, load_toml(race_path), "")
    _check_race_toml(doc, seed_text)
    start, duration_s = _read_head(doc.sub("race", required=True), race, folder)
    regulations = _read_regulations(doc, seed_text)
    lap_length_km = _lap_length(race_path, race)
    assumptions, ranges = _read_assumptions(doc.sub("assumptions"), start, seed_text)
    _check_makes(doc.sub("assumptions").sub("fog").sub("by_make"), race)
    starters = {e.number for e in race.starters}
    events, event_ranges = _read_events(folder / "events.toml", starters, start, duration_s, seed_text)
    event_ids = {e.id for e in events}
    drivers = {e.number: {d.name for d in e.drivers} for e in race.starters}
    checkpoints = _read_checkpoints(folder / "checkpoints.toml", starters, event_ids, start, duration_s, seed_text,
                                    drivers)
    conflicts = _read_conflicts(folder / "conflicts.toml", seed_text)
    checkpoints = _mark_fitted(folder / "events.toml", checkpoints, events)
    _check_event_laps(folder / "events.toml", race, events)
    return RaceFacts(race.id, start, duration_s, lap_length_km, regulations, assumptions, events, checkpoints,
                     conflicts, folder, ranges=ranges + event_ranges)


RACE_TOML = {  # race.toml: each section and the keys it may hold (the assumptions': ASSUMPTION_KEYS)
    "race": ("id", "start", "duration_hours", "quote"),
    "regulations": ("min_laps_between_refuels", "max_stint_laps", "max_driver_hours", "final_lap_limit_minutes",
                    "quotes"),
    "lap_length": ("derived_from",),
    "assumptions": (),
}
REGULATION_QUOTES = (*RACE_TOML["regulations"][:4], "starters")  # what [regulations.quotes] may quote
OTHER_MAKE = "Other"  # the make of a starter the table gives none (as sim.circuit.plan names it)


def _check_race_toml(doc: Table, seed_text: str) -> None:
    """Every section and key of race.toml is one the replay reads (a typo is an error, not a default), and each
    quote (the race's, the lap length's source) is in the document."""
    doc.only(RACE_TOML)
    for name, keys in RACE_TOML.items():
        if name != "assumptions":
            doc.sub(name).only(keys)
    doc.sub("regulations").sub("quotes").only(REGULATION_QUOTES)
    assumptions = doc.sub("assumptions")
    tables = reader(doc.path, {k: v for k, v in assumptions.table.items() if isinstance(v, dict)}, "assumptions")
    tables.only(ASSUMPTION_KEYS)  # a value that is no table: the reader says it must be one
    for name, keys in ASSUMPTION_KEYS.items():
        if name in tables:
            tables.sub(name).only((*keys, *ASSUMPTION_COMMON))
    for section, key, required in (("race", "quote", False), ("lap_length", "derived_from", True)):
        table = doc.sub(section)
        if section in doc and (required or key in table):
            check_quote(doc.path, table.key(key), table.table.get(key), seed_text)


def _check_makes(by_make: Table, race: Race) -> None:
    """A make the fog spared (or slowed more) is one of the starters' makes: a misspelt one would drop silently."""
    makes = sorted({e.make or OTHER_MAKE for e in race.starters})
    for make, value in by_make.table.items():
        if make not in makes:
            close = difflib.get_close_matches(make, makes, n=1)
            hint = f"did you mean {close[0]}?" if close else f"its makes: {', '.join(makes)}"
            raise by_make.error(make, f"is not a make of this race's starters ({hint})", value)


def _read_conflicts(path: Path, seed_text: str) -> tuple[Conflict, ...]:
    """conflicts.toml (optional): only [[conflict]] tables, each checked by :func:`sim.factfile.read_conflicts`."""
    if not path.exists():
        return ()
    reader(path, load_toml(path), "").only(("conflict",))
    return read_conflicts(path, seed_text)


def _read_head(head: Table, race: Race, folder: Path) -> tuple[datetime, float]:
    """[race]: its id (the folder's name and the document's race), start and length."""
    race_id = head.string("id")
    if race_id != folder.name:
        raise head.error("id", f"differs from the name of its folder {folder.name!r}", race_id)
    if race_id != race.id:
        raise head.error("id", f"is not the race of the source document ({race.id!r})", race_id)
    text = head.string("start")
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        raise head.error("start", "is not an ISO date-time", text) from None
    duration_s = head.number("duration_hours", low=0, high=48, low_open=True, message="must be 0-48 hours") * HOUR
    return start, duration_s


def _read_regulations(doc: Table, seed_text: str) -> Regulations:
    regs = doc.sub("regulations")
    regulations = Regulations(
        min_laps_between_refuels=regs.integer("min_laps_between_refuels", low=0, high=MAX_LAPS),
        max_stint_laps=regs.integer("max_stint_laps", low=1, high=MAX_LAPS, message="must be a whole number > 0"),
        max_driver_hours=regs.number("max_driver_hours", low=0, high=48, low_open=True),
        final_lap_limit_minutes=regs.number("final_lap_limit_minutes", low=0, high=48 * 60, low_open=True),
    )
    quotes = regs.sub("quotes")
    for key, quote in quotes.table.items():
        check_quote(regs.path, quotes.key(key), quote, seed_text)
    return regulations


def _lap_length(race_path: Path, race: Race) -> float:
    distance = race.statistics.get("distance_km")
    winner = next((e for e in race.entries if e.position == 1), None)
    if not distance or winner is None or not winner.laps:
        raise RaceDataError("cannot derive the lap length: the source gives no distance or no winner's laps",
                            file=race_path, key="lap_length")
    return distance / winner.laps


def _mark_fitted(path: Path, checkpoints, events) -> tuple[Checkpoint, ...]:
    """A checkpoint that an anchor is taken from is fitted, not checked: say so on the checkpoint."""
    by_id = {c.id: c for c in checkpoints}
    fits: dict[str, list[str]] = {}
    for e in events:
        for cid in e.fits:
            if cid not in by_id:
                raise RaceDataError("names no checkpoint in checkpoints.toml", file=path, key=f"event.{e.id}.fits",
                                    value=cid, car=e.car)
            what = (f"car {e.car}'s lap {e.lap} is placed in its window" if e.kind == "anchor" and e.window
                    else f"car {e.car} is placed relative to car {e.relative_to}" if e.kind == "anchor"
                    else f"car {e.car}'s assumed {e.kind} was chosen with this statement in view")
            fits.setdefault(cid, []).append(f"{what} (event {e.id})")
    return tuple(
        replace(c, fitted=(c.fitted + "; " if c.fitted else "") + "; ".join(fits[c.id])) if c.id in fits else c
        for c in checkpoints
    )


def _check_event_laps(path: Path, race: Race, events) -> None:
    """An event placed at a lap the car never reached cannot be right."""
    for e in events:
        laps = race.entry(e.car).laps or 0
        for key, lap in (("after_lap", e.after_lap), ("lap", e.lap)):
            if lap is not None and lap > laps:
                raise RaceDataError(f"is beyond the car's {laps} laps in the results table", file=path,
                                    key=f"event.{e.id}.{key}", value=lap, car=e.car)


def _fits(r: Table) -> tuple[str, ...]:
    value = r.table.get("fits", ())
    value = (value,) if isinstance(value, str) else value
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise r.error("fits", "must be a checkpoint id or a list of them", value)
    return tuple(value)


def _clock(r: Table, key: str, start: datetime, default=None) -> float | None:
    """Seconds from the start for the clock time "HH:MM" at `key`."""
    if key not in r:
        return default
    try:
        return parse_clock(r.string(key), start)
    except ValueError:
        raise r.error(key, "is not a clock time HH:MM", r.table[key]) from None


def _window(r: Table, key: str, start: datetime) -> tuple[float, float] | None:
    """Seconds from the start for a [from, to] pair of clock times at `key`."""
    if key not in r:
        return None
    value = r.table[key]
    try:
        if not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, str) for v in value):
            raise ValueError
        return parse_window(value, start)
    except ValueError:
        raise r.error(key, "is not a [from, to] pair of clock times", value) from None


RANGE_KEYS = ("range", "mode", "range_reason")


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def read_range(r: Table, key: str, target: tuple, scale: float = 1.0, low=None, high=None, low_open=False,
               high_open=False) -> Range | None:
    """The `range = [lo, hi]` (and `mode`, `range_reason`) of the value at `key`, checked like the value itself:
    finite numbers, lo < hi, lo <= value <= hi (and lo <= mode <= hi), both ends within the value's own bounds.
    None when the table gives no range."""
    if "range" not in r:
        for extra in ("mode", "range_reason"):
            if extra in r:
                raise r.error(extra, "applies only with a `range = [low, high]`", r.table[extra])
        return None
    if key not in r:
        raise r.error("range", f"gives a range for `{key}`, which is not given", r.table["range"])
    value = r.table[key]
    bounds = r.table["range"]
    if not isinstance(bounds, list) or len(bounds) != 2 or not all(_is_number(v) for v in bounds):
        raise r.error("range", "must be a [low, high] pair of finite numbers", bounds)
    lo, hi = (float(v) for v in bounds)
    if lo >= hi:
        raise r.error("range", "must be a [low, high] pair with low < high", bounds)
    for end, v in (("low", lo), ("high", hi)):
        if not in_range(v, low, high, low_open, high_open):
            raise r.error("range", f"{end} end {_range_text(low, high, low_open, high_open)} (like `{key}`)", bounds)
    if not lo <= value <= hi:
        raise r.error("range", f"must hold the value of `{key}` ({value:g})", bounds)
    mode = None
    if "mode" in r:
        mode = r.get("mode", (int, float), message="must be a number")
        if not lo <= mode <= hi:
            raise r.error("mode", f"must be within the range [{lo:g}, {hi:g}]", mode)
        mode = float(mode)
    reason = r.string("range_reason", "")
    if not reason.strip():
        raise r.error("range_reason", "a range needs its reason: `range_reason`", r.table.get("range_reason"))
    return Range(r.key(key), float(value), lo, hi, mode, reason, target, scale)


def _factor(r: Table, key: str, default=...) -> float:
    return r.number(key, default, low=1 / MAX_FACTOR, high=MAX_FACTOR)


ASSUMPTION_RANGES = (  # (table, value key, Assumptions field, index in a tuple field, the value's bounds)
    ("pit_stop_seconds", "value", "pit_stop_s", None, dict(low=0, high=HOUR)),
    ("standing_start_seconds", "value", "standing_start_s", None, dict(low=0, high=600)),
    ("night", "factor", "night", 2, dict(low=1 / MAX_FACTOR, high=MAX_FACTOR)),
    ("fog", "factor", "fog", 2, dict(low=1 / MAX_FACTOR, high=MAX_FACTOR)),
    ("tyre_wear", "per_lap", "tyre_wear_per_lap", None, dict(low=0, high=0.01)),
    ("lap_noise", "sigma", "lap_noise_sigma", None, dict(low=0, high=MAX_SIGMA, high_open=True)),
)


ASSUMPTION_KEYS = {  # each [assumptions.<name>] of race.toml and the keys of its value (see ASSUMPTION_COMMON)
    "stint_laps": ("value",), "pit_stop_seconds": ("value",), "standing_start_seconds": ("value",),
    "night": ("start", "end", "factor"), "fog": ("start", "end", "factor", "by_make"), "tyre_wear": ("per_lap",),
    "retirement_fraction": ("value",), "finish_fraction": ("value",), "lap_noise": ("sigma",),
}
ASSUMPTION_COMMON = ("quote", "reason", *RANGE_KEYS)  # any assumption: a range is refused where none is drawn


def _assumption_ranges(table: Table) -> tuple[Range, ...]:
    ranged = {name for name, *_ in ASSUMPTION_RANGES}
    for name, item in table.table.items():
        if name not in ranged and isinstance(item, dict) and any(k in item for k in RANGE_KEYS):
            key = next(k for k in RANGE_KEYS if k in item)
            raise table.sub(name).error(key, "cannot be drawn: only "
                                        f"{', '.join(n for n, *_ in ASSUMPTION_RANGES)} take a range", item[key])
    out = []
    for name, key, field_name, index, bounds in ASSUMPTION_RANGES:
        if name in table:
            found = read_range(table.sub(name), key, ("assumptions", field_name, index), **bounds)
            if found is not None:
                out.append(found)
    return tuple(out)


def _read_assumptions(table: Table, start: datetime, seed_text: str) -> tuple[Assumptions, tuple[Range, ...]]:
    for name, item in table.table.items():
        if not isinstance(item, dict):
            raise table.error(name, "must be a table with a value and its reason", item)
        if "quote" in item:
            check_quote(table.path, table.key(f"{name}.quote"), item["quote"], seed_text)
        table.sub(name).string("reason", "")

    def span(name):  # like a window: an end at or before the start is on the next day
        r = table.sub(name)
        lo, hi = (_clock(r, key, start, r.string(key)) for key in ("start", "end"))
        return lo, hi + 24 * HOUR if hi <= lo else hi

    fog = table.sub("fog")
    by_make = fog.sub("by_make")
    assumptions = Assumptions(
        stint_laps=table.sub("stint_laps").integer("value", low=1, high=MAX_LAPS),
        pit_stop_s=table.sub("pit_stop_seconds").number("value", low=0, high=HOUR),
        standing_start_s=table.sub("standing_start_seconds").number("value", low=0, high=600),
        night=(*span("night"), _factor(table.sub("night"), "factor")),
        fog=(*span("fog"), _factor(fog, "factor")),
        tyre_wear_per_lap=table.sub("tyre_wear").number("per_lap", low=0, high=0.01),
        retirement_fraction=table.sub("retirement_fraction").number("value", low=0, high=1),
        finish_fraction=table.sub("finish_fraction").number("value", low=0, high=1),
        lap_noise_sigma=table.sub("lap_noise").number("sigma", low=0, high=MAX_SIGMA, high_open=True),
        reasons={k: v.get("reason", "") for k, v in table.table.items()},
        fog_by_make={make: _factor(by_make, make) for make in by_make.table},
    )
    return assumptions, _assumption_ranges(table)


ANCHOR_FORMS = (  # (required keys, allowed extra keys)
    ({"lap", "window"}, set()),
    ({"lap", "relative_to", "by"}, set()),
    ({"at", "relative_to"}, {"laps_behind", "side"}),
    ({"at_event", "relative_to"}, {"laps_behind", "side", "at_edge", "offset_minutes"}),
)
ANCHOR_KEYS = {"lap", "window", "relative_to", "by", "at", "laps_behind", "side", "at_event", "at_edge",
               "offset_minutes"}


def _check_anchor_form(r: Table, car: str) -> None:
    item = r.table
    keys = ANCHOR_KEYS & item.keys()
    if not any(required <= keys <= required | extra for required, extra in ANCHOR_FORMS):
        raise r.error("lap", "an anchor is `lap` + `window`, `lap` + `relative_to` + `by`, or a moment + `relative_to` "
                             "(+ `laps_behind`, `side`), the moment `at` or `at_event` (+ `at_edge`, "
                             f"`offset_minutes`); this one has {', '.join(sorted(keys)) or 'none of them'}",
                      item.get("lap"))
    if item.get("relative_to") == car:
        raise r.error("relative_to", "cannot place a car against itself", car)
    if item.get("side", "either") != "either" and item.get("laps_behind", 0) != 0:
        raise r.error("side", "applies only on the other car's own lap (laps_behind = 0)", item["side"])


def _by(r: Table, duration_s: float) -> tuple[float, float] | None:
    """`by = [from, to]`: seconds relative to the other car's crossing, from < to, within the race."""
    by = r.table.get("by")
    if by is None:
        return None
    if (not isinstance(by, list) or len(by) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                       and abs(v) <= duration_s for v in by) or by[0] >= by[1]):
        raise r.error("by", "is not a [from, to] pair of seconds, from < to", by)
    return float(by[0]), float(by[1])


def _refuel_laps(r: Table) -> tuple[int, ...]:
    laps = r.get("refuel_laps", list, [], message="must be a list of laps > 0")
    if not all(isinstance(x, int) and not isinstance(x, bool) and 0 < x <= MAX_LAPS for x in laps):
        raise r.error("refuel_laps", "must be a list of laps > 0", laps)
    return tuple(laps)


def _event_head(r: Table, starters: set[str], seen: set[str], seed_text: str) -> tuple[str, str, str, str]:
    """An event's id (unique), car (a starter), kind and quote."""
    event_id = r.string("id")
    r.prefix = f"event.{event_id}"
    if event_id in seen:
        raise r.error("id", "is used twice", event_id)
    car = r.string("car")
    r.car = car
    if car not in starters:
        raise r.error("car", "names a car that did not start this race", car)
    kind = r.string("kind", choices=EVENT_KINDS)
    quote = check_quote(r.path, r.key("quote"), r.table.get("quote"), seed_text, car)
    r.string("section", "")
    return event_id, car, kind, quote


EVENT_KEYS = {"id", "car", "kind", "quote", "section", "assumption", "fits", "from", "to", "factor", "minutes",
              "laps_lost", "after_lap", "on_track", "in_pits", "driver_change", "refuel", "refuel_laps", "relative_to",
              "laps_behind", "same_moment_as", "lap", "narrative_hour", "start_seconds", "driver", "by", "side", "at",
              "window", "at_event", "at_edge", "offset_minutes", *RANGE_KEYS}


def _read_event(r: Table, starters, seen, start: datetime, duration_s: float, seed_text: str) -> NarrativeEvent:
    event_id, car, kind, quote = _event_head(r, starters, seen, seed_text)
    r.only(EVENT_KEYS, "is not an event key")
    common = dict(id=event_id, car=car, kind=kind, quote=quote, section=r.string("section", ""),
                  assumption=r.string("assumption", None), fits=_fits(r))
    if kind == "pace":
        return NarrativeEvent(**common, at=_clock(r, "from", start, 0.0), until=_clock(r, "to", start),
                              factor=_factor(r, "factor", 1.0))
    minutes = r.number("minutes", None, low=0, message="must not be negative")
    if minutes is not None and minutes * 60 > duration_s:
        raise r.error("minutes", "is longer than the race", r.table["minutes"])
    if kind == "delay" and minutes is None and "laps_lost" not in r:
        raise r.error("minutes", "a delay needs `minutes` or `laps_lost`")
    if kind == "anchor":
        _check_anchor_form(r, car)
    if kind == "stints" and not r.table.get("refuel_laps"):
        raise r.error("refuel_laps", "a stints event needs `refuel_laps`, the laps after which the car refuelled",
                      r.table.get("refuel_laps"))
    side = r.string("side", "either", choices=ANCHOR_SIDES)
    if r.get("on_track", bool, False) and "at" not in r and "after_lap" not in r:
        raise r.error("on_track", "an on-track delay needs `at` (a clock time) or `after_lap`", True)
    at, window = _clock(r, "at", start), _window(r, "window", start)
    for name, t in (("at", at), ("window", window[1] if window else None)):
        if t is not None and t > duration_s:
            raise r.error(name, "is after the end of the race", r.table[name])
    relative_to = r.string("relative_to", None)
    if relative_to is not None and relative_to not in starters:
        raise r.error("relative_to", "names a car that did not start this race", relative_to)
    hours = duration_s / HOUR
    return NarrativeEvent(
        **common, at=at, window=window, seconds=minutes * 60 if minutes is not None else None,
        after_lap=r.integer("after_lap", None, low=0, high=MAX_LAPS),
        laps_lost=r.number("laps_lost", None, low=0, high=MAX_LAPS),
        on_track=r.get("on_track", bool, False), in_pits=r.get("in_pits", bool, False),
        driver_change=r.get("driver_change", bool, False), refuel=r.get("refuel", bool, False),
        factor=_factor(r, "factor", None), until=_clock(r, "to", start),
        refuel_laps=_refuel_laps(r), relative_to=relative_to,
        laps_behind=r.integer("laps_behind", None, low=-MAX_LAPS, high=MAX_LAPS),
        same_moment_as=r.string("same_moment_as", None),
        lap=r.integer("lap", None, low=1, high=MAX_LAPS, message="must be a lap > 0"),
        narrative_hour=r.integer("narrative_hour", None, low=1, high=hours,
                                 message=f"must be a race hour from 1 to {hours:g}"),
        start_seconds=r.number("start_seconds", None, low=-600, high=600),
        driver=r.string("driver", None), by=_by(r, duration_s), side=side, **_event_moment(r, duration_s),
    )


def _event_moment(r: Table, duration_s: float) -> dict:
    """An anchor's moment tied to another car's event (checked against the events once all are read)."""
    if "at_event" not in r:
        return {}
    minutes = r.number("offset_minutes", 0.0, low=-duration_s / 60, high=duration_s / 60)
    return dict(at_event=r.string("at_event"), at_edge=r.string("at_edge", "start", choices=ANCHOR_EDGES),
                offset_s=minutes * 60)


def _check_event_moments(path: Path, events) -> None:
    """An anchor at an event names a delay or retirement of another car (fitted first, so its moment is known)."""
    by_id = {e.id: e for e in events}
    for e in events:
        if e.at_event is None:
            continue
        key, target = f"event.{e.id}.at_event", by_id.get(e.at_event)
        if target is None:
            raise RaceDataError("names no event of this race", file=path, key=key, value=e.at_event, car=e.car)
        if target.kind not in ANCHOR_EVENT_KINDS:
            raise RaceDataError(f"is a {target.kind} event; an anchor's moment comes from a "
                                f"{' or a '.join(ANCHOR_EVENT_KINDS)}", file=path, key=key, value=e.at_event, car=e.car)
        if target.car == e.car:
            raise RaceDataError("is this car's own event: an anchor's moment comes from another car, fitted first",
                                file=path, key=key, value=e.at_event, car=e.car)


def _read_events(path: Path, starters: set[str], start: datetime, duration_s: float,
                 seed_text: str) -> tuple[tuple[NarrativeEvent, ...], tuple[Range, ...]]:
    events, seen, ranges = [], set(), []
    doc = reader(path, load_toml(path), "")
    doc.only(("event",))
    for i, item in enumerate(doc.tables("event")):
        r = reader(path, item, f"event[{i}]")
        event = _read_event(r, starters, seen, start, duration_s, seed_text)
        seen.add(event.id)
        events.append(event)
        found = _event_range(r, event, duration_s)
        if found is not None:
            ranges.append(found)
    _check_event_moments(path, events)
    _check_one_retirement(path, events)
    moments = {e.car for e in events if e.kind == "retirement"}
    for e in events:
        if e.same_moment_as is not None and e.same_moment_as not in moments:
            raise RaceDataError("names a car with no retirement event", file=path, key=f"event.{e.id}.same_moment_as",
                                value=e.same_moment_as, car=e.car)
    return tuple(events), tuple(ranges)


def _check_one_retirement(path: Path, events) -> None:
    """A car retires once: a second retirement event of one car would be ignored by the plan."""
    first: dict[str, str] = {}
    for e in events:
        if e.kind == "retirement":
            if e.car in first:
                raise RaceDataError(f"is a second retirement of the car (the first: event {first[e.car]!r})",
                                    file=path, key=f"event.{e.id}.kind", value=e.kind, car=e.car)
            first[e.car] = e.id


def _event_range(r: Table, event: NarrativeEvent, duration_s: float) -> Range | None:
    """A pace event's `factor` or a delay's `minutes` may carry a range; nothing else an event gives can be drawn."""
    if event.kind == "pace":
        return read_range(r, "factor", ("event", event.id, "factor"), low=1 / MAX_FACTOR, high=MAX_FACTOR)
    if "minutes" in r or "range" not in r:
        return read_range(r, "minutes", ("event", event.id, "seconds"), 60.0, low=0, high=duration_s / 60)
    raise r.error("range", "only a pace event's `factor` or a delay's `minutes` can take a range", r.table["range"])


WHEN_KEYS = ("at", "at_hour", "at_leader_lap", "at_event", "during", "at_driver_change")
CHECKPOINT_KEYS = {"id", "kind", "quote", "section", "tolerance", "fitted", "reason", "offset_minutes", "conflict",
                   "gap", *WHEN_KEYS}
CLAIM_FIELDS = {  # what each claim key may hold: "car" (a starter), "cars", "position", "lap", "int", "number", ...
    "car": "car", "ahead": "car", "cars": "cars", "next": "cars", "laps": "int", "class": "str",
    "positions": "positions", "position": "position", "min_position": "position", "max_position": "position",
    "among_top": "position", "first": "position", "seconds": "seconds", "kph": "positive", "min_refuels": "int",
    "share": "fraction", "reason": "str", "value": "int",
}
VALUE_FIELD = {"gap_seconds": "number", "best_position": "position", "clock": "clock", "spread_laps": "int"}
FIELD_OVERRIDES = {("getaway", "first"): "car"}
RELATIVE_CARS = ("leader", "P2")  # the car in a position, resolved by laps and gap_laps claims only
RESOLVING_KINDS = ("laps", "gap_laps")


def _claim_field(r: Table, kind: str, key: str, starters: set[str], start: datetime) -> None:
    """Check one claim value by the kind of thing it names (see CLAIM_FIELDS)."""
    field_kind = FIELD_OVERRIDES.get((kind, key)) or (VALUE_FIELD.get(kind, "int") if key == "value"
                                                      else CLAIM_FIELDS[key])
    n = len(starters)
    if field_kind == "car":
        car = r.string(key)
        if car not in starters and not (car in RELATIVE_CARS and kind in RESOLVING_KINDS):
            raise r.error(key, "names a car that did not start this race", car)
    elif field_kind == "cars":
        for car in r.strings(key):
            if car not in starters:
                raise r.error(key, "names a car that did not start this race", car)
    elif field_kind == "positions":
        value = r.get(key, list, message=f"must be a pair of positions [a, b], 1 <= a < b <= {n}")
        if (len(value) != 2 or not all(isinstance(p, int) and not isinstance(p, bool) for p in value)
                or not 1 <= value[0] < value[1] <= n):
            raise r.error(key, f"must be a pair of positions [a, b], 1 <= a < b <= {n}", value)
    elif field_kind == "clock":
        _clock(r, key, start)
    else:
        {"int": lambda: r.integer(key, low=0, high=MAX_LAPS), "str": lambda: r.string(key),
         "position": lambda: r.integer(key, low=1, high=n), "seconds": lambda: r.number(key, low=0),
         "positive": lambda: r.number(key, low=0, low_open=True), "fraction": lambda: r.number(key, low=0, high=1),
         "number": lambda: r.number(key)}[field_kind]()


def _read_claim(r: Table, kind: str, starters: set[str], start: datetime) -> dict:
    for key in r.table:
        if key not in CHECKPOINT_KEYS and key not in CLAIM_FIELDS:
            raise r.error(key, "is not a checkpoint key", r.table[key])
    for key in CLAIM_KEYS[kind]:
        if key not in r:
            raise r.error(key, f"is required for a {kind} checkpoint")
    if kind == "position" and not {"position", "min_position", "max_position"} & set(r.table):
        raise r.error("position", "a position checkpoint needs position, min_position or max_position")
    for key in r.table:
        if key in CLAIM_FIELDS:
            _claim_field(r, kind, key, starters, start)
    for key in ("conflict", "gap"):
        r.string(key, None)
    return {k: v for k, v in r.table.items() if k not in CHECKPOINT_KEYS or k in ("conflict", "gap")}


def _driver_change(r: Table, starters: set[str], drivers: dict[str, set[str]]) -> tuple[str, str, int]:
    spec = r.get("at_driver_change", dict, message="must be {car = <a starter>, driver = <name>, nth = <1, 2, ...>}")
    car, driver, nth = spec.get("car"), spec.get("driver"), spec.get("nth")
    if (set(spec) != {"car", "driver", "nth"} or not isinstance(car, str) or car not in starters
            or not isinstance(driver, str) or not isinstance(nth, int) or isinstance(nth, bool)
            or not 1 <= nth <= MAX_LAPS):
        raise r.error("at_driver_change", "must be {car = <a starter>, driver = <name>, nth = <1, 2, ...>}", spec)
    if driver not in drivers.get(car, ()):
        raise r.error("at_driver_change", f"names no driver of car {car} ({', '.join(sorted(drivers.get(car, ())))})",
                      driver)
    return car, driver, nth


def _when(r: Table, kind: str, event_ids: set[str], start: datetime, duration_s: float, starters,
          drivers) -> tuple[str, object]:
    """The moment a checkpoint speaks of: the first of WHEN_KEYS it gives."""
    if "at" in r:
        return "at", _clock(r, "at", start)
    if "at_hour" in r:
        hour = r.integer("at_hour", message="must be a whole race hour")
        if not 0 <= hour * HOUR <= duration_s:
            raise r.error("at_hour", f"is outside the race (0 to {duration_s / HOUR:g} hours)", hour)
        return "at", hour * HOUR
    if "at_leader_lap" in r:
        return "at_leader_lap", r.integer("at_leader_lap", low=1, high=MAX_LAPS, message="must be a lap > 0")
    if "at_event" in r:
        ev = r.string("at_event")
        if ev not in event_ids:
            raise r.error("at_event", "names no event in events.toml", ev)
        return "at_event", ev
    if "during" in r:
        return "during", _window(r, "during", start)
    if "at_driver_change" in r:
        return "at_driver_change", _driver_change(r, starters, drivers)
    if kind != "not_evaluated":
        raise r.error("at",
                      "a checkpoint needs a moment: at, at_hour, at_leader_lap, at_event, at_driver_change or during")
    return "none", None


def _read_checkpoint(r: Table, seen: set[str], starters, event_ids, start, duration_s, seed_text,
                     drivers) -> Checkpoint:
    cid = r.string("id")
    r.prefix = f"checkpoint.{cid}"
    if cid in seen:
        raise r.error("id", "is used twice", cid)
    kind = r.string("kind", choices=CHECKPOINT_KINDS)
    quote = check_quote(r.path, r.key("quote"), r.table.get("quote"), seed_text)
    claim = _read_claim(r, kind, starters, start)
    when = _when(r, kind, event_ids, start, duration_s, starters, drivers)
    offset_minutes = r.number("offset_minutes", 0, low=0, high=duration_s / 60)
    return Checkpoint(
        id=cid, kind=kind, quote=quote, section=r.string("section", ""), when=when, offset_s=offset_minutes * 60,
        tolerance=r.number("tolerance", 0.0, low=0, message="must be a number >= 0"),
        fitted=r.string("fitted", None), reason=r.string("reason", None), claim=claim,
    )


def _read_checkpoints(path: Path, starters: set[str], event_ids: set[str], start: datetime, duration_s: float,
                      seed_text: str, drivers: dict[str, set[str]]) -> tuple[Checkpoint, ...]:
    out, seen = [], set()
    doc = reader(path, load_toml(path), "")
    doc.only(("checkpoint",))
    for i, item in enumerate(doc.tables("checkpoint")):
        cp = _read_checkpoint(reader(path, item, f"checkpoint[{i}]"), seen, starters, event_ids, start, duration_s,
                              seed_text, drivers)
        seen.add(cp.id)
        out.append(cp)
    return tuple(out)
