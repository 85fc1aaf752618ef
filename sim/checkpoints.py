"""Checking the replay against every published checkpoint, and listing where the sources disagree.

Each checkpoint gets a status: ``pass``, ``fail``, ``fitted`` (the model was fitted to it, so agreement is not
evidence), ``conflict`` (it cannot hold together with a source the replay follows, named in the conflict list)
or ``not evaluated`` (kept with its reason).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

from sim.clock import HOUR, parse_clock
from sim.index import target_km
from sim.log import EventKind
from sim.facts import Checkpoint
from sim.pipeline import Replay

SAMPLE_S = 60.0


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


def _lap_chart(replay: Replay, lap: int) -> list[str]:
    """Cars in the order they completed `lap`."""
    done = [(c[lap - 1], car) for car, c in replay.table.crossings.items() if len(c) >= lap]
    return [car for _, car in sorted(done)]


def _event_time(replay: Replay, event_id: str) -> float:
    """When an event's effect shows in the standings: just before a car drops out, or, for a delay, the car's first
    lap crossing after it rejoins (the timing line is where a lost place shows)."""
    plans = {c.number: c for c in replay.plan.cars}
    for car, (t, kind) in replay.table.end.items():
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
        chart = _lap_chart(replay, value)
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


def _resolve(order: list[str], name: str) -> str:
    if name == "leader":
        return order[0]
    if name.startswith("P") and name[1:].isdigit():
        return order[int(name[1:]) - 1]
    return name


def index_at(race, car: str, laps: int, t: float, duration_s: float, lap_length_km: float) -> float | None:
    """The Index of Performance of a car at time t: distance so far over its target distance pro rata to the time run."""
    entry = race.entry(car)
    cc = entry.engine.displacement_cc if entry.engine else None
    if not cc or not race.index_targets_km or t <= 0:
        return None
    return laps * lap_length_km / (target_km(race.index_targets_km, cc) * t / duration_s)


def _index_ranking(replay: Replay, t: float) -> list[str]:
    scores = []
    for car in replay.table.cars:
        if replay.table.status_at(car, t) != "running":
            continue
        score = index_at(replay.race, car, replay.table.laps_at(car, t), t, replay.facts.duration_s, replay.facts.lap_length_km)
        if score is not None:
            scores.append((-score, car))
    return [car for _, car in sorted(scores)]


def _fastest_lap(replay: Replay, car: str) -> float:
    crossings = replay.table.crossings[car]
    stops = [e.time for e in replay.log.of(car, [EventKind.PIT_OUT, EventKind.DELAY])]
    best = np.inf
    for k in range(1, len(crossings)):
        lo, hi = crossings[k - 1], crossings[k]
        if not any(lo < s <= hi for s in stops):
            best = min(best, hi - lo)
    return float(best)


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
class _At:
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
        return _result(self.cp, self.moment, published, replay_value, ok, note)


def _order(at: _At) -> CheckResult:
    first = at.claim.get("first", 1)
    got = at.order[first - 1: first - 1 + len(at.claim["cars"])]
    return at.result(at.claim["cars"], got, got == at.claim["cars"])


def _position(at: _At) -> CheckResult:
    claim, p = at.claim, at.position(at.claim["car"])
    if "position" in claim:
        return at.result(claim["position"], p, p is not None and abs(p - claim["position"]) <= at.cp.tolerance)
    lo, hi = claim.get("min_position", 1), claim.get("max_position", len(at.order))
    return at.result(f"{lo}-{hi}", p, p is not None and lo <= p <= hi)


def _laps(at: _At) -> CheckResult:
    car = _resolve(at.order, at.claim["car"])
    n = at.laps(car)
    return at.result(at.claim["laps"], n, abs(n - at.claim["laps"]) <= at.cp.tolerance, f"car {car}")


def _gap_laps(at: _At) -> CheckResult:
    car, ahead = _resolve(at.order, at.claim["car"]), _resolve(at.order, at.claim["ahead"])
    gap = at.laps(ahead) - at.laps(car)
    return at.result(at.claim["value"], gap, abs(gap - at.claim["value"]) <= at.cp.tolerance,
                     f"car {car} behind car {ahead}")


def _gap_seconds(at: _At) -> CheckResult:
    car, ahead, crossings = at.claim["car"], at.claim["ahead"], at.replay.table.crossings
    n = at.laps(car)
    if n == 0 or len(crossings[ahead]) < n:
        return at.result(at.claim["value"], None, False)
    gap = float(crossings[car][n - 1] - crossings[ahead][n - 1])
    return at.result(at.claim["value"], round(gap, 1), abs(gap - at.claim["value"]) <= at.cp.tolerance)


def _class_order(at: _At) -> CheckResult:
    table = at.replay.table
    got = [c for c in at.order if table.classes[c] == at.claim["class"] and table.status_at(c, at.t) == "running"]
    got = got[: len(at.claim["cars"])]
    return at.result(at.claim["cars"], got, got == at.claim["cars"])


def _index_order(at: _At) -> CheckResult:
    got = _index_ranking(at.replay, at.t)[: len(at.claim["cars"])]
    return at.result(at.claim["cars"], got, got == at.claim["cars"])


def _spread_laps(at: _At) -> CheckResult:
    a, b = at.claim["positions"]
    spread = at.laps(at.order[a - 1]) - at.laps(at.order[b - 1])
    return at.result(at.claim["value"], spread, abs(spread - at.claim["value"]) <= at.cp.tolerance)


def _same_lap(at: _At) -> CheckResult:
    laps = [at.laps(c) for c in at.claim["cars"]]
    return at.result("equal", laps, len(set(laps)) == 1)


def _pit_time(at: _At) -> CheckResult:
    seconds = at.replay.runs[at.claim["car"]].pit_seconds
    return at.result(at.claim["seconds"], round(seconds, 1), abs(seconds - at.claim["seconds"]) <= at.cp.tolerance)


def _fastest(at: _At) -> CheckResult:
    best = _fastest_lap(at.replay, at.claim["car"])
    return at.result(at.claim["seconds"], round(best, 1), abs(best - at.claim["seconds"]) <= at.cp.tolerance)


def _average_speed(at: _At) -> CheckResult:
    kph = at.laps(at.claim["car"]) * (at.replay.facts.lap_length_km or np.nan) / (at.t / HOUR)
    return at.result(at.claim["kph"], round(kph, 2), abs(kph - at.claim["kph"]) <= at.cp.tolerance)


def _clock_claim(at: _At) -> CheckResult:
    published = at.claim["value"]
    diff_min = (at.t - parse_clock(published, at.replay.facts.start)) / 60
    return at.result(published, at.replay.clock(at.t), abs(diff_min) <= at.cp.tolerance, f"{diff_min:+.0f} min")


def _refuels_done(at: _At) -> CheckResult:
    table, claim = at.replay.table, at.claim
    running = [c for c in at.order if table.status_at(c, at.t) == "running"][: claim.get("among_top", len(at.order))]
    done = [c for c in running
            if sum(1 for e in at.replay.log.of(c, [EventKind.PIT_IN]) if e.refuel and e.time <= at.t) >= claim["min_refuels"]]
    share = len(done) / max(len(running), 1)
    return at.result(f">{claim['share']:.0%}", f"{share:.0%}", share > claim["share"])


def _getaway(at: _At) -> CheckResult:
    """The order off the line: the seconds each car gains or loses at the start."""
    getaway = [c.number for c in sorted(at.replay.plan.cars, key=lambda c: c.start_loss_s)]
    n = 1 + len(at.claim["next"])
    ok = getaway[0] == at.claim["first"] and set(getaway[1:n]) == set(at.claim["next"])
    return at.result(f"{at.claim['first']}, then {' '.join(sorted(at.claim['next']))} in any order", getaway[:n], ok)


def _leader_over(replay: Replay, cp: Checkpoint, times: np.ndarray, moment: str) -> CheckResult:
    car, table = cp.claim["car"], replay.table
    leaders = [table.cars[i] for i in table.leaders(times)]
    others = sorted({c for c in leaders if c != car})
    first_other = next((t for t, c in zip(times, leaders) if c != car), None)
    value = "always" if not others else f"also led: {', '.join(others)} (first at {replay.clock(first_other)})"
    return _result(cp, moment, car, value, not others)


def _best_position_over(replay: Replay, cp: Checkpoint, times: np.ndarray, moment: str) -> CheckResult:
    car, table = cp.claim["car"], replay.table
    counted = table.running_at(car, times)
    counted[0] = True  # the start of the span counts even if the car is no longer running
    best = int(table.positions_of(car, times)[counted].min())
    return _result(cp, moment, cp.claim["value"], best, best <= cp.claim["value"])


def _trial_claims() -> dict:
    from sim.timetrial.claims import CLAIMS

    return CLAIMS


CLAIMS_AT = {  # claim kind -> how it is judged at a moment
    "order": _order, "position": _position, "laps": _laps, "gap_seconds": _gap_seconds, "gap_laps": _gap_laps,
    "class_order": _class_order, "index_order": _index_order, "spread_laps": _spread_laps, "same_lap": _same_lap,
    "pit_time": _pit_time, "fastest_lap": _fastest, "average_speed": _average_speed, "clock": _clock_claim,
    "refuels_done": _refuels_done, "getaway": _getaway,
}
CLAIMS_AT.update(_trial_claims())  # a time trial's claims (sim.timetrial.claims), one function each
CLAIMS_OVER = {"leader": _leader_over, "best_position": _best_position_over}  # judged over a span of time
CLAIM_KINDS = (*CLAIMS_AT, *CLAIMS_OVER, "not_evaluated")


def _evaluate(replay: Replay, cp: Checkpoint, when: float | tuple[float, float] | None) -> CheckResult:
    """The checkpoint judged at its moment `when` (see `_moment`)."""
    if cp.kind == "not_evaluated":
        return CheckResult(cp.id, cp.kind, "", None, None, "not evaluated", cp.quote, cp.section, cp.reason or "")
    if isinstance(when, tuple):
        lo, hi = when
        times = np.arange(lo, hi + 1e-9, SAMPLE_S) if hi > lo else np.array([lo])
        return CLAIMS_OVER[cp.kind](replay, cp, times, f"{replay.clock(lo)}-{replay.clock(hi)}")
    t = float(when)
    if not np.isfinite(t):
        return _result(cp, "never", None, "event not in the replay", False)
    if cp.when[0] == "at_leader_lap":
        order = _lap_chart(replay, cp.when[1])
    else:
        order = replay.table.cars_in_order(t)
    return CLAIMS_AT[cp.kind](_At(replay, cp, t, replay.clock(t), order))


def _result(cp: Checkpoint, moment: str, published, replay_value, ok: bool, note: str = "") -> CheckResult:
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
    """Where the sources cannot all hold, what the replay followed and why."""
    out = []
    label = replay.clock
    for car, end in replay.calibration.ends.items():
        tw, nw = end.table_window, end.narrative_window
        if end.rule in ("narrative", "relative", "same-moment", "table") and tw and nw and (nw[1] <= tw[0] or nw[0] >= tw[1]):
            plan = replay.plan.car(car)
            event = next((e for e in replay.facts.events if e.id == plan.end.event_id), None)
            if event is None:  # a what-if removed this retirement: no conflict left to report
                continue
            entry = replay.race.entry(car)
            table_text = f"results table: '{entry.reason}' = race hour {entry.retirement_hour} ({label(tw[0])}-{label(tw[1])})"
            text_text = f"narrative: {label(nw[0])}-{label(nw[1])}: \"{event.quote}\""
            if end.rule == "relative":
                chosen = (f"when car {car}'s {plan.laps} laps are {plan.end.laps_behind} laps behind car {plan.end.relative_to}: "
                          f"{label(end.target)}")
                reason = "priority 1: a statement tying the car to another"
            elif end.rule == "same-moment":
                chosen = f"the same moment as car {plan.end.same_moment_as}: {label(end.target)}"
                reason = "priority 1: the same accident"
            elif end.rule == "table":
                chosen = f"the results table's hour: {label(end.target)}"
                reason = "priority 3: the narrative gives only a race hour, no more precise than the official table's"
            else:
                chosen = f"the narrative's time: {label(end.target)}"
                reason = "priority 2: a narrative clock time is more specific than the table's hour"
            if event.assumption:  # the race's own reason for the choice, in its events.toml
                reason += f" ({event.assumption})"
            out.append(SourceConflict(f"retirement-{car}", f"car {car}'s retirement", (table_text, text_text), chosen, reason))
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
