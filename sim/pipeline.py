"""The pipeline in one call: source document -> race facts -> plan -> calibration -> SimPy replay -> event log.

The race's kind (:mod:`sim.kinds`) chooses the functions of each step. Calibration, the slow step, is cached in
memory and on disk (:mod:`sim.cache`), keyed by the race files' content, the seed and the code.

>>> replay = run_replay(race_id)          # doctest: +SKIP
>>> replay.standings(at="21:00").head()          # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from sim import cache, kinds
from sim.circuit.calibrate import DEFAULT_SEED, Calibration
from sim.circuit.plan import RacePlan
from sim.clock import HOUR, clock_label, parse_clock
from sim.errors import RaceReplayError
from sim.facts import RaceFacts
from sim.log import EVENT_DTYPES, EventKind, EventLog
from sim.records import Race
from sim.standings import ORDERS, Progress, class_named, hourly_standings, race_hours, standings_at

LAP_DTYPES = {
    "car": "string", "driver": "string", "lap": "int64", "lap_time": "timedelta64[ns]", "time": "timedelta64[ns]",
    "clock": "datetime64[ns]", "position": "int64", "pit_in": "bool", "pit_out": "bool", "distance_km": "float64",
}


@dataclass(frozen=True, repr=False)
class Replay:
    """A replayed race: its sources, plan, calibration, event log and the timing read from it.

    ``standings``, ``events``, ``laps`` and ``checkpoints`` give DataFrames with declared dtypes.
    """

    race: Race
    facts: RaceFacts
    plan: RacePlan
    calibration: Calibration
    log: EventLog
    table: Progress
    runs: dict = field(default_factory=dict)
    label: str = "real race"

    def __repr__(self) -> str:
        kind = kinds.kind_of(self.race)
        final = self.table.order_at(self.facts.duration_s, kind.order)
        winner = f"car {final[0][0]} ({final[0][1]} {kind.unit})" if final else "no car"
        return (f"<Replay {self.race.id} ({self.label}), seed {self.calibration.seed}: {len(self.plan.cars)} cars, "
                f"{self.facts.duration_s / HOUR:g} h, winner {winner}, {len(self.log)} events>")

    def _repr_html_(self) -> str:
        top = self.standings(seconds=self.facts.duration_s).head(10)  # in the race kind's own order
        columns = ["position", "car", "class", "make", "drivers", "laps", "status"]
        return (f"<p><b>{self.race.title}</b>: {self.label}, seed {self.calibration.seed}, {len(self.plan.cars)} "
                f"cars; the top ten at the flag:</p>" + top[columns].to_html(index=False))

    def moment(self, at) -> float:
        """Seconds from the start for `at`: a clock time "HH:MM" (the start's time of day is the flag of a race of
        whole days), a race hour (a number), a timedelta from the start or a datetime. RaceReplayError if outside."""
        if isinstance(at, timedelta):
            seconds = at.total_seconds()
        elif isinstance(at, datetime):
            seconds = (at - self.facts.start).total_seconds()
        elif isinstance(at, str):
            seconds = self._clock_moment(at)
        elif isinstance(at, (int, float, np.integer, np.floating)) and not isinstance(at, bool):
            seconds = float(at) * HOUR
        else:
            raise RaceReplayError("is not a clock time, a race hour, a timedelta or a datetime", key="at", value=at)
        if not 0 <= seconds <= self.facts.duration_s:
            raise RaceReplayError(f"is outside the race (0 to {self.facts.duration_s / HOUR:g} hours)", key="at",
                                  value=at)
        return seconds

    def _clock_moment(self, text: str) -> float:
        try:
            seconds = parse_clock(text, self.facts.start)
        except ValueError:
            raise RaceReplayError("is not a clock time HH:MM", key="at", value=text) from None
        whole_days = self.facts.duration_s % (24 * HOUR) == 0
        return self.facts.duration_s if seconds == 0 and whole_days else seconds

    def standings(self, at=None, *, by: str | None = None, hour: float | None = None,
                  seconds: float | None = None) -> pd.DataFrame:
        """Standings at a moment: `at` (see :meth:`moment`), a race `hour` or `seconds` from the start; the start if
        none is given. `by` orders the cars (see :mod:`sim.standings`); by default the race kind's own order."""
        by = by or kinds.kind_of(self.race).order
        if by not in ORDERS:
            raise RaceReplayError(f"is not an order ({', '.join(ORDERS)})", key="by", value=by)
        if seconds is None:
            seconds = self.moment(at if at is not None else (hour or 0.0))
        return standings_at(self.table, seconds, by)

    def car_class(self, name: str) -> str:
        """The class a name means, in the tables' spelling or the text's ("S-2000", "s2.0" are "S2.0")."""
        classes = set(self.table.classes.values())
        found = class_named(name, classes)
        if found is None:
            raise RaceReplayError(f"is not a class of this race ({', '.join(sorted(classes))})", key="class", value=name)
        return found

    def hourly(self) -> pd.DataFrame:
        return hourly_standings(self.table)

    def events_frame(self) -> pd.DataFrame:
        """The event log as written to events.csv: seconds from the start and the clock time as text."""
        frame = self._event_table()
        frame.insert(1, "clock", [clock_label(t, self.facts.start, with_seconds=True) for t in frame["time"]])
        return frame

    def events(self) -> pd.DataFrame:
        """Every event, with `time` from the start as a timedelta and `clock` as a datetime."""
        frame = self._event_table()
        frame["time"] = pd.to_timedelta(frame["time"], unit="s")
        frame.insert(1, "clock", pd.Timestamp(self.facts.start) + frame["time"])
        return frame

    def _event_table(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.log), columns=list(EVENT_DTYPES)).astype(EVENT_DTYPES)

    def laps(self) -> pd.DataFrame:
        """One row per lap completed: car, driver, lap, lap time, when, position as it crossed, pit in/out."""
        return _laps_frame(self)

    def checkpoints(self) -> pd.DataFrame:
        """Every published checkpoint with the replay's value and its status."""
        from sim.checkpoints import CheckResult, check

        columns = [name for name in CheckResult.__dataclass_fields__ if name != "marks"]
        return pd.DataFrame(check(self)["checkpoints"], columns=[*columns, "marks"])[columns]

    def clock(self, seconds: float) -> str:
        return clock_label(seconds, self.facts.start)


def _laps_frame(replay: Replay) -> pd.DataFrame:
    table, rows = replay.table, []
    stops = {(e.car, e.mark, e.kind) for e in replay.log.others if e.kind in (EventKind.PIT_IN, EventKind.PIT_OUT)}
    for car in table.cars:
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
    from sim.standings import positions_matrix

    times = frame["time"].to_numpy(dtype=float)
    unique, index = np.unique(times, return_inverse=True)
    cars, positions, _ = positions_matrix(replay.table, unique)
    row = {car: i for i, car in enumerate(cars)}
    return positions[frame["car"].map(row).to_numpy(), index]


def _seed_text(race: Race) -> str:
    return Path(race.source_file).read_text(encoding="utf-8")


_CALIBRATED: dict[str, tuple] = {}  # cache key -> (plan, calibration): this process's calibrations, by content
_KEEP = 16


def prepare(race_id: str, seed: int = DEFAULT_SEED, use_cache: bool = True) -> tuple[Race, RaceFacts, RacePlan, Calibration]:
    """Parse, load the facts, plan and calibrate, through the race's kind.

    Calibrations are kept in memory and on disk (:mod:`sim.cache`) under a key of the race files' content, the seed
    and the code, so an edited file is recalibrated; ``use_cache=False`` (or ``RACE_REPLAY_NO_CACHE=1``) always
    recalibrates.
    """
    from sim.sources import load_race

    race = load_race(race_id)
    kind = kinds.replay_kind(race)
    facts = kind.facts(race, _seed_text(race))
    key = cache.key(race, facts, seed)
    use_cache = use_cache and cache.enabled()
    found = (_CALIBRATED.get(key) or cache.load(key)) if use_cache else None
    if found is None:
        found = kind.prepare(race, facts, seed)
        if use_cache:
            cache.store(key, found)
    if len(_CALIBRATED) >= _KEEP:
        _CALIBRATED.pop(next(iter(_CALIBRATED)))
    _CALIBRATED[key] = found
    return race, facts, *found


def forget_calibrations() -> None:
    """Drop this process's calibrations (the disk cache stays): the next replay reads it, as a new process would."""
    _CALIBRATED.clear()


def replay_plan(race: Race, facts: RaceFacts, plan: RacePlan, calibration: Calibration, label: str = "real race",
                paces: dict | None = None) -> Replay:
    """Run the replay of a plan with a calibration's paces (or the `paces` given, for a what-if)."""
    log, runs = kinds.replay_kind(race).simulate(plan, calibration, paces)
    return Replay(race, facts, plan, calibration, log, Progress.from_log(log, plan), runs, label)


def run_replay(race: str | Path, seed: int | None = None, use_cache: bool = True) -> Replay:
    """Replay a race (a race id or the path of a document) as the sources tell it."""
    race_id, seed = str(race), DEFAULT_SEED if seed is None else seed
    parsed, facts, plan, calibration = prepare(race_id, seed, use_cache)
    return replay_plan(parsed, facts, plan, calibration)
