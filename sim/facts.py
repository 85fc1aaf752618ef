"""A race's facts as data: regulations, assumptions, narrative events and published checkpoints.

Read from ``sim/races/<race-id>/{race,events,checkpoints,conflicts}.toml``, filled with defaults and checked in
one pass; every error names the file, key, value and car (:class:`RaceDataError`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sim.clock import HOUR, parse_clock, parse_window
from sim.errors import RaceDataError
from sim.records import Race

RACES_DIR = Path(__file__).parent / "races"

ANCHOR_SIDES = ("ahead", "behind", "either")
EVENT_KINDS = ("delay", "retirement", "pace", "stints", "disqualified", "anchor", "start", "driver", "note")
CLAIM_KEYS = {  # what each kind of checkpoint must state
    "order": ("cars",), "position": ("car",), "laps": ("car", "laps"), "gap_seconds": ("car", "ahead", "value"),
    "gap_laps": ("car", "ahead", "value"), "leader": ("car",), "class_order": ("class", "cars"), "index_order": ("cars",),
    "spread_laps": ("positions", "value"), "same_lap": ("cars",), "best_position": ("car", "value"),
    "pit_time": ("car", "seconds"), "fastest_lap": ("car", "seconds"), "average_speed": ("car", "kph"),
    "clock": ("value",), "refuels_done": ("min_refuels", "share"), "getaway": ("first", "next"),
    "not_evaluated": ("reason",),
}
CHECKPOINT_KINDS = (
    "order", "position", "laps", "gap_seconds", "gap_laps", "leader", "class_order", "index_order",
    "spread_laps", "same_lap", "best_position", "pit_time", "fastest_lap", "average_speed", "clock",
    "refuels_done", "getaway", "not_evaluated",
)


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


@dataclass(frozen=True)
class Checkpoint:
    id: str
    kind: str
    quote: str
    section: str
    when: tuple[str, object]  # ("at", s) | ("at_leader_lap", n) | ("at_event", id) | ("during", (lo, hi)) | ("none", None)
    offset_s: float = 0.0
    tolerance: float = 0.0
    fitted: str | None = None
    reason: str | None = None
    claim: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Conflict:
    id: str
    sources: tuple[str, ...]
    chosen: str
    reason: str


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

    def events_for(self, car: str, kind: str | None = None) -> list[NarrativeEvent]:
        return [e for e in self.events if e.car == car and (kind is None or e.kind == kind)]


def _load_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise RaceDataError("race-facts file is missing", file=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise RaceDataError(f"not valid TOML: {exc}", file=path) from None


class _Reader:
    """Typed access to one TOML table, raising errors that say file, key and value."""

    def __init__(self, path: Path, table: dict, prefix: str, car: str | None = None):
        self.path, self.table, self.prefix, self.car = path, table, prefix, car

    def error(self, key: str, message: str, value=None) -> RaceDataError:
        return RaceDataError(message, file=self.path, key=f"{self.prefix}.{key}", value=value, car=self.car)

    def get(self, key, types, default=..., check=None, message="has the wrong type"):
        if key not in self.table:
            if default is ...:
                raise self.error(key, "is required")
            return default
        value = self.table[key]
        if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
            raise self.error(key, message, value)
        if not isinstance(value, types):
            raise self.error(key, message, value)
        if check is not None and not check(value):
            raise self.error(key, message, value)
        return value

    def clock(self, key, start, default=None):
        if key not in self.table:
            return default
        try:
            return parse_clock(self.table[key], start)
        except ValueError:
            raise self.error(key, "is not a clock time HH:MM", self.table[key]) from None

    def window(self, key, start):
        if key not in self.table:
            return None
        value = self.table[key]
        try:
            if not isinstance(value, list) or len(value) != 2:
                raise ValueError
            return parse_window(value, start)
        except ValueError:
            raise self.error(key, "is not a [from, to] pair of clock times", value) from None


def _number(path, key, value, positive=True, car=None):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RaceDataError("is not a number", file=path, key=key, value=value, car=car)
    if positive and value < 0:
        raise RaceDataError("must not be negative", file=path, key=key, value=value, car=car)
    return float(value)


def load_facts(race: Race, seed_text: str, folder: Path | None = None) -> RaceFacts:
    """Load and check a race's facts against its parsed source document and the seed's text."""
    folder = Path(folder) if folder else RACES_DIR / race.id
    race_path = folder / "race.toml"
    doc = _load_toml(race_path)
    head = _Reader(race_path, doc.get("race", {}), "race")
    try:
        start = datetime.fromisoformat(head.get("start", str))
    except ValueError:
        raise head.error("start", "is not an ISO date-time", doc["race"]["start"]) from None
    duration_s = head.get("duration_hours", (int, float), check=lambda v: 0 < v <= 48, message="must be 0-48 hours") * HOUR

    regs = _Reader(race_path, doc.get("regulations", {}), "regulations")
    regulations = Regulations(
        min_laps_between_refuels=regs.get("min_laps_between_refuels", int, check=lambda v: v >= 0, message="must be a whole number >= 0"),
        max_stint_laps=regs.get("max_stint_laps", int, check=lambda v: v > 0, message="must be a whole number > 0"),
        max_driver_hours=float(regs.get("max_driver_hours", (int, float), check=lambda v: v > 0, message="must be > 0")),
        final_lap_limit_minutes=float(regs.get("final_lap_limit_minutes", (int, float), check=lambda v: v > 0, message="must be > 0")),
    )
    for key, quote in doc.get("regulations", {}).get("quotes", {}).items():
        _check_quote(race_path, f"regulations.quotes.{key}", quote, seed_text)

    distance = race.statistics.get("distance_km")
    winner = next((e for e in race.entries if e.position == 1), None)
    if not distance or winner is None or not winner.laps:
        raise RaceDataError("cannot derive the lap length: the source gives no distance or no winner's laps", file=race_path, key="lap_length")
    lap_length_km = distance / winner.laps

    assumptions = _read_assumptions(race_path, doc.get("assumptions", {}), start, seed_text)
    starters = {e.number for e in race.starters}
    events = _read_events(folder / "events.toml", starters, start, duration_s, seed_text)
    event_ids = {e.id for e in events}
    drivers = {e.number: {d.name for d in e.drivers} for e in race.starters}
    checkpoints = _read_checkpoints(folder / "checkpoints.toml", starters, event_ids, start, duration_s, seed_text, drivers)
    conflicts = _read_conflicts(folder / "conflicts.toml", seed_text) if (folder / "conflicts.toml").exists() else ()
    checkpoints = _mark_fitted(folder / "events.toml", checkpoints, events)
    _check_event_laps(folder / "events.toml", race, events)
    return RaceFacts(race.id, start, duration_s, lap_length_km, regulations, assumptions, events, checkpoints, conflicts, folder)


def _mark_fitted(path: Path, checkpoints, events) -> tuple[Checkpoint, ...]:
    """A checkpoint that an anchor is taken from is fitted, not checked: say so on the checkpoint."""
    by_id = {c.id: c for c in checkpoints}
    fits: dict[str, list[str]] = {}
    for e in events:
        for cid in e.fits:
            if cid not in by_id:
                raise RaceDataError("names no checkpoint in checkpoints.toml", file=path, key=f"event.{e.id}.fits", value=cid, car=e.car)
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


def _fits(r: "_Reader") -> tuple[str, ...]:
    value = r.table.get("fits", ())
    value = (value,) if isinstance(value, str) else value
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise r.error("fits", "must be a checkpoint id or a list of them", value)
    return tuple(value)


def _check_quote(path: Path, key: str, quote, seed_text: str, car: str | None = None) -> str:
    if not isinstance(quote, str) or not quote.strip():
        raise RaceDataError("needs the verbatim quote it came from", file=path, key=key, value=quote, car=car)
    if quote not in seed_text:
        raise RaceDataError("quote is not in the seed verbatim", file=path, key=key, value=quote, car=car)
    return quote


def _read_assumptions(path: Path, table: dict, start: datetime, seed_text: str) -> Assumptions:
    def value(name, key="value"):
        r = _Reader(path, table.get(name, {}), f"assumptions.{name}")
        return _number(path, f"assumptions.{name}.{key}", r.get(key, (int, float)))

    def span(name):
        r = _Reader(path, table.get(name, {}), f"assumptions.{name}")
        return parse_window([r.get("start", str), r.get("end", str)], start)

    for name, item in table.items():
        if not isinstance(item, dict):
            raise RaceDataError("must be a table with a value and its reason", file=path, key=f"assumptions.{name}", value=item)
        if "quote" in item:
            _check_quote(path, f"assumptions.{name}.quote", item["quote"], seed_text)
    night = (*span("night"), value("night", "factor"))
    fog = (*span("fog"), value("fog", "factor"))
    by_make = table.get("fog", {}).get("by_make", {})
    if not isinstance(by_make, dict):
        raise RaceDataError("must be a table of make = factor", file=path, key="assumptions.fog.by_make", value=by_make)
    fog_by_make = {make: _number(path, f"assumptions.fog.by_make.{make}", v) for make, v in by_make.items()}
    return Assumptions(
        stint_laps=int(value("stint_laps")),
        pit_stop_s=value("pit_stop_seconds"),
        standing_start_s=value("standing_start_seconds"),
        night=night,
        fog=fog,
        tyre_wear_per_lap=value("tyre_wear", "per_lap"),
        retirement_fraction=value("retirement_fraction"),
        finish_fraction=value("finish_fraction"),
        lap_noise_sigma=value("lap_noise", "sigma"),
        reasons={k: v.get("reason", "") for k, v in table.items()},
        fog_by_make=fog_by_make,
    )


ANCHOR_FORMS = (  # (required keys, allowed extra keys)
    ({"lap", "window"}, set()),
    ({"lap", "relative_to", "by"}, set()),
    ({"at", "relative_to"}, {"laps_behind", "side"}),
)
ANCHOR_KEYS = {"lap", "window", "relative_to", "by", "at", "laps_behind", "side"}


def _check_anchor_form(r: _Reader, item: dict, car: str) -> None:
    keys = ANCHOR_KEYS & item.keys()
    if not any(required <= keys <= required | extra for required, extra in ANCHOR_FORMS):
        raise r.error("lap", "an anchor is `lap` + `window`, `lap` + `relative_to` + `by`, or `at` + `relative_to` "
                             f"(+ `laps_behind`, `side`); this one has {', '.join(sorted(keys)) or 'none of them'}",
                      item.get("lap"))
    if item.get("relative_to") == car:
        raise r.error("relative_to", "cannot place a car against itself", car)
    if item.get("side", "either") != "either" and item.get("laps_behind", 0) != 0:
        raise r.error("side", "applies only on the other car's own lap (laps_behind = 0)", item["side"])


def _read_events(path: Path, starters: set[str], start: datetime, duration_s: float, seed_text: str) -> tuple[NarrativeEvent, ...]:
    items = _load_toml(path).get("event", [])
    events, seen = [], set()
    for i, item in enumerate(items):
        prefix = f"event[{i}]"
        r = _Reader(path, item, prefix)
        event_id = r.get("id", str)
        prefix = f"event.{event_id}"
        r = _Reader(path, item, prefix)
        if event_id in seen:
            raise r.error("id", "is used twice", event_id)
        seen.add(event_id)
        car = r.get("car", str)
        r.car = car
        if car not in starters:
            raise r.error("car", "names a car that did not start this race", car)
        kind = r.get("kind", str)
        if kind not in EVENT_KINDS:
            raise r.error("kind", f"is not one of {', '.join(EVENT_KINDS)}", kind)
        quote = _check_quote(path, f"{prefix}.quote", item.get("quote"), seed_text, car)
        minutes = item.get("minutes")
        seconds = _number(path, f"{prefix}.minutes", minutes, car=car) * 60 if minutes is not None else None
        if kind == "delay" and seconds is None and "laps_lost" not in item:
            raise r.error("minutes", "a delay needs `minutes` or `laps_lost`")
        if kind == "anchor":
            _check_anchor_form(r, item, car)
        by = item.get("by")
        if by is not None and (not isinstance(by, list) or len(by) != 2 or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in by) or by[0] >= by[1]):
            raise r.error("by", "is not a [from, to] pair of seconds, from < to", by)
        side = r.get("side", str, "either")
        if side not in ANCHOR_SIDES:
            raise r.error("side", f"is not one of {', '.join(ANCHOR_SIDES)}", side)
        if item.get("on_track") and "at" not in item and "after_lap" not in item:
            raise r.error("on_track", "an on-track delay needs `at` (a clock time) or `after_lap`", True)
        at = r.clock("at", start)
        window = r.window("window", start)
        for name, t in (("at", at), ("window", window[1] if window else None)):
            if t is not None and t > duration_s:
                raise r.error(name, "is after the end of the race", item[name])
        after_lap = r.get("after_lap", int, None, check=lambda v: v >= 0, message="must be a whole number >= 0")
        factor = item.get("factor")
        if factor is not None and _number(path, f"{prefix}.factor", factor, car=car) <= 0:
            raise r.error("factor", "must be > 0", factor)
        refuel_laps = tuple(r.get("refuel_laps", list, [], check=lambda v: all(isinstance(x, int) and x > 0 for x in v), message="must be a list of laps > 0"))
        relative_to = r.get("relative_to", str, None)
        if relative_to is not None and relative_to not in starters:
            raise r.error("relative_to", "names a car that did not start this race", relative_to)
        events.append(NarrativeEvent(
            id=event_id, car=car, kind=kind, quote=quote, section=r.get("section", str, ""),
            after_lap=after_lap, at=at, window=window, seconds=seconds,
            laps_lost=_number(path, f"{prefix}.laps_lost", item["laps_lost"], car=car) if "laps_lost" in item else None,
            on_track=r.get("on_track", bool, False), in_pits=r.get("in_pits", bool, False),
            driver_change=r.get("driver_change", bool, False), refuel=r.get("refuel", bool, False),
            factor=float(factor) if factor is not None else None, until=r.clock("to", start),
            refuel_laps=refuel_laps, relative_to=relative_to,
            laps_behind=r.get("laps_behind", int, None), same_moment_as=r.get("same_moment_as", str, None),
            assumption=r.get("assumption", str, None),
            lap=r.get("lap", int, None, check=lambda v: v > 0, message="must be a lap > 0"),
            fits=_fits(r),
            narrative_hour=r.get("narrative_hour", int, None, check=lambda v: 1 <= v <= duration_s / HOUR, message=f"must be a race hour from 1 to {duration_s / HOUR:g}"),
            start_seconds=_number(path, f"{prefix}.start_seconds", item["start_seconds"], positive=False, car=car) if "start_seconds" in item else None,
            driver=r.get("driver", str, None),
            by=(float(by[0]), float(by[1])) if by is not None else None, side=side,
        ) if kind != "pace" else NarrativeEvent(
            id=event_id, car=car, kind=kind, quote=quote, section=r.get("section", str, ""),
            at=r.clock("from", start, 0.0), until=r.clock("to", start), factor=float(factor) if factor else 1.0,
            assumption=r.get("assumption", str, None), fits=_fits(r),
        ))
    moments = {e.car for e in events if e.kind == "retirement"}
    for e in events:
        if e.same_moment_as is not None and e.same_moment_as not in moments:
            raise RaceDataError("names a car with no retirement event", file=path, key=f"event.{e.id}.same_moment_as", value=e.same_moment_as, car=e.car)
    return tuple(events)


def _read_checkpoints(path: Path, starters: set[str], event_ids: set[str], start: datetime, duration_s: float, seed_text: str,
                      drivers: dict[str, set[str]]) -> tuple[Checkpoint, ...]:
    items = _load_toml(path).get("checkpoint", [])
    out, seen = [], set()
    for i, item in enumerate(items):
        r = _Reader(path, item, f"checkpoint[{i}]")
        cid = r.get("id", str)
        r = _Reader(path, item, f"checkpoint.{cid}")
        if cid in seen:
            raise r.error("id", "is used twice", cid)
        seen.add(cid)
        kind = r.get("kind", str)
        if kind not in CHECKPOINT_KINDS:
            raise r.error("kind", f"is not one of {', '.join(CHECKPOINT_KINDS)}", kind)
        quote = _check_quote(path, f"checkpoint.{cid}.quote", item.get("quote"), seed_text)
        for key in CLAIM_KEYS[kind]:
            if key not in item:
                raise r.error(key, f"is required for a {kind} checkpoint")
        if kind == "position" and not {"position", "min_position", "max_position"} & set(item):
            raise r.error("position", "a position checkpoint needs position, min_position or max_position")
        when: tuple[str, object] = ("none", None)
        if "at" in item:
            when = ("at", r.clock("at", start))
        elif "at_hour" in item:
            hour = r.get("at_hour", int)
            if not 0 <= hour * HOUR <= duration_s:
                raise r.error("at_hour", f"is outside the race (0 to {duration_s / HOUR:g} hours)", hour)
            when = ("at", hour * HOUR)
        elif "at_leader_lap" in item:
            when = ("at_leader_lap", r.get("at_leader_lap", int, check=lambda v: v > 0, message="must be a lap > 0"))
        elif "at_event" in item:
            ev = r.get("at_event", str)
            if ev not in event_ids:
                raise r.error("at_event", "names no event in events.toml", ev)
            when = ("at_event", ev)
        elif "during" in item:
            when = ("during", r.window("during", start))
        elif "at_driver_change" in item:
            spec = r.get("at_driver_change", dict)
            if (set(spec) != {"car", "driver", "nth"} or spec["car"] not in starters or not isinstance(spec["driver"], str)
                    or not isinstance(spec["nth"], int) or isinstance(spec["nth"], bool) or spec["nth"] < 1):
                raise r.error("at_driver_change", "must be {car = <a starter>, driver = <name>, nth = <1, 2, ...>}", spec)
            if spec["driver"] not in drivers.get(spec["car"], ()):
                raise r.error("at_driver_change", f"names no driver of car {spec['car']} "
                                                  f"({', '.join(sorted(drivers.get(spec['car'], ())))})", spec["driver"])
            when = ("at_driver_change", (spec["car"], spec["driver"], spec["nth"]))
        elif kind != "not_evaluated":
            raise r.error("at", "a checkpoint needs a moment: at, at_hour, at_leader_lap, at_event, at_driver_change or during")
        for key in ("car", "ahead"):
            value = item.get(key)
            if value is not None and value not in starters and value not in ("leader", "P2"):
                raise r.error(key, "names a car that did not start this race", value)
        for value in item.get("cars", []):
            if value not in starters:
                raise r.error("cars", "names a car that did not start this race", value)
        tolerance = _number(path, f"checkpoint.{cid}.tolerance", item.get("tolerance", 0))
        claim = {k: v for k, v in item.items() if k not in ("id", "kind", "quote", "section", "at", "at_hour", "at_leader_lap", "at_event", "at_driver_change", "during", "tolerance", "fitted", "reason", "offset_minutes")}
        out.append(Checkpoint(
            id=cid, kind=kind, quote=quote, section=r.get("section", str, ""), when=when,
            offset_s=_number(path, f"checkpoint.{cid}.offset_minutes", item.get("offset_minutes", 0)) * 60,
            tolerance=tolerance, fitted=r.get("fitted", str, None), reason=r.get("reason", str, None), claim=claim,
        ))
    return tuple(out)


def _read_conflicts(path: Path, seed_text: str) -> tuple[Conflict, ...]:
    out = []
    for i, item in enumerate(_load_toml(path).get("conflict", [])):
        r = _Reader(path, item, f"conflict[{i}]")
        cid = r.get("id", str)
        sources = r.get("sources", list)
        for j, quote in enumerate(sources):
            _check_quote(path, f"conflict.{cid}.sources[{j}]", quote, seed_text)
        out.append(Conflict(cid, tuple(sources), r.get("chosen", str), r.get("reason", str)))
    return tuple(out)
