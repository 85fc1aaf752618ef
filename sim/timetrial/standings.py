"""A time trial's standings: at each control, and at any clock time.

* At a control: the cars that passed it, ordered by their elapsed time there (the order that decides the race),
  with the gap to the leader and the road position (the order in which they passed it on the clock).
* At a clock time: the provisional order (by elapsed time at the last control each car passed, measured against
  the eventual winner's time at that control, :func:`sim.standings.standings_at` with ``by="elapsed"``) and the
  road order (who is physically ahead, by km on the route).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.standings import standings_at

CONTROL_COLUMNS = {
    "control": "string", "km": "float64", "position": "int64", "car": "string", "class": "string", "make": "string",
    "drivers": "string", "elapsed_s": "float64", "gap_s": "float64", "clock_s": "float64", "road_position": "int64",
    "status": "string", "published_position": "Int64", "gap_to_winner_s": "float64",
}


def _rows_at_mark(replay, k: int) -> list[tuple]:
    table, order = replay.table, {c.number: i for i, c in enumerate(replay.plan.cars)}
    passed = [(float(table.crossings[car][k] - table.starts[car]), order[car], car, float(table.crossings[car][k]))
              for car in table.cars if len(table.crossings[car]) > k]
    passed.sort()
    road = {car: i for i, (_, _, car, _) in enumerate(sorted(passed, key=lambda r: (r[3], r[1])), start=1)}
    return [(elapsed, car, clock, road[car]) for elapsed, _, car, clock in passed]


def control_standings(replay) -> pd.DataFrame:
    """One row per car per control it passed: the control's order by elapsed time, in route order."""
    course, table = replay.log.course, replay.table
    last = len(course.marks_km) - 1
    winner = eventual_winner(replay)
    rows = []
    for k, (name, km) in enumerate(zip(course.mark_names, course.marks_km)):
        ranked = _rows_at_mark(replay, k)
        lead = ranked[0][0] if ranked else np.nan
        crossings = table.crossings[winner] if winner else []
        reference = float(crossings[k] - table.starts[winner]) if len(crossings) > k else np.nan
        for pos, (elapsed, car, clock, road) in enumerate(ranked, start=1):
            plan = replay.plan.car(car)
            rows.append((name, km, pos, car, table.classes[car], table.makes[car], table.drivers[car], elapsed,
                         elapsed - lead, clock, road, "finished" if k == last else "running",
                         plan.position if k == last else None, elapsed - reference))
    return pd.DataFrame(rows, columns=list(CONTROL_COLUMNS)).astype(CONTROL_COLUMNS)


def eventual_winner(replay) -> str | None:
    """The car with the shortest elapsed time at the finish: the reference of every gap "to the winner"."""
    last = len(replay.log.course.marks_km) - 1
    ranked = _rows_at_mark(replay, last)
    return ranked[0][1] if ranked else None


def featured(replay, top: int = 10) -> list[str]:
    """The top `top` at the finish and every car that led at a control, in finishing order then the others."""
    frame = control_standings(replay)
    final = frame[frame.control == frame.control.iloc[-1]]
    cars = list(final.car[:top])
    leaders = frame[frame.position == 1].car
    return cars + [c for c in dict.fromkeys(leaders) if c not in cars]


def _name(replay, car: str) -> str:
    first = replay.table.drivers[car].split(" / ")[0].split()
    return " ".join(first[1:] or first)


def leaders_data(replay, top: int = 3) -> list[dict]:
    """Who led where: at each control the first `top` by elapsed time, each with its gap to the eventual winner."""
    frame = control_standings(replay)
    winner = eventual_winner(replay)
    out = []
    for name, group in frame.groupby("control", sort=False):
        mine = group[group.car == winner]
        out.append({"control": name, "km": float(group.km.iloc[0]), "elapsed": _hms(float(group.elapsed_s.iloc[0])),
                    "winner_position": int(mine.position.iloc[0]) if len(mine) else None, "top": [
                        {"car": r.car, "name": _name(replay, r.car), "elapsed": _hms(r.elapsed_s),
                         "gap_to_winner": _signed(r.gap_to_winner_s)} for r in group.head(top).itertuples()]})
    return out


def _signed(seconds: float) -> str:
    if seconds != seconds:
        return ""
    return ("-" if seconds < 0 else "+") + _hms(abs(seconds))


def control_names(replay) -> tuple[str, ...]:
    """The route's controls, in route order: the moments a time trial's standings are taken at by name."""
    return tuple(replay.log.course.mark_names)


def control_named(replay, value: str) -> str | None:
    """The control `value` names ("Roma", "roma", "Brescia (finish)", "finish"), or None."""
    names = control_names(replay)
    for name in names:
        if value.casefold() in (name.casefold(), name.split(" (")[0].casefold()) or (
                value.casefold() == "finish" and name == names[-1]):
            return name
    return None


def named_standings(replay, value: str) -> pd.DataFrame | None:
    """The standings at the control `value` names (its cars by elapsed time there), or None if it names none."""
    name = control_named(replay, value)
    if name is None:
        return None
    frame = control_standings(replay)
    return frame[frame.control == name].reset_index(drop=True)


def road_order(replay, t: float) -> pd.DataFrame:
    """Every car that has started, by km on the route at time t (who is physically ahead), the stopped ones last."""
    table, rows = replay.table, []
    for index, car in enumerate(table.cars):
        run = replay.runs[car]
        if t < run.start:
            continue
        km, status = run.km_at(t), table.status_at(car, t)
        if t >= run.clock[-1]:
            status = "finished" if run.finished else "retired"
        rows.append((status == "retired", -km, index, car, km, status))
    rows.sort()
    frame = pd.DataFrame([(i, car, table.classes[car], table.makes[car], table.drivers[car], km, status)
                          for i, (_, _, _, car, km, status) in enumerate(rows, start=1)],
                         columns=["road_position", "car", "class", "make", "drivers", "km", "status"])
    return frame.astype({"road_position": "int64", "car": "string", "km": "float64", "status": "string"})


def provisional(replay, t: float) -> pd.DataFrame:
    """The order at time t that decides the race: by elapsed time at the last control each car passed, against the
    eventual winner's time at that control (``by="elapsed"``); with each car's road position (by km) beside it.
    Cars not yet started are left out."""
    frame = standings_at(replay.table, t, "elapsed")
    started = [replay.runs[car].start <= t for car in frame["car"]]
    frame = frame[started].reset_index(drop=True)
    frame["position"] = np.arange(1, len(frame) + 1)
    road = road_order(replay, t).set_index("car")
    names = ("start",) + replay.log.course.mark_names
    frame["control"] = [names[n] for n in frame["laps"]]
    frame["elapsed_s"] = [row.last_crossing_s - replay.table.starts[row.car] for row in frame.itertuples()]
    frame["km"] = [float(road.loc[car, "km"]) for car in frame["car"]]
    frame["road_position"] = [int(road.loc[car, "road_position"]) for car in frame["car"]]
    return frame


def table_conflicts(replay) -> list[tuple[str, str, str]]:
    """Where the table's own times contradict its positions: (car, car above it, text)."""
    finished = sorted((c.position, c.number, c.elapsed_s) for c in replay.plan.cars if c.status == "classified")
    out = []
    for i, (pos, car, elapsed) in enumerate(finished):
        slower = [(p, a, e) for p, a, e in finished[:i] if e > elapsed]
        if slower:
            names = ", ".join(f"car {a} (placed {p}, {_hms(e)})" for p, a, e in slower)
            out.append((car, " ".join(a for _, a, _ in slower),
                        f"car {car} is placed {pos} with {_hms(elapsed)}, behind the longer times of {names}"))
    return out


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def road_passes(replay, car: str, other: str, step_s: float = 1.0) -> list[tuple[float, float]]:
    """Every moment `car` passed `other` on the road (went from behind to ahead by km): [(time s, km)].

    Sampled every `step_s` seconds while both are running; the answer to "when did A catch B?"."""
    a, b = replay.runs[car], replay.runs[other]
    lo, hi = max(a.start, b.start), min(a.clock[-1], b.clock[-1])
    if hi <= lo:
        return []
    times = np.arange(lo, hi + step_s, step_s)
    ahead = np.interp(times, a.clock, a.km) - np.interp(times, b.clock, b.km)
    crossed = np.nonzero((ahead[:-1] <= 0) & (ahead[1:] > 0))[0] + 1
    return [(float(times[i]), float(np.interp(times[i], a.clock, a.km))) for i in crossed]
