"""Standings at any instant: a pure function of the event log.

Cars still in the race come first, ranked by the marks they have passed (laps of a circuit, controls of a route),
then by an order chosen with ``by``:

* ``"distance"`` (a circuit) and ``"road"`` (a time trial, the order on the road): who passed the last mark first;
* ``"elapsed"`` (a time trial, the order that decides it): by elapsed time at the last mark each car passed,
  measured against the eventual winner's elapsed time at that same mark (:attr:`Progress.reference`), so a car that
  started hours earlier does not lead by having passed more marks; the cars running that have passed no mark yet
  follow those that have.

Cars out of the race follow, by their final marks. At the flag, a results table whose classified order is not its
laps' order (a penalty) is held (``Progress.flag_order``). Gaps are to the leader, in marks and in time (for
``elapsed``, in elapsed time at the car's last mark). The time gap is how long after the leader the car passed its
own last mark; it is never negative: where the car passed that mark before the leader did (it was ahead then, and
has fallen back, or retired, since), no time behind can be told and the gap is in marks only (``gap_s`` blank).
Cars level on every key (at the start: all of them) keep the start order: the grid where the plan names one
(``Progress.start_order``), else the car numbers in natural order (2 before 10), never the results table's order,
which would give the result away before the race has begun.
"""

from __future__ import annotations

import math
import re
import shutil
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np
import pandas as pd

from sim.clock import HOUR
from sim.log import END_KINDS, OUT_KINDS, Course

ORDERS = ("distance", "road", "elapsed")
FLAG_RANK = {"finished": 0, "running": 0, "NC": 1, "retired": 2, "disqualified": 2, "DSQ": 2}
STANDINGS_COLUMNS = {
    "position": "int64", "car": "string", "class": "string", "make": "string", "drivers": "string", "team": "string",
    "laps": "int64", "status": "string", "last_crossing_s": "float64", "gap_laps": "int64", "gap_s": "float64",
    "distance_km": "float64", "class_position": "int64",
}


class Standings(pd.DataFrame):
    """The standings at a moment: a DataFrame that, printed, shows every column (the drivers and team included),
    wrapped to the terminal's width, rather than eliding the middle ones."""

    @property
    def _constructor(self):
        return Standings

    def __repr__(self) -> str:
        return self.to_string(max_colwidth=36, line_width=shutil.get_terminal_size((120, 24)).columns,
                              float_format=lambda v: f"{v:.1f}")


@dataclass(frozen=True)
class Progress:
    """Per car: when it started, the times it passed each mark and how its race ended; built once from the log."""

    cars: tuple[str, ...]
    crossings: dict[str, np.ndarray]
    end: dict[str, tuple[float, str]]  # car -> (time, kind)
    classes: dict[str, str]
    makes: dict[str, str]
    table_status: dict[str, str]
    duration_s: float
    course: Course
    starts: dict[str, float]
    drivers: dict[str, str]
    teams: dict[str, str]
    # the classified cars in the order that stands at the flag whatever their marks (a penalty placed a car behind one
    # with fewer laps); empty: at the flag, as at any moment, the marks rank them
    flag_order: tuple[str, ...] = ()
    # the cars in their order at the start (the grid); empty: by car number (natural order). Cars the grid leaves out
    # follow it, by number
    start_order: tuple[str, ...] = ()
    # (moment, order) -> the cars in that order: a Progress never changes, and checks ask for the same moments often
    _orders: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_log(cls, log, plan) -> "Progress":
        """Build from an :class:`~sim.log.EventLog` and the plan that names each car's class, make and crew, and the
        order the table imposes at the flag (:attr:`sim.replays.Plan.flag_order`)."""
        end = {e.car: (e.time, str(e.kind)) for e in log.others if e.kind in END_KINDS}
        return cls(
            cars=tuple(c.number for c in plan.cars),
            crossings={c.number: log.passings.get(c.number, np.empty(0)) for c in plan.cars},
            end=end,
            classes={c.number: c.car_class for c in plan.cars},
            makes={c.number: c.make for c in plan.cars},
            table_status={c.number: c.status for c in plan.cars},
            duration_s=plan.facts.duration_s,
            course=log.course,
            starts={c.number: log.starts.get(c.number, 0.0) for c in plan.cars},
            drivers={c.number: " / ".join(c.drivers) for c in plan.cars},
            teams={c.number: c.team or "" for c in plan.cars},
            flag_order=tuple(plan.flag_order),
        )

    @cached_property
    def start_rank(self) -> np.ndarray:
        """Each car's place at the start (0 first), in entry order: see :func:`start_ranks`."""
        return start_ranks(self.cars, self.start_order)

    @property
    def lap_length_km(self) -> float | None:
        return self.course.lap_length_km

    def laps_at(self, car: str, t: float) -> int:
        return int(np.searchsorted(self.crossings[car], t, side="right"))

    def status_at(self, car: str, t: float) -> str:
        end_t, kind = self.end.get(car, (np.inf, "finished"))
        if t >= self.duration_s:
            return {"classified": "finished", "NC": "NC", "DSQ": "DSQ"}.get(self.table_status[car], "retired")
        if t >= end_t and kind in OUT_KINDS:
            return kind
        return "running"

    def order_at(self, t: float, by: str = "distance") -> list[tuple[str, int, str, float]]:
        """[(car, marks, status, last passing)] in race order at time t (seconds from the start)."""
        order, marks, last = self.ranking(np.array([t], dtype=float), by)
        return [(self.cars[i], int(marks[i, 0]), self.status_at(self.cars[i], t), float(last[i, 0]))
                for i in order[0]]

    def running_at(self, car: str, times: np.ndarray) -> np.ndarray:
        """Whether the car is running at each moment: `status_at(car, t) == "running"` at many moments at once."""
        end_t, kind = self.end.get(car, (np.inf, "finished"))
        times = np.asarray(times, dtype=float)
        return ~(times >= self.duration_s) & ~((times >= end_t) & (kind in OUT_KINDS))  # a NaN moment: running

    def cars_in_order(self, t: float, by: str = "distance") -> list[str]:
        """The cars in race order at time t: the cars of :meth:`order_at`, without working out each one's status."""
        key = (float(t), by)
        if key not in self._orders:
            self._orders[key] = tuple(self.cars[i] for i in self.ranking(np.array([t], dtype=float), by)[0][0])
        return list(self._orders[key])

    def ranking(self, times: np.ndarray, by: str = "distance") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The race order at many moments in one pass: (car indices in order, one row per moment; marks and last
        passing, one row per car and a column per moment). Ranked as the table is: cars out of the race after
        those running (at the flag, an unclassified finisher after the classified), then by marks passed, then by
        who passed the last one first (or took least time to it), then the start order (:attr:`start_rank`)."""
        out, marks, key, last, tier = self._rank_keys(times, by)
        entry = np.broadcast_to(self.start_rank[:, None], marks.shape)
        return np.lexsort((entry, key, -tier, out), axis=0).T, marks, last

    def leaders(self, times: np.ndarray, by: str = "distance") -> np.ndarray:
        """The index of the leading car at each moment, the first car of :meth:`ranking`, found without sorting the
        others (a span of a race sampled every minute has a thousand moments)."""
        out, marks, key, _, tier = self._rank_keys(times, by)
        first = np.ones(marks.shape, dtype=bool)
        for rank_key in (out, -tier, key):  # in turn, the cars with the least of each key among those still level
            masked = np.where(first, rank_key, np.inf)
            first &= masked == masked.min(axis=0)
        start = np.where(first, self.start_rank[:, None], len(self.cars))
        return start.argmin(axis=0)  # of the cars level on every key, the first in the start order

    def positions_of(self, car: str, times: np.ndarray, by: str = "distance") -> np.ndarray:
        """The car's position at each moment, as :meth:`ranking` places it: 1 + the cars ahead of it on the first
        key that tells them apart (counted, not sorted)."""
        out, _, key, _, tier = self._rank_keys(times, by)
        i, entry = self.cars.index(car), self.start_rank[:, None]
        ahead = (out < out[i]) | (out == out[i]) & (
            (tier > tier[i]) | (tier == tier[i]) & ((key < key[i]) | (key == key[i]) & (entry < entry[i])))
        return 1 + ahead.sum(axis=0)

    def _rank_keys(self, times: np.ndarray, by: str) -> tuple[np.ndarray, ...]:
        """(out, marks, key, last, tier), one row per car and a column per moment: whether and how the car is out
        of the race, the marks it passed, what ranks cars on the same tier (see `by`), when it passed the last mark,
        and the tier (the marks; for ``elapsed``, whether a running car passed any, the marks of one out)."""
        _check_order(by)
        times = np.asarray(times, dtype=float)
        columns = self._columns
        marks = columns.marks_at(times)
        rows = np.arange(len(self.cars))[:, None]
        last = np.where(marks > 0, columns.crossings[rows, np.maximum(marks - 1, 0)], columns.starts[:, None])
        out = np.where(times >= self.duration_s, columns.flag_rank[:, None],
                       np.where(times >= columns.end_time[:, None], columns.out_rank[:, None], 0))
        if by != "elapsed":
            return out, marks, last, last, marks
        reference = np.append(self.reference_elapsed, 0.0)
        at = reference[np.minimum(np.maximum(marks - 1, 0), len(reference) - 1)]
        key = np.where(marks > len(reference) - 1, np.inf,  # a mark the reference never passed: last of its tier
                       np.where(marks > 0, (last - columns.starts[:, None]) - at, last))
        return out, marks, key, last, np.where(out > 0, marks, np.minimum(marks, 1))

    @cached_property
    def reference(self) -> str | None:
        """The eventual winner by elapsed time: the first at the flag of the cars with the most marks, by least
        elapsed time at the last (what ``elapsed`` measures every car against, at the mark it last passed)."""
        if not self.cars:
            return None
        flag = self._columns.flag_rank
        best = min(range(len(self.cars)), key=lambda i: (
            flag[i], -len(self.crossings[self.cars[i]]), self._elapsed_at_last(self.cars[i]), i))
        return self.cars[best]

    def _elapsed_at_last(self, car: str) -> float:
        passed = self.crossings[car]
        return float(passed[-1] - self.starts[car]) if len(passed) else np.inf

    def to_reference(self, car: str, marks: int) -> float:
        """The car's elapsed time at its `marks`-th mark less the reference's there (NaN if either has none)."""
        ref = self.reference_elapsed
        if not 0 < marks <= min(len(ref), len(self.crossings[car])):
            return np.nan
        return float((self.crossings[car][marks - 1] - self.starts[car]) - ref[marks - 1])

    @cached_property
    def reference_elapsed(self) -> np.ndarray:
        """The reference's elapsed time at each mark it passed."""
        car = self.reference
        return np.empty(0) if car is None else np.asarray(self.crossings[car], dtype=float) - self.starts[car]

    @cached_property
    def _columns(self) -> "_Columns":
        return _Columns.of(self)


_NUMBER = re.compile(r"(\d+)")


def natural_key(car: str) -> tuple:
    """Sorts car numbers as a reader does: "2" before "10", "23" before "23A"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in _NUMBER.split(car) if part)


def start_ranks(cars, start_order=()) -> np.ndarray:
    """Each car's place at the start (0 first), in the order of `cars`: the grid `start_order` where it names the
    car, then the others by number (:func:`natural_key`)."""
    grid = {car: k for k, car in enumerate(start_order)}
    order = sorted(cars, key=lambda car: (car not in grid, grid.get(car, 0), natural_key(car)))
    place = {car: k for k, car in enumerate(order)}
    return np.array([place[car] for car in cars], dtype=np.int64)


FEW_MOMENTS = 4  # up to this many moments, counting every car's passings at once beats one search per car


class _Columns(NamedTuple):
    """A Progress as arrays, one row per car in entry order, so that `ranking` ranks every car at every moment at
    once. Built once per Progress (it never changes); every value is the one the per-car fields give."""

    crossings: np.ndarray  # (cars, most marks + 1): passing times, padded with NaN (never <= any moment)
    passed: tuple[np.ndarray, ...]  # each car's passing times, as in Progress.crossings
    starts: np.ndarray
    end_time: np.ndarray  # when the car's race ended (+inf if it has no end)
    out_rank: np.ndarray  # its rank once its end puts it out of the race (0 if the end does not)
    flag_rank: np.ndarray  # its rank at the flag, from the results table's status

    @classmethod
    def of(cls, table: Progress) -> "_Columns":
        passed = tuple(np.asarray(table.crossings[car], dtype=float) for car in table.cars)
        crossings = np.full((len(passed), max(map(len, passed), default=0) + 1), np.nan)  # + 1: a car with no
        for row, times in zip(crossings, passed):  # passing still has a column to index
            row[: len(times)] = times
        return cls(crossings, passed, *_end_ranks(table))

    def marks_at(self, times: np.ndarray) -> np.ndarray:
        """(cars, moments): the marks each car had passed at each moment, as `searchsorted(..., side="right")`
        counts them (a NaN moment, after every passing, counts them all)."""
        if len(times) <= FEW_MOMENTS and not np.isnan(times).any():
            return (self.crossings[:, :, None] <= times).sum(axis=1)
        marks = [np.searchsorted(passed, times, side="right") for passed in self.passed]  # int64, as the sum above
        return np.array(marks, dtype=np.int64).reshape(len(self.passed), len(times))


def _end_ranks(table: Progress) -> tuple[np.ndarray, ...]:
    """Per car: its start, when its race ended, its rank once out (0 while running or finished) and at the flag, as
    `Progress.status_at` has them."""
    starts, end_time, out_rank, flag_rank = [], [], [], []
    held = {car: k / len(table.flag_order) for k, car in enumerate(table.flag_order)}  # in [0, 1): before the NC (1)
    for car in table.cars:
        end_t, kind = table.end.get(car, (np.inf, "finished"))
        at_flag = {"classified": "finished", "NC": "NC", "DSQ": "DSQ"}.get(table.table_status[car], "retired")
        starts.append(table.starts[car])
        end_time.append(end_t)
        out_rank.append(FLAG_RANK.get(kind, 2) if kind in OUT_KINDS else 0)
        flag_rank.append(held[car] if car in held and at_flag == "finished" else FLAG_RANK.get(at_flag, 2))
    return tuple(np.array(values, dtype=float) for values in (starts, end_time, out_rank, flag_rank))


_CLASS = re.compile(r"([A-Za-z]+)\s*-?\s*([0-9]+(?:\.[0-9]+)?)", re.ASCII)


def _class_key(name: str) -> tuple[str, float] | None:
    """("S", 2000.0) for "S2.0", "S-2000", "s 2.0" or "S2000": a class letter and the engine size in cc."""
    match = _CLASS.fullmatch(name.strip())
    if not match:
        return None
    size = float(match[2])
    return match[1].upper(), size * 1000 if size < 100 else size


def class_named(name: str, classes) -> str | None:
    """The class of `classes` that `name` names, as the tables write it or as the text does ("S-2000" is "S2.0")."""
    if name in classes:
        return name
    key = _class_key(name)
    return next((c for c in sorted(classes) if key is not None and _class_key(c) == key), None)


def _check_order(by: str) -> None:
    if by not in ORDERS:
        raise ValueError(f"by(={by!r}) must be one of {', '.join(ORDERS)}")


def standings_at(table: Progress, t: float, by: str = "distance") -> pd.DataFrame:
    """The standings at time t (seconds from the start) as a DataFrame with the declared columns."""
    order = table.order_at(t, by)
    leader_car, leader_laps = order[0][0], order[0][1]
    leader_cross = table.crossings[leader_car]
    rows, class_count = [], {}
    for pos, (car, laps, status, last) in enumerate(order, start=1):
        klass = table.classes[car]
        class_count[klass] = class_count.get(klass, 0) + 1
        if by == "elapsed":  # the difference of their gaps to the reference, each at its own last mark
            gap_s = float(table.to_reference(car, laps) - table.to_reference(leader_car, leader_laps))
        else:
            gap_s = float(last - leader_cross[laps - 1]) if 0 < laps <= len(leader_cross) else np.nan
        if gap_s < 0:  # the car passed its last mark before the leader did: behind in marks only (module docstring)
            gap_s = np.nan
        rows.append((pos, car, klass, table.makes[car], table.drivers[car], table.teams[car], laps, status, last,
                     leader_laps - laps, gap_s, float(table.course.distance_km(laps)), class_count[klass]))
    return Standings(pd.DataFrame(rows, columns=list(STANDINGS_COLUMNS)).astype(STANDINGS_COLUMNS))


def race_hours(table: Progress) -> range:
    """The race's own hours: 1 to the last (partly) run hour."""
    return range(1, math.ceil(table.duration_s / HOUR - 1e-9) + 1)


def hourly_standings(table: Progress, hours=None, by: str = "distance") -> pd.DataFrame:
    """Standings at the end of each race hour, stacked, with an `hour` column first."""
    frames = []
    for hour in race_hours(table) if hours is None else hours:
        frame = standings_at(table, min(hour * HOUR, table.duration_s), by)
        frame.insert(0, "hour", hour)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def positions_matrix(table: Progress, times: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Overall positions and marks of every car at each time: (cars, positions[car, t], laps[car, t]), as
    :meth:`Progress.ranking` orders them (vectorised for plots and Monte Carlo)."""
    order, laps, _ = table.ranking(times)
    positions = np.empty_like(laps)
    positions[order.T, np.arange(len(order))[None, :]] = np.arange(1, len(table.cars) + 1)[:, None]
    return list(table.cars), positions, laps


def hourly_positions(table: Progress, hours=None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Positions and laps of every car at the end of each hour, as arrays (the fast path for Monte Carlo)."""
    hours = race_hours(table) if hours is None else hours
    return positions_matrix(table, np.asarray(list(hours), dtype=float) * HOUR)
