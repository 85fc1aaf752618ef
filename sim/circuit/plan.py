"""Each car's race plan: what the sources fix before any pace is fitted.

A plan joins the results table (laps, status, retirement hour) with the narrative events (delays, pace changes,
stints, how the race ended) and the regulations (refuel window, stint length). Plans are pure data; the engine
runs them and the calibration fits their pace.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.circuit.facts import RaceFacts
from sim.clock import HOUR
from sim.errors import RaceDataError
from sim.records import Race

END_KINDS = ("finish", "retire", "stop", "disqualified")
MAX_LAPS = 1000  # more than any car can run in a day: the plan of stops reaches past every possible end


@dataclass(frozen=True)
class Delay:
    event_id: str
    after_lap: int | None = None  # a pit stop at the end of this lap
    at: float | None = None  # or the lap running at this time (s from the start)
    seconds: float | None = None
    laps_lost: float | None = None  # converted at the car's own pace
    on_track: bool = False
    driver_change: bool = False
    refuel: bool = False


@dataclass(frozen=True)
class PaceChange:
    event_id: str
    start: float
    end: float
    factor: float


@dataclass(frozen=True)
class Anchor:
    """A lap whose completion the sources place in a window of time.

    A relative anchor places it against another car, resolved once that car is calibrated: `lap` completed `by`
    seconds after the other car completes it, or, at a moment, on the other car's lap (less `laps_behind`) on the
    `side` given. The moment is a clock time `at`, or the edge of another car's delay or retirement (`at_event`,
    of car `at_event_car`) plus `offset_s`, read off that car's fitted run: it moves with the draws.
    """

    event_id: str
    lap: int | None
    window: tuple[float, float] | None
    relative_to: str | None = None
    by: tuple[float, float] | None = None
    at: float | None = None
    laps_behind: int = 0
    side: str = "either"
    at_event: str | None = None
    at_event_car: str | None = None
    at_edge: str = "start"
    offset_s: float = 0.0


@dataclass(frozen=True)
class Wheel:
    """The sources name the driver at the wheel on a lap or at a moment: the stint holding it is theirs."""

    event_id: str
    driver: str
    lap: int | None = None
    at: float | None = None


@dataclass(frozen=True)
class EndRule:
    kind: str  # one of END_KINDS
    window: tuple[float, float] | None = None  # when the end must fall (s)
    window_source: str | None = None  # "narrative", "table", "narrative+table"
    event_id: str | None = None
    in_pits: bool = False
    relative_to: str | None = None
    laps_behind: int | None = None
    same_moment_as: str | None = None
    table_window: tuple[float, float] | None = None
    narrative_window: tuple[float, float] | None = None
    stated_hour: int | None = None  # the results table's hour ("Engine (4hr)"), as written


@dataclass(frozen=True)
class CarPlan:
    number: str
    car_class: str
    make: str
    drivers: tuple[str, ...]
    laps: int  # laps at the flag or at the end of its race, from the results table
    status: str  # results-table status
    position: int | None
    end: EndRule
    refuel_laps: tuple[int, ...]  # laps after which the car refuels (and changes driver)
    delays: tuple[Delay, ...] = ()
    pace_changes: tuple[PaceChange, ...] = ()
    anchors: tuple[Anchor, ...] = ()
    fog_factor: float = 1.0
    start_loss_s: float = 0.0  # seconds lost (or, negative, gained) at the Le Mans start
    tie_rank: int = 0  # rank within a group of classified cars on equal laps (0 = crossed first)
    tie_size: int = 1
    reason: str | None = None  # the results table's reason for the end of its race
    team: str | None = None
    at_the_wheel: tuple[Wheel, ...] = ()  # who the sources say was driving, and when
    pit_stop_s: float | None = None  # this car's regular stop, where it differs from the race's (a forecast's draw)


@dataclass(frozen=True)
class RacePlan:
    facts: RaceFacts
    cars: tuple[CarPlan, ...]
    rules: dict = field(default_factory=dict)  # regulations in force (a scenario may change them)
    # the classified cars in the table's order, held at the flag where that order is not the laps' order (a car
    # placed behind one with fewer laps: a penalty, or a typo); empty where the laps give the table's order
    flag_order: tuple[str, ...] = ()

    def car(self, number: str) -> CarPlan:
        for c in self.cars:
            if c.number == number:
                return c
        raise KeyError(number)



def _check_starters(race: Race, stint: int) -> None:
    """Each starter is one car of the plan: a number used twice, or more laps than the replay's stops reach, is a
    document the replay would get wrong."""
    seen: dict[str, int] = {}
    for entry in race.starters:
        if entry.number in seen:
            raise RaceDataError(f"two cars that started have this number (the other at line {seen[entry.number]})",
                                file=race.source_file, line=entry.line, key="No", value=entry.number)
        seen[entry.number] = entry.line
        if (entry.laps or 0) > MAX_LAPS - 2 * stint:
            raise RaceDataError(f"is more laps than the replay can plan ({MAX_LAPS - 2 * stint} at most)",
                                file=race.source_file, line=entry.line, key="Laps", value=entry.laps,
                                car=entry.number)


def regular_refuel_laps(laps: int, stint: int, first: int = 0) -> list[int]:
    """Refuel after every `stint` laps from `first`, up to (not including) the car's last lap."""
    return list(range(first + stint, laps, stint))


def build_plan(race: Race, facts: RaceFacts, rules: dict | None = None) -> RacePlan:
    """Join the results table, the narrative events and the rules into one plan per starter."""
    regs = facts.regulations
    rules = dict(rules or {})
    min_refuel = rules.get("min_laps_between_refuels", regs.min_laps_between_refuels)
    max_stint = rules.get("max_stint_laps", regs.max_stint_laps)
    stint = min(max(facts.assumptions.stint_laps, min_refuel), max_stint)
    rules = {"min_laps_between_refuels": min_refuel, "max_stint_laps": max_stint,
             "max_driver_hours": rules.get("max_driver_hours", regs.max_driver_hours), "stint_laps": stint}
    _check_starters(race, stint)
    ties = _ties(race)
    cars = tuple(_car_plan(entry, race, facts, stint, ties.get(entry.number, (0, 1))) for entry in race.starters)
    return RacePlan(facts, cars, rules, flag_order(race))


def classified_in_order(race: Race) -> list:
    """The classified starters in the table's order."""
    return sorted((e for e in race.starters if e.status == "classified"), key=lambda e: e.position)


def out_of_laps_order(race: Race) -> list[tuple]:
    """(car, the car placed ahead of it with the fewest laps) for each classified car with more laps than a car the
    table places ahead of it."""
    out, fewest = [], None
    for entry in classified_in_order(race):
        if fewest is not None and (entry.laps or 0) > (fewest.laps or 0):
            out.append((entry, fewest))
        if fewest is None or (entry.laps or 0) < (fewest.laps or 0):
            fewest = entry
    return out


def flag_order(race: Race) -> tuple[str, ...]:
    """The table's classified order, where the laps do not give it (else empty: the laps and, on equal laps, who
    crossed first decide, as in every race whose table is in the laps' order)."""
    return tuple(e.number for e in classified_in_order(race)) if out_of_laps_order(race) else ()


def _ties(race: Race) -> dict[str, tuple[int, int]]:
    """(rank, size) of each classified car in its group of equal laps, in the published order."""
    classified = classified_in_order(race)
    ties: dict[str, tuple[int, int]] = {}
    for laps in {e.laps for e in classified}:
        group = [e for e in classified if e.laps == laps]
        for rank, e in enumerate(group):
            ties[e.number] = (rank, len(group))
    return ties


def _refuels(events, stint: int) -> list[int]:
    stints = [e for e in events if e.kind == "stints"]
    if not stints:
        return regular_refuel_laps(MAX_LAPS, stint)
    refuels = sorted(set(stints[0].refuel_laps))
    return refuels + regular_refuel_laps(MAX_LAPS, stint, refuels[-1])


def _anchors(events, facts: RaceFacts) -> tuple[Anchor, ...]:
    anchors = tuple(Anchor(e.id, e.after_lap, e.window) for e in events
                    if e.kind == "delay" and e.after_lap is not None and e.window is not None)
    car_of = {e.id: e.car for e in facts.events}
    return anchors + tuple(Anchor(e.id, e.lap, e.window, e.relative_to, e.by, e.at, e.laps_behind or 0, e.side,
                                  e.at_event, car_of.get(e.at_event), e.at_edge, e.offset_s)
                           for e in events if e.kind == "anchor")


def _crew(entry, events, facts: RaceFacts) -> tuple[str, ...]:
    """The car's drivers in the order they take the wheel: from the one the sources say took the start."""
    drivers = tuple(d.name for d in entry.drivers) or ("driver",)
    first = next((e for e in events if e.kind == "start" and e.driver), None)
    if first is None:
        return drivers
    if first.driver not in drivers:
        raise RaceDataError(f"is not one of the car's drivers ({', '.join(drivers)})",
                            file=facts.folder / "events.toml", key=f"event.{first.id}.driver", value=first.driver,
                            car=entry.number)
    k = drivers.index(first.driver)
    return drivers[k:] + drivers[:k]


def _car_plan(entry, race: Race, facts: RaceFacts, stint: int, tie: tuple[int, int]) -> CarPlan:
    events = facts.events_for(entry.number)
    delays = tuple(Delay(e.id, e.after_lap, e.at, e.seconds, e.laps_lost, e.on_track, e.driver_change, e.refuel)
                   for e in events if e.kind == "delay")
    pace = tuple(PaceChange(e.id, e.at or 0.0, e.until if e.until is not None else facts.duration_s, e.factor)
                 for e in events if e.kind == "pace")
    drivers = _crew(entry, events, facts)
    wheel = tuple(Wheel(e.id, _crew_member(e, drivers, facts), e.lap, e.at) for e in events if e.kind == "driver")
    make = entry.make or "Other"
    return CarPlan(
        number=entry.number, car_class=entry.car_class or "", make=make, drivers=drivers, laps=entry.laps or 0,
        status=entry.status, position=entry.position, end=_end_rule(entry, events, facts, race.source_file),
        refuel_laps=tuple(_refuels(events, stint)), delays=delays, pace_changes=pace, anchors=_anchors(events, facts),
        fog_factor=facts.assumptions.fog_factor(make),
        start_loss_s=sum(e.start_seconds or 0.0 for e in events if e.kind == "start"), tie_rank=tie[0],
        tie_size=tie[1], reason=entry.reason, team=entry.team, at_the_wheel=wheel,
    )


def _crew_member(event, drivers: tuple[str, ...], facts: RaceFacts) -> str:
    if event.driver not in drivers or (event.lap is None) == (event.at is None):
        raise RaceDataError(f"a driver event names one of the car's drivers ({', '.join(drivers)}) and either a `lap` "
                            "or a clock time `at`", file=facts.folder / "events.toml", key=f"event.{event.id}.driver",
                            value=event.driver, car=event.car)
    return event.driver


def _table_window(entry, facts: RaceFacts, source_file: str) -> tuple[float, float] | None:
    """The race hour the results table gives for a car's retirement ("Engine (4hr)"), as a span of seconds. An hour
    after the flag ("(25hr)") is kept as stated in a document alone: calibration names it a source conflict and
    moves the end to the nearest moment the race has (a race folder names its own conflicts: there, an error)."""
    if not entry.retirement_hour:
        return None
    if entry.retirement_hour * HOUR > facts.duration_s + HOUR - 1 and facts.assumptions.open_ends:
        return (entry.retirement_hour - 1) * HOUR, entry.retirement_hour * HOUR
    if entry.retirement_hour * HOUR > facts.duration_s + HOUR - 1:
        raise RaceDataError(f"the retirement hour is after the end of the {facts.duration_s / HOUR:g}-hour race",
                            file=source_file, line=entry.line, key="Reason",
                            value=f"{entry.reason} ({entry.retirement_hour}hr)", car=entry.number)
    return (entry.retirement_hour - 1) * HOUR, min(entry.retirement_hour * HOUR, facts.duration_s)


def _end_rule(entry, events, facts: RaceFacts, source_file: str) -> EndRule:
    """How and when the car's race ends, following the written priority (see conflicts in the report):
    1. a narrative statement tying the end to another car (laps behind it, or the same accident);
    2. a narrative clock time ("just before 10:30 pm");
    3. the results table's retirement hour;
    4. a narrative race hour ("in the fourth hour"), as vague as the table's and less official.
    Where two sources overlap the end falls in both.
    """
    dsq = [e for e in events if e.kind == "disqualified"]
    ret = [e for e in events if e.kind == "retirement"]
    table_window = _table_window(entry, facts, source_file)
    if entry.status == "classified":
        return EndRule("finish", (facts.duration_s, facts.duration_s), "table")
    if dsq or entry.status == "DSQ":
        window = table_window or ((0.0, facts.duration_s) if facts.assumptions.open_ends else None)
        return EndRule("disqualified", window, "table" if table_window else "default", dsq[0].id if dsq else None,
                       in_pits=True, table_window=table_window,
                       stated_hour=entry.retirement_hour if table_window else None)
    event = ret[0] if ret else None
    kind = "stop" if entry.status == "NC" else "retire"
    narrative = event.window if event else None
    by_hour = bool(event and event.narrative_hour)
    if by_hour:
        narrative = ((event.narrative_hour - 1) * HOUR, event.narrative_hour * HOUR)
    if narrative and table_window:
        lo, hi = max(narrative[0], table_window[0]), min(narrative[1], table_window[1])
        if lo < hi:
            window, source = (lo, hi), "narrative+table"
        else:
            window, source = (table_window, "table") if by_hour else (narrative, "narrative")
    elif narrative:
        window, source = narrative, "narrative"
    else:
        window, source = table_window, "table" if table_window else None
    if window is None and facts.assumptions.open_ends:
        if kind == "stop":  # not classified, and no hour stated: running at the flag with too few laps
            return EndRule("finish", (facts.duration_s, facts.duration_s), "default")
        window, source = (0.0, facts.duration_s), "default"
    return EndRule(
        kind, window, source, event.id if event else None, in_pits=bool(event and event.in_pits),
        relative_to=event.relative_to if event else None, laps_behind=event.laps_behind if event else None,
        same_moment_as=event.same_moment_as if event else None, table_window=table_window, narrative_window=narrative,
        stated_hour=entry.retirement_hour if table_window else None,
    )
