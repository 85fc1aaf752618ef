"""Standings at any instant: a pure function of the event log.

Order: cars still in the race (running, or stopped on the circuit but not retired) by laps completed, then by who
crossed the line first; then cars out of the race by their final laps. Gaps are to the leader, in laps and in time
(the time between the leader and the car completing the car's current lap).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.clock import HOUR

OUT_KINDS = ("retired", "disqualified")  # end-of-race events after which a car is out
FLAG_RANK = {"finished": 0, "running": 0, "NC": 1, "retired": 2, "disqualified": 2, "DSQ": 2}
STANDINGS_COLUMNS = {
    "position": "int64", "car": "string", "class": "string", "make": "string", "laps": "int64",
    "status": "string", "last_crossing_s": "float64", "gap_laps": "int64", "gap_s": "float64",
    "distance_km": "float64", "class_position": "int64",
}


@dataclass(frozen=True)
class LapTable:
    """Per car: the crossing times of its laps and how its race ended; built once from the log."""

    cars: tuple[str, ...]
    crossings: dict[str, np.ndarray]
    end: dict[str, tuple[float, str]]  # car -> (time, kind)
    classes: dict[str, str]
    makes: dict[str, str]
    table_status: dict[str, str]
    duration_s: float
    lap_length_km: float

    @classmethod
    def from_log(cls, log, plan) -> "LapTable":
        """Build from an event log: an :class:`~sim.circuit.engine.EventLog` (its lap columns) or any iterable of Events."""
        ends = ("finished", "retired", "stopped", "disqualified")
        if hasattr(log, "laps") and hasattr(log, "others"):
            crossings = {c.number: log.laps.get(c.number, np.empty(0)) for c in plan.cars}
            others = log.others
        else:
            lists: dict[str, list[float]] = {c.number: [] for c in plan.cars}
            for time, car, kind, *_ in log:
                if kind == "lap":
                    lists[car].append(time)
            crossings = {k: np.asarray(v) for k, v in lists.items()}
            others = log
        end = {e[1]: (e[0], e[2]) for e in others if e[2] in ends}
        return cls(
            cars=tuple(c.number for c in plan.cars),
            crossings=crossings,
            end=end,
            classes={c.number: c.car_class for c in plan.cars},
            makes={c.number: c.make for c in plan.cars},
            table_status={c.number: c.status for c in plan.cars},
            duration_s=plan.facts.duration_s,
            lap_length_km=plan.facts.lap_length_km,
        )

    def laps_at(self, car: str, t: float) -> int:
        return int(np.searchsorted(self.crossings[car], t, side="right"))

    def status_at(self, car: str, t: float) -> str:
        end_t, kind = self.end.get(car, (np.inf, "finished"))
        if t >= self.duration_s:
            return {"classified": "finished", "NC": "NC", "DSQ": "DSQ"}.get(self.table_status[car], "retired")
        if t >= end_t and kind in OUT_KINDS:
            return kind
        return "running"

    def order_at(self, t: float) -> list[tuple[str, int, str, float]]:
        """[(car, laps, status, last crossing)] in race order at time t (seconds from the start)."""
        rows = []
        for index, car in enumerate(self.cars):
            n = self.laps_at(car, t)
            last = float(self.crossings[car][n - 1]) if n else 0.0
            status = self.status_at(car, t)
            # at the flag the classification puts the unclassified finisher (NC) after the classified ones
            out = FLAG_RANK.get(status, 0 if status == "running" else 2)
            rows.append((out, -n, last, index, car, status))  # equal laps and time (the start): the entry order
        rows.sort()
        return [(car, -neg, status, last) for out, neg, last, index, car, status in rows]


def standings_at(table: LapTable, t: float) -> pd.DataFrame:
    """The standings at time t (seconds from the start) as a DataFrame with the declared columns."""
    order = table.order_at(t)
    leader_car, leader_laps = order[0][0], order[0][1]
    leader_cross = table.crossings[leader_car]
    rows, class_count = [], {}
    for pos, (car, laps, status, last) in enumerate(order, start=1):
        klass = table.classes[car]
        class_count[klass] = class_count.get(klass, 0) + 1
        gap_s = float(last - leader_cross[laps - 1]) if 0 < laps <= len(leader_cross) else np.nan
        rows.append((pos, car, klass, table.makes[car], laps, status, last, leader_laps - laps, gap_s,
                     laps * table.lap_length_km, class_count[klass]))
    frame = pd.DataFrame(rows, columns=list(STANDINGS_COLUMNS))
    return frame.astype(STANDINGS_COLUMNS)


def hourly_standings(table: LapTable, hours=range(1, 25)) -> pd.DataFrame:
    """Standings at the end of each race hour, stacked, with an `hour` column first."""
    frames = []
    for hour in hours:
        frame = standings_at(table, hour * HOUR)
        frame.insert(0, "hour", hour)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def positions_matrix(table: LapTable, times: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Overall positions and laps of every car at each time: (cars, positions[car, t], laps[car, t]).

    Vectorised for plots and Monte Carlo: laps by searchsorted, order by (out, -laps, last crossing).
    """
    cars = list(table.cars)
    n, m = len(cars), len(times)
    laps = np.zeros((n, m), dtype=np.int64)
    last = np.zeros((n, m))
    out = np.zeros((n, m), dtype=np.int64)
    for i, car in enumerate(cars):
        c = table.crossings[car]
        k = np.searchsorted(c, times, side="right")
        laps[i] = k
        last[i] = np.where(k > 0, c[np.maximum(k - 1, 0)] if len(c) else 0.0, 0.0)
        end_t, kind = table.end.get(car, (np.inf, "finished"))
        if kind in OUT_KINDS:
            out[i] = times >= end_t
        # at the flag, the same ranking as LapTable.order_at: classified, then NC, then the rest
        flag = times >= table.duration_s
        out[i] = np.where(flag, FLAG_RANK.get(table.status_at(car, table.duration_s), 2), out[i])
    keys = np.lexsort((np.arange(n)[:, None].repeat(m, axis=1), last, -laps, out), axis=0)  # primary key last
    positions = np.empty((n, m), dtype=np.int64)
    positions[keys, np.arange(m)[None, :]] = np.arange(1, n + 1)[:, None]
    return cars, positions, laps


def hourly_positions(table: LapTable, hours=range(1, 25)) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Positions and laps of every car at the end of each hour, as arrays (the fast path for Monte Carlo)."""
    return positions_matrix(table, np.asarray(list(hours), dtype=float) * HOUR)
