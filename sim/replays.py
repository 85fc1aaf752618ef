"""A replayed race, whatever its kind: its sources, plan, calibration, event log and the timing read from it.

The kind's part (its order, what a car's marks count, its claims, the moments it names) comes in as data, a
:class:`ReplayKind` the registry (:mod:`sim.kinds`) hands over, so this module knows no kind.

>>> replay.standings(at="21:00").head()          # doctest: +SKIP
>>> replay.laps(car=["3", "15"])                 # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import numpy as np
import pandas as pd

from sim.checkpoints import CheckResult, Claims, check
from sim.clock import HOUR, clock_label, parse_clock
from sim.errors import RaceReplayError
from sim.log import EVENT_DTYPES, EventKind, EventLog
from sim.records import Race
from sim.standings import Progress, class_named, hourly_standings, positions_matrix, standings_at

DEFAULT_SEED = 1957  # the seed of the lap-time scatter when none is given
LAP_DTYPES = {
    "car": "string", "driver": "string", "lap": "int64", "lap_time": "timedelta64[ns]", "time": "timedelta64[ns]",
    "clock": "datetime64[ns]", "position": "int64", "pit_in": "bool", "pit_out": "bool", "distance_km": "float64",
}
# ASCII digits only: float() also reads other scripts' digits ("١٢" is 12) and "nan", "inf", "1e3"
_HOUR = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")
_CLOCK = re.compile(r"[0-9]{1,2}:[0-9]{2}")


class Facts(Protocol):
    """What every kind's facts give a replay: when it starts and lasts, what was published and what conflicts."""

    start: datetime
    duration_s: float
    checkpoints: tuple
    conflicts: tuple


class Plan(Protocol):
    """What every kind's plan gives: its cars (each with a number), in the order of the results table, and the
    classified order the table imposes at the flag (its cars' numbers, where that order is not the marks' order: a
    penalty, or a typo); empty where the marks decide."""

    cars: tuple
    flag_order: tuple[str, ...]


class Calibration(Protocol):
    """What every kind's calibration gives: its seed, each car's pace and how each car's end was placed."""

    seed: int
    paces: dict
    ends: dict


def _no_named_standings(replay: Replay, name: str) -> pd.DataFrame | None:
    return None


@dataclass(frozen=True)
class ReplayKind:
    """What a replay needs from its race's kind: handed over by the registry, so a replay knows no kind by name."""

    name: str
    unit: str  # what a car's marks count: "laps" or "controls"
    orders: tuple[str, ...]  # the orders standings can take (sim.standings.ORDERS), the one deciding the race first
    claims: Claims  # how each kind of published statement is judged
    simulate: Callable  # (plan, calibration, paces) -> (event log, each car's run)
    named_standings: Callable[[Replay, str], pd.DataFrame | None] = _no_named_standings  # a moment by name: a control
    moment_names: Callable[[Replay], tuple[str, ...]] = lambda replay: ()  # those names, for an error message

    @property
    def order(self) -> str:
        return self.orders[0]


def _duration_text(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h" + (f" {minutes:02d} min" if minutes else "")


def _cars(car) -> set[str] | None:
    if car is None:
        return None
    cars = [car] if isinstance(car, str) else list(car)
    if not all(isinstance(c, str) for c in cars):
        raise RaceReplayError("must be a car number as text or a list of them", key="car", value=car)
    return set(cars)


@dataclass(frozen=True, repr=False)
class Replay:
    """A replayed race: its sources, plan, calibration, event log and the timing read from it.

    ``standings``, ``events``, ``laps`` (a circuit) or ``controls`` (a time trial) and ``checkpoints`` give
    DataFrames with declared dtypes.
    """

    race: Race
    facts: Facts
    plan: Plan
    calibration: Calibration
    log: EventLog
    table: Progress
    kind: ReplayKind
    runs: dict = field(default_factory=dict)
    label: str = "real race"

    def __repr__(self) -> str:
        final = self.table.order_at(self.facts.duration_s, self.kind.order)
        winner = f"car {final[0][0]} ({final[0][1]} {self.kind.unit})" if final else "no car"
        return (f"<Replay {self.race.id} ({self.label}), seed {self.calibration.seed}: {len(self.plan.cars)} cars, "
                f"{_duration_text(self.facts.duration_s)}, winner {winner}, {len(self.log)} events>")

    def _repr_html_(self) -> str:
        top = self.standings(seconds=self.facts.duration_s).head(10)  # in the race kind's own order
        columns = ["position", "car", "class", "make", "drivers", "laps", "status"]
        return (f"<p><b>{self.race.title}</b>: {self.label}, seed {self.calibration.seed}, {len(self.plan.cars)} "
                f"cars; the top ten at the flag:</p>" + top[columns].to_html(index=False))

    def moment(self, at) -> float:
        """Seconds from the start for `at`: a clock time "HH:MM" (the start's time of day is the flag of a race of
        whole days), a race hour (a number, or its text "12.5"), a timedelta from the start or a datetime.
        RaceReplayError if it is none of these or outside the race."""
        if isinstance(at, timedelta):
            seconds = at.total_seconds()
        elif isinstance(at, datetime):
            seconds = (at - self.facts.start).total_seconds()
        elif isinstance(at, str):
            seconds = self._text_moment(at)
        elif isinstance(at, (int, float, np.integer, np.floating)) and not isinstance(at, bool):
            seconds = float(at) * HOUR
        else:
            raise RaceReplayError("is not a clock time, a race hour, a timedelta or a datetime", key="at", value=at)
        if not 0 <= seconds <= self.facts.duration_s:
            raise RaceReplayError(f"is outside the race (0 to {self.facts.duration_s / HOUR:g} hours)", key="at",
                                  value=at)
        return seconds

    def _text_moment(self, text: str) -> float:
        if _HOUR.fullmatch(text):
            return float(text) * HOUR
        if not _CLOCK.fullmatch(text):
            names = self.kind.moment_names(self)
            named = f", a {self.kind.unit[:-1]} ({', '.join(names)})" if names else ""
            raise RaceReplayError(f"is not a race hour (0-{self.facts.duration_s / HOUR:g}){named} or a clock time "
                                  "HH:MM", key="at", value=text)
        try:
            seconds = parse_clock(text, self.facts.start)
        except ValueError:
            raise RaceReplayError("is not a clock time HH:MM", key="at", value=text) from None
        whole_days = self.facts.duration_s % (24 * HOUR) == 0
        return self.facts.duration_s if seconds == 0 and whole_days else seconds

    def standings(self, at=None, *, by: str | None = None, hour: float | None = None,
                  seconds: float | None = None) -> pd.DataFrame:
        """Standings at a moment: `at` (see :meth:`moment`; a time trial also takes a control's name, "Roma"), a
        race `hour` or `seconds` from the start; the start if none is given. `by` orders the cars (the kind's
        orders, see :mod:`sim.standings`); by default the order that decides the race."""
        by = by or self.kind.order
        if by not in self.kind.orders:
            raise RaceReplayError(f"is not an order of a {self.kind.name} race ({', '.join(self.kind.orders)})",
                                  key="by", value=by)
        if isinstance(at, str) and seconds is None:
            named = self.kind.named_standings(self, at)
            if named is not None:
                return named
        if seconds is None:
            seconds = self.moment(at if at is not None else (hour or 0.0))
        return standings_at(self.table, seconds, by)

    def car_class(self, name: str) -> str:
        """The class a name means, in the tables' spelling or the text's ("S-2000", "s2.0" are "S2.0")."""
        classes = set(self.table.classes.values())
        found = class_named(name, classes)
        if found is None:
            raise RaceReplayError(f"is not a class of this race ({', '.join(sorted(classes))})", key="class",
                                  value=name)
        return found

    def hourly(self) -> pd.DataFrame:
        return hourly_standings(self.table)

    def events_frame(self) -> pd.DataFrame:
        """The event log as written to events.csv: seconds from the start and the clock time as text."""
        frame = self._event_table()
        frame.insert(1, "clock", [clock_label(t, self.facts.start, with_seconds=True) for t in frame["time"]])
        return frame

    def events(self, car=None, kind=None) -> pd.DataFrame:
        """Every event (or a car's, or several cars' as a list; of one kind or a list of kinds, an
        :class:`~sim.log.EventKind` or its name such as "pit_in"), with `time` from the start as a timedelta and
        `clock` as a datetime."""
        frame = self._event_table()
        cars, kinds = _cars(car), self._event_kinds(kind)
        if cars is not None:
            frame = frame[frame["car"].isin(cars)]
        if kinds is not None:
            frame = frame[frame["kind"].isin(kinds)]
        frame = frame.reset_index(drop=True)
        frame["time"] = pd.to_timedelta(frame["time"], unit="s")
        frame.insert(1, "clock", pd.Timestamp(self.facts.start) + frame["time"])
        return frame

    @staticmethod
    def _event_kinds(kind) -> set[str] | None:
        if kind is None:
            return None
        names = {k.value for k in EventKind}
        wanted = {k.value if isinstance(k, EventKind) else k for k in ([kind] if isinstance(kind, (str, EventKind))
                                                                       else kind)}
        unknown = sorted(str(k) for k in wanted - names)
        if unknown:
            raise RaceReplayError(f"is not a kind of event ({', '.join(sorted(names))})", key="kind", value=unknown[0])
        return wanted

    def _event_table(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.log), columns=list(EVENT_DTYPES)).astype(EVENT_DTYPES)

    def laps(self, car=None) -> pd.DataFrame:
        """One row per lap completed (a car's, or several cars' as a list): car, driver, lap, lap time, when,
        position as it crossed, pit in/out. A time trial has controls, not laps: see :meth:`controls`."""
        self._counts("laps")
        return _marks_frame(self, _cars(car))

    def controls(self, car=None) -> pd.DataFrame:
        """One row per control a car passed (a car's, or several cars' as a list): the control, the time since the
        last one, when, and the position on the road as it passed. A circuit has laps: see :meth:`laps`."""
        self._counts("controls")
        frame = _marks_frame(self, _cars(car)).rename(columns={"lap": "control_index", "lap_time": "split"})
        frame.insert(3, "control", pd.array([self.log.course.mark_names[k - 1] for k in frame["control_index"]],
                                            dtype="string"))
        return frame.drop(columns=["pit_in", "pit_out"])

    def _counts(self, unit: str) -> None:
        if self.kind.unit != unit:
            raise RaceReplayError(f"a {self.kind.name} race counts {self.kind.unit}, not {unit}: use "
                                  f"{self.kind.unit}()", key="replay", value=self.race.id)

    def checkpoints(self) -> pd.DataFrame:
        """Every published checkpoint with the replay's value and its status."""
        columns = [name for name in CheckResult.__dataclass_fields__ if name != "marks"]
        return pd.DataFrame(check(self)["checkpoints"], columns=[*columns, "marks"])[columns]

    def clock(self, seconds: float) -> str:
        return clock_label(seconds, self.facts.start)


def replay_of(kind: ReplayKind, race: Race, facts, plan, calibration, label: str = "real race",
              paces: dict | None = None) -> Replay:
    """Run the replay of a plan with a calibration's paces (or the `paces` given, for a what-if)."""
    log, runs = kind.simulate(plan, calibration, paces)
    return Replay(race, facts, plan, calibration, log, Progress.from_log(log, plan), kind, runs, label)


def _marks_frame(replay: Replay, cars: set[str] | None = None) -> pd.DataFrame:
    table, rows = replay.table, []
    stops = {(e.car, e.mark, e.kind) for e in replay.log.others if e.kind in (EventKind.PIT_IN, EventKind.PIT_OUT)}
    for car in table.cars:
        if cars is not None and car not in cars:
            continue
        times = table.crossings[car]
        drivers = replay.log.drivers.get(car) or [(1, "")]
        firsts = [first for first, _ in drivers]
        for lap, t in enumerate(times.tolist(), start=1):
            driver = drivers[int(np.searchsorted(firsts, lap, side="right")) - 1][1]
            rows.append((car, driver, lap, t - (times[lap - 2] if lap > 1 else table.starts[car]), t,
                         (car, lap, EventKind.PIT_IN) in stops, (car, lap - 1, EventKind.PIT_OUT) in stops))
    frame = pd.DataFrame(rows, columns=["car", "driver", "lap", "lap_time", "time", "pit_in", "pit_out"])
    frame["position"] = _positions_as_crossed(replay, frame)
    frame["distance_km"] = table.course.distance_km(frame["lap"].to_numpy())
    frame["lap_time"] = pd.to_timedelta(frame["lap_time"], unit="s")
    frame["time"] = pd.to_timedelta(frame["time"], unit="s")
    frame["clock"] = pd.Timestamp(replay.facts.start) + frame["time"]
    return frame[list(LAP_DTYPES)].astype(LAP_DTYPES)


def _positions_as_crossed(replay: Replay, frame: pd.DataFrame) -> np.ndarray:
    if frame.empty:
        return np.zeros(0, dtype=int)
    times = frame["time"].to_numpy(dtype=float)
    unique, index = np.unique(times, return_inverse=True)
    all_cars, positions, _ = positions_matrix(replay.table, unique)
    row = {car: i for i, car in enumerate(all_cars)}
    return positions[frame["car"].map(row).to_numpy(), index]
