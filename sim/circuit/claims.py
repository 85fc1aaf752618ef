"""The circuit's claims: one small function per kind of published statement, judged on the replay at a moment
(:class:`sim.checkpoints.At`) or over a span of time, and the conflicts its retirement rules name.

The shared evaluator (:mod:`sim.checkpoints`) resolves each checkpoint's moment and hands it to these; the kind's
entry in the registry (:data:`CLAIMS`) is the one table of the circuit's claim kinds.
"""

from __future__ import annotations

import numpy as np

from sim.checkpoints import At, CheckResult, Claims, SourceConflict, result
from sim.circuit.plan import out_of_laps_order
from sim.clock import HOUR, parse_clock
from sim.factfile import Checkpoint
from sim.index import target_km
from sim.log import EventKind


def _resolve(order: list[str], name: str) -> str:
    if name == "leader":
        return order[0]
    if name.startswith("P") and name[1:].isdigit():
        return order[int(name[1:]) - 1]
    return name


def index_at(race, car: str, laps: int, t: float, duration_s: float, lap_length_km: float) -> float | None:
    """The Index of Performance of a car at time t: distance so far over its target distance pro rata to the time
    run."""
    entry = race.entry(car)
    cc = entry.engine.displacement_cc if entry.engine else None
    if not cc or not race.index_targets_km or t <= 0:
        return None
    return laps * lap_length_km / (target_km(race.index_targets_km, cc) * t / duration_s)


def _index_ranking(replay, t: float) -> list[str]:
    scores = []
    for car in replay.table.cars:
        if replay.table.status_at(car, t) != "running":
            continue
        score = index_at(replay.race, car, replay.table.laps_at(car, t), t, replay.facts.duration_s,
                         replay.facts.lap_length_km)
        if score is not None:
            scores.append((-score, car))
    return [car for _, car in sorted(scores)]


def _fastest_lap(replay, car: str) -> float:
    crossings = replay.table.crossings[car]
    stops = [e.time for e in replay.log.of(car, [EventKind.PIT_OUT, EventKind.DELAY])]
    best = np.inf
    for k in range(1, len(crossings)):
        lo, hi = crossings[k - 1], crossings[k]
        if not any(lo < s <= hi for s in stops):
            best = min(best, hi - lo)
    return float(best)


def _order(at: At) -> CheckResult:
    first = at.claim.get("first", 1)
    got = at.order[first - 1: first - 1 + len(at.claim["cars"])]
    return at.result(at.claim["cars"], got, got == at.claim["cars"])


def _position(at: At) -> CheckResult:
    claim, p = at.claim, at.position(at.claim["car"])
    if "position" in claim:
        return at.result(claim["position"], p, p is not None and abs(p - claim["position"]) <= at.cp.tolerance)
    lo, hi = claim.get("min_position", 1), claim.get("max_position", len(at.order))
    return at.result(f"{lo}-{hi}", p, p is not None and lo <= p <= hi)


def _laps(at: At) -> CheckResult:
    car = _resolve(at.order, at.claim["car"])
    n = at.laps(car)
    return at.result(at.claim["laps"], n, abs(n - at.claim["laps"]) <= at.cp.tolerance, f"car {car}")


def _gap_laps(at: At) -> CheckResult:
    car, ahead = _resolve(at.order, at.claim["car"]), _resolve(at.order, at.claim["ahead"])
    gap = at.laps(ahead) - at.laps(car)
    return at.result(at.claim["value"], gap, abs(gap - at.claim["value"]) <= at.cp.tolerance,
                     f"car {car} behind car {ahead}")


def _gap_seconds(at: At) -> CheckResult:
    car, ahead, crossings = at.claim["car"], at.claim["ahead"], at.replay.table.crossings
    n = at.laps(car)
    if n == 0 or len(crossings[ahead]) < n:
        return at.result(at.claim["value"], None, False)
    gap = float(crossings[car][n - 1] - crossings[ahead][n - 1])
    return at.result(at.claim["value"], round(gap, 1), abs(gap - at.claim["value"]) <= at.cp.tolerance)


def _class_order(at: At) -> CheckResult:
    table = at.replay.table
    got = [c for c in at.order if table.classes[c] == at.claim["class"] and table.status_at(c, at.t) == "running"]
    got = got[: len(at.claim["cars"])]
    return at.result(at.claim["cars"], got, got == at.claim["cars"])


def _index_order(at: At) -> CheckResult:
    got = _index_ranking(at.replay, at.t)[: len(at.claim["cars"])]
    return at.result(at.claim["cars"], got, got == at.claim["cars"])


def _spread_laps(at: At) -> CheckResult:
    a, b = at.claim["positions"]
    spread = at.laps(at.order[a - 1]) - at.laps(at.order[b - 1])
    return at.result(at.claim["value"], spread, abs(spread - at.claim["value"]) <= at.cp.tolerance)


def _same_lap(at: At) -> CheckResult:
    laps = [at.laps(c) for c in at.claim["cars"]]
    return at.result("equal", laps, len(set(laps)) == 1)


def _pit_time(at: At) -> CheckResult:
    seconds = at.replay.runs[at.claim["car"]].pit_seconds
    return at.result(at.claim["seconds"], round(seconds, 1), abs(seconds - at.claim["seconds"]) <= at.cp.tolerance)


def _fastest(at: At) -> CheckResult:
    best = _fastest_lap(at.replay, at.claim["car"])
    return at.result(at.claim["seconds"], round(best, 1), abs(best - at.claim["seconds"]) <= at.cp.tolerance)


def _average_speed(at: At) -> CheckResult:
    kph = at.laps(at.claim["car"]) * (at.replay.facts.lap_length_km or np.nan) / (at.t / HOUR)
    return at.result(at.claim["kph"], round(kph, 2), abs(kph - at.claim["kph"]) <= at.cp.tolerance)


def _clock_claim(at: At) -> CheckResult:
    published = at.claim["value"]
    diff_min = (at.t - parse_clock(published, at.replay.facts.start)) / 60
    return at.result(published, at.replay.clock(at.t), abs(diff_min) <= at.cp.tolerance, f"{diff_min:+.0f} min")


def _refuels_done(at: At) -> CheckResult:
    table, claim = at.replay.table, at.claim
    running = [c for c in at.order if table.status_at(c, at.t) == "running"][: claim.get("among_top", len(at.order))]
    done = [c for c in running
            if sum(1 for e in at.replay.log.of(c, [EventKind.PIT_IN]) if e.refuel and e.time <= at.t)
            >= claim["min_refuels"]]
    share = len(done) / max(len(running), 1)
    return at.result(f">{claim['share']:.0%}", f"{share:.0%}", share > claim["share"])


def _getaway(at: At) -> CheckResult:
    """The order off the line: the seconds each car gains or loses at the start."""
    getaway = [c.number for c in sorted(at.replay.plan.cars, key=lambda c: c.start_loss_s)]
    n = 1 + len(at.claim["next"])
    ok = getaway[0] == at.claim["first"] and set(getaway[1:n]) == set(at.claim["next"])
    return at.result(f"{at.claim['first']}, then {' '.join(sorted(at.claim['next']))} in any order", getaway[:n], ok)


def _leader_over(replay, cp: Checkpoint, times: np.ndarray, moment: str) -> CheckResult:
    car, table = cp.claim["car"], replay.table
    leaders = [table.cars[i] for i in table.leaders(times)]
    others = sorted({c for c in leaders if c != car})
    first_other = next((t for t, c in zip(times, leaders) if c != car), None)
    value = "always" if not others else f"also led: {', '.join(others)} (first at {replay.clock(first_other)})"
    return result(cp, moment, car, value, not others)


def _best_position_over(replay, cp: Checkpoint, times: np.ndarray, moment: str) -> CheckResult:
    car, table = cp.claim["car"], replay.table
    counted = table.running_at(car, times)
    counted[0] = True  # the start of the span counts even if the car is no longer running
    best = int(table.positions_of(car, times)[counted].min())
    return result(cp, moment, cp.claim["value"], best, best <= cp.claim["value"])


CLAIMS_AT = {  # claim kind -> how it is judged at a moment
    "order": _order, "position": _position, "laps": _laps, "gap_seconds": _gap_seconds, "gap_laps": _gap_laps,
    "class_order": _class_order, "index_order": _index_order, "spread_laps": _spread_laps, "same_lap": _same_lap,
    "pit_time": _pit_time, "fastest_lap": _fastest, "average_speed": _average_speed, "clock": _clock_claim,
    "refuels_done": _refuels_done, "getaway": _getaway,
}
CLAIMS_OVER = {"leader": _leader_over, "best_position": _best_position_over}  # judged over a span of time
CLAIM_KINDS = (*CLAIMS_AT, *CLAIMS_OVER, "not_evaluated")



def retirement_conflicts(replay) -> list[SourceConflict]:
    """Where the results table and the narrative place a retirement apart: what the replay followed and why."""
    out = []
    label = replay.clock
    for car, end in replay.calibration.ends.items():
        tw, nw = end.table_window, end.narrative_window
        if (end.rule in ("narrative", "relative", "same-moment", "table") and tw and nw
                and (nw[1] <= tw[0] or nw[0] >= tw[1])):
            plan = replay.plan.car(car)
            event = next((e for e in replay.facts.events if e.id == plan.end.event_id), None)
            if event is None:  # a what-if removed this retirement: no conflict left to report
                continue
            entry = replay.race.entry(car)
            table_text = (f"results table: '{entry.reason}' = race hour {entry.retirement_hour} "
                          f"({label(tw[0])}-{label(tw[1])})")
            text_text = f"narrative: {label(nw[0])}-{label(nw[1])}: \"{event.quote}\""
            if end.rule == "relative":
                chosen = (f"when car {car}'s {plan.laps} laps are {plan.end.laps_behind} laps behind car "
                          f"{plan.end.relative_to}: {label(end.target)}")
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
            out.append(SourceConflict(f"retirement-{car}", f"car {car}'s retirement", (table_text, text_text), chosen,
                                      reason))
    return out


KEPT_LAPS = "the table's lap count is the harder fact (counted lap by lap by the timekeepers)"
LOOSER = "; a retirement hour is a looser statement, written after the event"
CLOCK_RULE = ("an hour the laps cannot meet as a race hour but can as a clock time of day (\"(14hr)\": 14:00-15:00) is "
              "taken to be a time of day, as some results tables write them")


def _stated(replay, conflict) -> str:
    """The stated end that gave way, as its source gives it."""
    label, plan = replay.clock, replay.plan.car(conflict.car)
    lo, hi = conflict.stated
    if conflict.kind == "running":
        entry = replay.race.entry(conflict.car)
        status = "classified" if entry.status == "classified" else "not classified, with no hour"
        return f"results table: {status}, so running at the flag ({label(hi)})"
    if plan.end.stated_hour is not None and plan.end.window_source == "table":
        reason = replay.race.entry(conflict.car).reason
        after = ", after the flag" if conflict.kind == "after-flag" else ""
        return (f"results table: '{reason} ({plan.end.stated_hour}hr)' = race hour {plan.end.stated_hour} "
                f"({label(lo)}-{label(hi)}{after})")
    return f"{plan.end.window_source or 'the replay'}: the end at {label(lo)}-{label(hi)}"


def _end_conflict(replay, conflict) -> SourceConflict:
    """A car whose stated end its laps cannot meet at any pace within the bounds: the laps kept, the end moved."""
    label, laps = replay.clock, conflict.laps
    sources = (f"results table: {laps} laps", _stated(replay, conflict))
    if conflict.kind == "running":
        chosen = (f"the 0 laps; running at the flag gives way: the car stops on its first lap at "
                  f"{label(conflict.moment)}, the last moment it can still be on it at the slowest pace allowed "
                  f"({conflict.bound_s:.0f} s a lap), the nearest to the flag")
        reason = "a car that completes no lap cannot be running at the flag at any pace allowed; " + KEPT_LAPS
        return SourceConflict(f"running-{conflict.car}", f"car {conflict.car}'s end", sources, chosen, reason)
    if conflict.kind == "after-flag":
        return _after_the_flag(replay, conflict, sources)
    impossible = (f"no pace within the bounds runs {laps} laps by {label(conflict.stated[1])}: even at the quickest "
                  f"pace allowed ({conflict.bound_s:.1f} s a lap) they end at {label(conflict.earliest)}; ")
    if conflict.kind == "clock":
        lo, hi = conflict.window
        chosen = (f"the {laps} laps, and the hour read as a clock time of day ({label(lo)}-{label(hi)}): the end at "
                  f"{label(conflict.moment)}")
        reason = impossible + CLOCK_RULE + "; " + KEPT_LAPS + LOOSER
    else:
        chosen = (f"the {laps} laps; the hour gives way to the nearest moment they can meet: {label(conflict.moment)} "
                  "(at the quickest pace allowed)")
        reason = impossible + KEPT_LAPS + LOOSER
    return SourceConflict(f"hour-{conflict.car}", f"car {conflict.car}'s retirement hour", sources, chosen, reason)


def _after_the_flag(replay, conflict, sources: tuple[str, str]) -> SourceConflict:
    """A retirement hour after the end of the race: the laps kept, the end a minute before the flag."""
    label, duration = replay.clock, replay.facts.duration_s
    chosen = (f"the {conflict.laps} laps; the hour gives way to the nearest moment of the race they can meet: "
              f"{label(conflict.moment)}, {(duration - conflict.moment) / 60:.0f} min before the flag")
    reason = (f"a car that did not finish retired before the flag, and the hour is after the end of the "
              f"{duration / HOUR:g}-hour race (a typo, or an hour counted from another moment); " + KEPT_LAPS + LOOSER)
    return SourceConflict(f"hour-{conflict.car}", f"car {conflict.car}'s retirement hour", sources, chosen, reason)


def order_conflicts(replay) -> list[SourceConflict]:
    """Classified cars placed behind a car with fewer laps: the table's order stands at the flag."""
    out = []
    for entry, ahead in out_of_laps_order(replay.race):
        sources = (f"results table: car {entry.number} placed {entry.position} with {entry.laps} laps",
                   f"results table: car {ahead.number} placed {ahead.position}, ahead of it, with {ahead.laps} laps")
        chosen = (f"the table's order: car {entry.number} is placed {entry.position} at the flag with its "
                  f"{entry.laps} laps; the laps' order gives way")
        reason = ("the classified order is the result (a penalty, or a typo in a lap count): it stands at the flag, "
                  "and each car keeps its table laps")
        out.append(SourceConflict(f"order-{entry.number}", f"car {entry.number}'s classified place", sources, chosen,
                                  reason))
    return out


def circuit_conflicts(replay) -> list[SourceConflict]:
    """Every conflict the circuit's own rules name: retirements placed apart by the table and the narrative, stated
    ends the laps cannot meet, and a classified order that is not the laps' order."""
    ends = [_end_conflict(replay, c) for c in getattr(replay.calibration, "conflicts", ())]
    return retirement_conflicts(replay) + ends + order_conflicts(replay)


CLAIMS = Claims(CLAIMS_AT, CLAIMS_OVER, circuit_conflicts)
