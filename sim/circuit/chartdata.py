"""What the charts draw, as data: which cars, their positions over time, long stops, checkpoint marks, index series.

Pure functions of a replay (and of the checkpoint report); :mod:`sim.plots` draws them. Bad arguments raise
``ValueError`` naming the value.
"""

from __future__ import annotations

import numpy as np

from sim.circuit.claims import index_at
from sim.clock import HOUR
from sim.log import OUT_KINDS, EventKind
from sim.plots.style import CHECKPOINT_STYLES, LONG_STOP_S, race_times
from sim.standings import positions_matrix

DEFAULT_TOP = 10  # charts show the cars that were in the top 10 at the end of some hour


def select_cars(replay, top: int | None = None, car_class: str | None = None, cars=None) -> list[str]:
    """The cars a chart shows, in final order: `cars` as given, else the cars of `car_class` (all of them unless
    `top` is given), else the cars that were in the top `top` (default 10) at the end of any race hour.

    Raises ValueError for a car that did not start, an unknown class or a `top` below 1.
    """
    table = replay.table
    final = [row[0] for row in table.order_at(table.duration_s)]
    if cars is not None:
        unknown = [c for c in cars if c not in table.crossings]
        if unknown:
            raise ValueError(f"cars(={unknown!r}) did not start this race")
        wanted = {str(c) for c in cars}
        return [c for c in final if c in wanted]
    if top is not None and top < 1:
        raise ValueError(f"top(={top!r}) must be >= 1")
    classes = sorted(set(table.classes.values()))
    if car_class is not None and car_class not in classes:
        raise ValueError(f"car_class(={car_class!r}) is not a class of this race (classes: {', '.join(classes)})")
    pool = [c for c in final if car_class is None or table.classes[c] == car_class]
    if car_class is not None and top is None:
        return pool
    hours = np.arange(1, int(table.duration_s // HOUR) + 1) * HOUR
    all_cars, positions, _ = positions_matrix(table, hours)
    best = dict(zip(all_cars, positions.min(axis=1)))
    return [c for c in pool if best[c] <= (top or DEFAULT_TOP)]


def long_stops(replay, min_seconds: float = LONG_STOP_S) -> dict[str, list[tuple[float, float]]]:
    """Per car, the (start, end) seconds of every pit stop or on-track delay lasting at least `min_seconds`."""
    out: dict[str, list[tuple[float, float]]] = {}
    pit_in: dict[str, float] = {}
    for e in replay.log:
        if e.kind == EventKind.PIT_IN:
            pit_in[e.car] = float(e.time)
        elif e.kind == EventKind.PIT_OUT and e.car in pit_in:
            start = pit_in.pop(e.car)
            if e.time - start >= min_seconds:
                out.setdefault(e.car, []).append((start, float(e.time)))
        elif e.kind == EventKind.DELAY and e.seconds >= min_seconds:
            out.setdefault(e.car, []).append((float(e.time), float(e.time) + e.seconds))
    return out


def out_time(table, car: str) -> float:
    """When the car left the race (retired or disqualified), or inf."""
    end_t, kind = table.end.get(car, (np.inf, "finished"))
    return float(end_t) if kind in OUT_KINDS else np.inf


def positions_start(table) -> float:
    """Positions mean something once every car still running has crossed the line once."""
    return float(max((c[0] for c in table.crossings.values() if len(c)), default=0.0))


def position_series(replay) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Sample times (with the moment just before each car left the race) and every car's position at them."""
    table = replay.table
    ends = [out_time(table, c) - 1.0 for c in table.cars]
    first_lap = positions_start(table)
    times = race_times(table.duration_s, extra=[e for e in ends if np.isfinite(e)] + [first_lap])
    times = times[times >= first_lap]
    cars, positions, _ = positions_matrix(table, times)
    return times, dict(zip(cars, positions))


def position_at(replay, car: str, t: float) -> int:
    cars, positions, _ = positions_matrix(replay.table, np.array([t]))
    return int(positions[cars.index(car), 0])


RACE_WIDE_ROW = 0  # the row above P1 where checkpoints about no one car are drawn


def checkpoint_marks(replay, report, cars) -> list[dict]:
    """Where the position chart draws each checkpoint: one dict (id, status, car, time_s, position) per mark.

    A checkpoint is drawn when it has a time, a drawable status (pass, fail, conflict, fitted) and marks a shown car:
    at its published position, or at the car's replay position when the claim gives none (not before its first lap).
    """
    shown = set(cars)
    out = []
    for cp in report["checkpoints"]:
        if cp["status"] not in CHECKPOINT_STYLES or cp["time_s"] is None:
            continue
        if not cp["marks"]:  # a race-wide statement (a time, a share, a pit total): drawn in the strip above P1
            out.append({"id": cp["id"], "status": cp["status"], "car": None, "time_s": float(cp["time_s"]),
                        "position": RACE_WIDE_ROW})
            continue
        for car, published in cp["marks"]:
            if car not in shown:
                continue
            t = float(cp["time_s"])
            if published is None:  # on the car's line: not before its first lap, not after it left the race
                t = min(max(t, positions_start(replay.table)), out_time(replay.table, car) - 1.0)
                published = position_at(replay, car, t)
            out.append({"id": cp["id"], "status": cp["status"], "car": car, "time_s": t, "position": int(published)})
    return out


def fractional_laps(table, car: str, times: np.ndarray) -> np.ndarray:
    c = table.crossings[car]
    return np.interp(times, np.concatenate([[0.0], c]), np.arange(len(c) + 1.0))


def index_series(replay, car: str, from_s: float) -> tuple[np.ndarray, np.ndarray] | None:
    """A car's index at each of its lap crossings after `from_s`, and at the flag; None without a target."""
    table, facts = replay.table, replay.facts
    crossings = table.crossings[car]
    laps = np.arange(1, len(crossings) + 1)
    keep = crossings >= from_s
    times = np.append(crossings[keep], table.duration_s)
    laps = np.append(laps[keep], table.laps_at(car, table.duration_s))
    scores = [index_at(replay.race, car, int(n), float(t), facts.duration_s, facts.lap_length_km)
              for n, t in zip(laps, times)]
    if scores[-1] is None:
        return None
    return times, np.array(scores, dtype=float)


def changed_cars(real, whatif) -> list[str]:
    """The cars whose laps or status at the flag differ between two replays, in what-if order."""
    a = {row[0]: (row[1], row[2]) for row in real.table.order_at(real.table.duration_s)}
    return [row[0] for row in whatif.table.order_at(whatif.table.duration_s) if a.get(row[0]) != (row[1], row[2])]


def comparison_cars(real, whatif) -> list[str]:
    """The cars whose result changed (:func:`changed_cars`), then the top 6 of either replay, in what-if order."""
    order = [row[0] for row in whatif.table.order_at(whatif.table.duration_s)]
    top = set(order[:6]) | {row[0] for row in real.table.order_at(real.table.duration_s)[:6]}
    changed = changed_cars(real, whatif)
    return changed + [c for c in order if c in top and c not in changed]
