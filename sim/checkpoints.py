"""Checking the replay against every published checkpoint, and listing where the sources disagree.

Each checkpoint gets a status: ``pass``, ``fail``, ``fitted`` (the model was fitted to it, so agreement is not
evidence), ``conflict`` (it cannot hold together with a source the replay follows, named in the conflict list)
or ``not evaluated`` (kept with its reason).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from sim.factfile import Checkpoint
from sim.log import EventKind

if TYPE_CHECKING:  # the replay is handed in; importing its module here would make a circle
    from sim.replays import Replay

SAMPLE_S = 60.0
STATUS_ORDER = ("pass", "fitted", "conflict", "fail", "not evaluated")


def cell(value) -> str:
    """A value as a Markdown table cell: lists joined, pipes escaped, one line."""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return str(value).replace("|", "\\|").replace("\n", " ") if value is not None else ""


@dataclass(frozen=True)
class CheckResult:
    id: str
    kind: str
    moment: str  # clock time(s) it was evaluated at
    published: object
    replay: object
    status: str
    quote: str
    section: str
    note: str = ""
    time_s: float | None = None  # when it was evaluated (start of the span for `during`), for plots
    marks: tuple = ()  # ((car, published position or None), ...): where a plot should draw this checkpoint


@dataclass(frozen=True)
class SourceConflict:
    id: str
    subject: str
    sources: tuple[str, ...]
    chosen: str
    reason: str


def _no_conflicts(replay: Replay) -> list[SourceConflict]:
    return []


@dataclass(frozen=True)
class Claims:
    """A kind's claims: how each kind of statement is judged at a moment (`at`) or over a span (`over`), and the
    conflicts the kind's own rules name beyond those of its conflicts.toml."""

    at: Mapping[str, Callable[[At], CheckResult]]
    over: Mapping[str, Callable] = field(default_factory=dict)
    conflicts: Callable[[Replay], list[SourceConflict]] = _no_conflicts

    @property
    def kinds(self) -> tuple[str, ...]:
        return (*self.at, *self.over, "not_evaluated")


def lap_chart(replay: Replay, lap: int) -> list[str]:
    """Cars in the order they completed `lap`."""
    done = [(c[lap - 1], car) for car, c in replay.table.crossings.items() if len(c) >= lap]
    return [car for _, car in sorted(done)]


def _event_time(replay: Replay, event_id: str) -> float:
    """When an event's effect shows in the standings: just before a car drops out, or, for a delay, the car's first
    lap crossing after it rejoins (the timing line is where a lost place shows)."""
    plans = {c.number: c for c in replay.plan.cars}
    for car, (t, _kind) in replay.table.end.items():
        if plans[car].end.event_id == event_id:
            return t - 1.0
    for e in replay.log.caused_by(event_id):
        rejoined = None
        if e.kind == EventKind.PIT_OUT:
            rejoined = e.time
        elif e.kind == EventKind.DELAY:
            rejoined = e.time + e.seconds
        if rejoined is not None:
            crossings = replay.table.crossings[e.car]
            k = int(np.searchsorted(crossings, rejoined, side="right"))
            return float(crossings[k]) + 1.0 if k < len(crossings) else rejoined
    return float("nan")


def _moment(replay: Replay, cp: Checkpoint) -> float | tuple[float, float] | None:
    kind, value = cp.when
    if kind == "at":
        return value + cp.offset_s
    if kind == "at_leader_lap":
        chart = lap_chart(replay, value)
        return replay.table.crossings[chart[0]][value - 1] if chart else float("nan")
    if kind == "at_event":
        return _event_time(replay, value) + cp.offset_s
    if kind == "at_driver_change":
        car, driver, nth = value
        changes = [e.time for e in replay.log.of(car, [EventKind.DRIVER_CHANGE]) if e.driver == driver]
        return (changes[nth - 1] if len(changes) >= nth else float("nan")) + cp.offset_s
    if kind == "during":
        return value
    return None


def evaluate(replay: Replay, cp: Checkpoint) -> CheckResult:
    """Evaluate one checkpoint against the replay, with the moment and the cars a plot should mark."""
    when = _moment(replay, cp)
    result = _evaluate(replay, cp, when)
    time_s = None if when is None else float(when[0] if isinstance(when, tuple) else when)
    if time_s is not None and not np.isfinite(time_s):
        time_s = None
    claim = cp.claim
    if cp.kind == "order":
        first = claim.get("first", 1)
        marks = tuple((car, first + i) for i, car in enumerate(claim["cars"]))
    elif cp.kind == "position":
        marks = ((claim["car"], claim.get("position")),)
    else:
        cars = [claim[k] for k in ("car", "ahead") if isinstance(claim.get(k), str)] + list(claim.get("cars", []))
        marks = tuple((c, None) for c in cars if c not in ("leader", "P2"))
    return replace(result, time_s=time_s, marks=marks)


@dataclass(frozen=True)
class At:
    """What a claim is judged on: the replay, the checkpoint and its moment, and the order at that moment."""

    replay: Replay
    cp: Checkpoint
    t: float
    moment: str
    order: list[str]

    @property
    def claim(self) -> dict:
        return self.cp.claim

    def position(self, car: str) -> int | None:
        return self.order.index(car) + 1 if car in self.order else None

    def laps(self, car: str) -> int:
        return self.replay.table.laps_at(car, self.t)

    def result(self, published, replay_value, ok: bool, note: str = "") -> CheckResult:
        return result(self.cp, self.moment, published, replay_value, ok, note)


def _evaluate(replay: Replay, cp: Checkpoint, when: float | tuple[float, float] | None) -> CheckResult:
    """The checkpoint judged at its moment `when` (see `_moment`)."""
    if cp.kind == "not_evaluated":
        return CheckResult(cp.id, cp.kind, "", None, None, "not evaluated", cp.quote, cp.section, cp.reason or "")
    if isinstance(when, tuple):
        lo, hi = when
        times = np.arange(lo, hi + 1e-9, SAMPLE_S) if hi > lo else np.array([lo])
        return replay.kind.claims.over[cp.kind](replay, cp, times, f"{replay.clock(lo)}-{replay.clock(hi)}")
    t = float(when)
    if not np.isfinite(t):
        return result(cp, "never", None, "event not in the replay", False)
    if cp.when[0] == "at_leader_lap":
        order = lap_chart(replay, cp.when[1])
    else:
        order = replay.table.cars_in_order(t)
    return replay.kind.claims.at[cp.kind](At(replay, cp, t, replay.clock(t), order))


def result(cp: Checkpoint, moment: str, published, replay_value, ok: bool, note: str = "") -> CheckResult:
    if cp.fitted:
        status = "fitted" if ok else "fail"
        note = (note + "; " if note else "") + "fitted: " + cp.fitted
    elif ok:
        status = "pass"
    elif cp.claim.get("conflict"):
        status = "conflict"
        note = (note + "; " if note else "") + f"see conflict {cp.claim['conflict']}"
    else:
        status = "fail"
    if status == "fail" and cp.claim.get("gap"):
        note = (note + "; " if note else "") + "why: " + cp.claim["gap"]
    return CheckResult(cp.id, cp.kind, moment, published, replay_value, status, cp.quote, cp.section, note)


def source_conflicts(replay: Replay) -> list[SourceConflict]:
    """Where the sources cannot all hold, what the replay followed and why: the kind's own, then the race's."""
    out = list(replay.kind.claims.conflicts(replay))
    for c in replay.facts.conflicts:
        out.append(SourceConflict(c.id, c.id.replace("-", " "), c.sources, c.chosen, c.reason))
    return out


def check(replay: Replay) -> dict:
    """The checkpoint report as plain data (JSON-ready)."""
    results = [evaluate(replay, cp) for cp in replay.facts.checkpoints]
    totals: dict[str, int] = {}
    for r in results:
        totals[r.status] = totals.get(r.status, 0) + 1
    return {
        "race": replay.race.id,
        "seed": replay.calibration.seed,
        "label": replay.label,
        "totals": totals,
        "checkpoints": [asdict(r) for r in results],
        "conflicts": [asdict(c) for c in source_conflicts(replay)],
    }
