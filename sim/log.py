"""The event log: one flat, immutable, typed record per thing that happened in a replay.

The engines append; standings, checks, plots and reports read. Progress is counted in *marks*: the timing points a
car passes, the line at the end of each lap of a circuit or each control of a route, each at a known distance.
Nothing in a record is a string to parse back: the narrative event behind a stop or a delay is ``cause`` (its id in
the race's events.toml), its length is ``seconds``.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from itertools import repeat
from typing import NamedTuple

import numpy as np


class EventKind(StrEnum):
    START = "start"  # the car leaves the start (its own moment in a time trial)
    PASSING = "passing"  # the car passes a timing mark: the line at the end of a lap, or a control
    PIT_IN = "pit_in"
    PIT_OUT = "pit_out"
    DRIVER_CHANGE = "driver_change"  # `driver` is the driver who takes over
    DELAY = "delay"  # time lost out on the course (`seconds`), the car keeps its place on the road
    FINISHED = "finished"
    RETIRED = "retired"
    STOPPED = "stopped"  # still on the course at the end but not running (not classified)
    DISQUALIFIED = "disqualified"


END_KINDS = frozenset({EventKind.FINISHED, EventKind.RETIRED, EventKind.STOPPED, EventKind.DISQUALIFIED})
OUT_KINDS = frozenset({EventKind.RETIRED, EventKind.DISQUALIFIED})  # after these a car is out of the race


class Event(NamedTuple):
    """One thing that happened: the unit of the event log."""

    time: float  # seconds from the race's reference start (the first car's start in a time trial)
    car: str
    kind: EventKind
    mark: int  # marks passed at that moment: laps completed, or controls passed
    distance_km: float  # distance covered at the last mark passed (NaN where the course length is unknown)
    driver: str
    cause: str = ""  # the narrative event behind it (a delay, a repair, a retirement): its id in events.toml
    seconds: float = 0.0  # how long a pit stop or a delay lasted
    refuel: bool = False  # a pit stop at which the car took on fuel
    reason: str = ""  # the end of a car's race: the results table's reason ("Piston", "Accident")


EVENT_COLUMNS = list(Event._fields)
EVENT_DTYPES = {
    "time": "float64", "car": "string", "kind": "category", "mark": "int64", "distance_km": "float64",
    "driver": "string", "cause": "string", "seconds": "float64", "refuel": "bool", "reason": "string",
}
new_event = partial(tuple.__new__, Event)  # builds an Event from one tuple at C speed (thousands per replay)
_TIME = operator.itemgetter(0)


@dataclass(frozen=True)
class Course:
    """Where the marks are: a circuit's lap length, or the distance of each control of a route (km from the start)."""

    lap_length_km: float | None = None
    marks_km: tuple[float, ...] = ()  # a route: the distance of mark 1, 2, ...
    mark_names: tuple[str, ...] = ()

    def distance_km(self, marks: np.ndarray) -> np.ndarray:
        marks = np.asarray(marks)
        if self.marks_km:
            table = np.concatenate([[0.0], self.marks_km])
            return table[np.clip(marks, 0, len(self.marks_km))]
        return marks * (self.lap_length_km if self.lap_length_km is not None else np.nan)


class EventLog:
    """A replay's event log, in time order.

    Held in columns for speed (each car's mark passings as one array); :meth:`records` gives the flat, immutable
    :class:`Event` records (built once, on first use), and iterating the log iterates them. The other events are
    grouped by car and by cause on first use, for :meth:`of` and :meth:`caused_by`.
    """

    def __init__(self, passings: dict[str, np.ndarray], drivers: dict[str, list[tuple[int, str]]],
                 others: Iterable[Event], course: Course, starts: dict[str, float] | None = None):
        self.passings = passings  # car -> times of marks 1..n (within the race)
        self.drivers = drivers  # car -> [(first mark, driver)]
        self.others = tuple(others)  # every event that is not a passing, in time order
        self.course = course
        self.starts = starts or {car: 0.0 for car in passings}
        self._records: tuple[Event, ...] | None = None
        self._groups: dict[str, dict[str, list[Event]]] = {}  # field -> value -> the other events with it

    def records(self) -> tuple[Event, ...]:
        if self._records is None:
            records = []
            for car, times in self.passings.items():
                records.extend(self._passings(car, times))
            records.extend(self.others)
            records.sort(key=_TIME)  # stable: at one instant a passing comes first (the car crosses, then pits)
            self._records = tuple(records)
        return self._records

    def _passings(self, car: str, times: np.ndarray) -> Iterable[Event]:
        changes = self.drivers.get(car) or [(1, "")]
        distances = self.course.distance_km(np.arange(1, len(times) + 1)).tolist()
        for i, (first, driver) in enumerate(changes):
            last = changes[i + 1][0] - 1 if i + 1 < len(changes) else len(times)
            yield from map(new_event, zip(times[first - 1:last].tolist(), repeat(car), repeat(EventKind.PASSING),
                                          range(first, last + 1), distances[first - 1:last], repeat(driver),
                                          repeat(""), repeat(0.0), repeat(False), repeat("")))

    def of(self, car: str, kinds: Iterable[EventKind] | None = None) -> list[Event]:
        """One car's events (of the given kinds), in time order."""
        wanted = None if kinds is None else set(kinds)
        if wanted is not None and EventKind.PASSING not in wanted:  # the other events alone spare building every
            return [e for e in self._others_by("car").get(car, ()) if e.kind in wanted]  # passing's record
        return [e for e in self.records() if e.car == car and (wanted is None or e.kind in wanted)]

    def caused_by(self, event_id: str) -> list[Event]:
        """The events a narrative event caused (stops, delays, the end of a race), in time order."""
        return list(self._others_by("cause").get(event_id, ()))

    def _others_by(self, field: str) -> dict[str, list[Event]]:
        """The events that are not passings, grouped by their `car` or `cause`, each group in time order: built
        once, as checks ask a replay's log the same questions dozens of times."""
        if field not in self._groups:
            groups: dict[str, list[Event]] = {}
            for e in self.others:
                groups.setdefault(getattr(e, field), []).append(e)
            self._groups[field] = groups
        return self._groups[field]

    def __iter__(self):
        return iter(self.records())

    def __eq__(self, other) -> bool:
        return isinstance(other, EventLog) and self.records() == other.records()

    __hash__ = None

    def __len__(self) -> int:
        return len(self.others) + sum(len(t) for t in self.passings.values())


def sort_events(events: list[Event]) -> list[Event]:
    events.sort(key=_TIME)
    return events
