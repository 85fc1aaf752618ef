"""A time trial's checkpoints: reading them from checkpoints.toml, and one small function per claim kind.

The functions are the time trial's :data:`CLAIMS`, which its kind hands to the shared checker
(:mod:`sim.checkpoints`), so they are judged like any other claim. Each is judged at a control (``at``, default the
finish).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sim.checkpoints import Claims, result
from sim.factfile import Checkpoint, check_quote, load_toml, reader
from sim.records import Race
from sim.timetrial.course import Route

CLAIM_KEYS = {  # what each kind of a time trial's checkpoint must state, each judged at a control
    "elapsed": ("car", "value"), "elapsed_position": ("car", "position"), "elapsed_gap": ("car", "ahead", "value"),
    "arrival_gap": ("cars", "value"), "start_clock": ("car", "value"), "route_speed": ("car", "kph"),
    "classified_order": (), "class_winners": ("winners",), "did_not_reach": ("car", "control"),
    "stopped_at": ("car", "km"), "listed_count": ("what", "value"), "not_started": ("driver",),
}
TRIAL_CLAIMS = ("elapsed", "elapsed_position", "elapsed_gap", "arrival_gap", "start_clock", "route_speed",
                "classified_order", "class_winners", "did_not_reach", "stopped_at", "listed_count", "not_started")
KEYS = {"id", "kind", "quote", "section", "at", "tolerance", "fitted", "reason", "conflict", *{
    k for kind in TRIAL_CLAIMS for k in CLAIM_KEYS[kind]}}


def _hms_seconds(text: str) -> float:
    parts = text.split(":")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError(text)
    h, m, s = (int(p) for p in parts)
    if m > 59 or s > 59:
        raise ValueError(text)
    return h * 3600.0 + m * 60 + s


def _check_claim(r, kind: str, numbers: set[str], route: Route) -> dict:
    claim = {}
    for key in CLAIM_KEYS[kind]:
        if key not in r.table:
            raise r.error(key, f"a {kind} checkpoint needs `{key}`")
    for key in ("car", "ahead"):
        if key in r.table and r.string(key) not in numbers:
            raise r.error(key, "names no car of the results table", r.table[key])
    for car in r.table.get("cars", []):
        if car not in numbers:
            raise r.error("cars", "names no car of the results table", car)
    control = r.string("at", route.mark_names[-1])
    if control not in route.mark_names:
        raise r.error("at", f"is not a control of the route ({', '.join(route.mark_names)})", control)
    if kind == "elapsed":
        try:
            _hms_seconds(r.string("value"))
        except ValueError:
            raise r.error("value", "is not an elapsed time H:MM:SS", r.table["value"]) from None
    claim.update({k: v for k, v in r.table.items() if k not in ("id", "kind", "quote", "section", "fitted", "tolerance",
                                                                  "reason")})
    claim["at"] = control
    return claim


def read_checkpoints(path: Path, race: Race, route: Route, start: datetime, duration_s: float,
                     seed_text: str) -> tuple[Checkpoint, ...]:
    """The race's checkpoints; each is judged at the end of the replay, at its control."""
    numbers, seen, out = {e.number for e in race.entries}, set(), []
    for i, item in enumerate(reader(path, load_toml(path), "").tables("checkpoint")):
        r = reader(path, item, f"checkpoint[{i}]")
        cid = r.string("id")
        r.prefix = f"checkpoint.{cid}"
        if cid in seen:
            raise r.error("id", "is used twice", cid)
        seen.add(cid)
        unknown = sorted(set(item) - KEYS)
        if unknown:
            raise r.error(unknown[0], "is not a key of a time-trial checkpoint", item[unknown[0]])
        kind = r.string("kind", choices=TRIAL_CLAIMS)
        quote = check_quote(path, r.key("quote"), item.get("quote"), seed_text, item.get("car"))
        out.append(Checkpoint(cid, kind, quote, r.string("section", ""), ("at", duration_s),
                              tolerance=r.number("tolerance", 0.0, low=0), fitted=r.string("fitted", None),
                              claim=_check_claim(r, kind, numbers, route)))
    return tuple(out)


# -- the claims: one function each, judged on sim.checkpoints.At ---------------------------------------------

def _mark(at) -> int:
    return at.replay.log.course.mark_names.index(at.claim["at"])


def _elapsed_at(at, car: str) -> float | None:
    k, table = _mark(at), at.replay.table
    times = table.crossings[car]
    return float(times[k] - table.starts[car]) if len(times) > k else None


def _order_at(at) -> list[str]:
    passed = [(e, i, car) for i, car in enumerate(at.replay.table.cars) if (e := _elapsed_at(at, car)) is not None]
    return [car for _, _, car in sorted(passed)]


def _hms(seconds) -> str | None:
    if seconds is None:
        return None
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _result(at, published, value, ok: bool, note: str = "", moment: str | None = None):
    return result(at.cp, moment or at.claim["at"], published, value, ok, note)


def elapsed(at):
    got = _elapsed_at(at, at.claim["car"])
    ok = got is not None and abs(got - _hms_seconds(at.claim["value"])) <= at.cp.tolerance
    return _result(at, at.claim["value"], _hms(got), ok)


def elapsed_position(at):
    order = _order_at(at)
    got = order.index(at.claim["car"]) + 1 if at.claim["car"] in order else None
    return _result(at, at.claim["position"], got, got == at.claim["position"])


def elapsed_gap(at):
    car, ahead = _elapsed_at(at, at.claim["car"]), _elapsed_at(at, at.claim["ahead"])
    gap = None if car is None or ahead is None else car - ahead
    ok = gap is not None and abs(gap - at.claim["value"]) <= at.cp.tolerance
    return _result(at, at.claim["value"], gap, ok, f"car {at.claim['car']} behind car {at.claim['ahead']}, in seconds")


def arrival_gap(at):
    """Cars that arrive together on the road: their clock times at the control within `value` seconds."""
    k, crossings = _mark(at), at.replay.table.crossings
    clocks = [float(crossings[c][k]) for c in at.claim["cars"] if len(crossings[c]) > k]
    spread = max(clocks) - min(clocks) if len(clocks) == len(at.claim["cars"]) else None
    note = ", ".join(f"car {c} at {at.replay.clock(t)}:{int(t % 60):02d}" for c, t in zip(at.claim["cars"], clocks))
    return _result(at, f"<= {at.claim['value']} s", spread, spread is not None and spread <= at.claim["value"], note)


def start_clock(at):
    start = at.replay.table.starts[at.claim["car"]]
    got = at.replay.clock(start)
    return _result(at, at.claim["value"], got, got == at.claim["value"], "the car's number read as its start time",
                   "start")


def route_speed(at):
    km, got = at.replay.log.course.marks_km[_mark(at)], _elapsed_at(at, at.claim["car"])
    kph = None if not got else round(km / (got / 3600), 3)
    return _result(at, at.claim["kph"], kph, kph is not None and abs(kph - at.claim["kph"]) <= at.cp.tolerance,
                   f"{km:g} km from the course file")


def classified_order(at):
    published = [c.number for c in sorted(at.replay.plan.cars, key=lambda c: c.position or 10**6)
                 if c.status == "classified"]
    got = _order_at(at)
    moved = [car for i, car in enumerate(got) if i >= len(published) or published[i] != car]
    return _result(at, f"{len(published)} cars in the table's order", f"{len(got)} cars" + (
        f"; out of the table's order: {' '.join(moved)}" if moved else ", the same order"), got == published)


def class_winners(at):
    order, table = _order_at(at), at.replay.table
    got = {table.classes[c]: c for c in reversed(order)}
    wrong = [f"{k}: {car} (replay {got.get(k)})" for k, car in at.claim["winners"] if got.get(k) != car]
    return _result(at, f"{len(at.claim['winners'])} class winners", "all the same" if not wrong else "; ".join(wrong),
                   not wrong)


def did_not_reach(at):
    passed = at.replay.table.crossings[at.claim["car"]]
    k = at.replay.log.course.mark_names.index(at.claim["control"])
    stop = at.replay.runs[at.claim["car"]].km[-1]
    return _result(at, f"not at {at.claim['control']}", f"stopped at {stop:g} km", len(passed) <= k,
                   moment=at.claim["control"])


def stopped_at(at):
    run = at.replay.runs[at.claim["car"]]
    stop = float(run.km[-1])
    ok = not run.finished and abs(stop - at.claim["km"]) <= at.cp.tolerance
    return _result(at, at.claim["km"], round(stop, 1), ok, "km from the start", at.replay.clock(float(run.clock[-1])))


def listed_count(at):
    plan = at.replay.plan
    got = len(plan.cars) if at.claim["what"] == "started" else sum(c.status == "classified" for c in plan.cars)
    return _result(at, at.claim["value"], got, got == at.claim["value"], f"cars {at.claim['what']}, of those listed",
                   "entry list")


def not_started(at):
    named = [c.number for c in at.replay.plan.cars if any(at.claim["driver"] in d for d in c.drivers)]
    return _result(at, "not a starter", f"cars {' '.join(named)}" if named else "no listed car", not named,
                   moment="start")


CLAIMS_AT = {name: globals()[name] for name in TRIAL_CLAIMS}
CLAIMS = Claims(CLAIMS_AT)
