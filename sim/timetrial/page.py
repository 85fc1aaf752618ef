"""The time trial's part of the replay page (:mod:`sim.html` builds the page; this module hands it what a time trial
adds): the eventual winner's elapsed time at each control, which the leaderboard measures every car against at the
last control it passed (:meth:`sim.standings.Progress.reference`); each car's km against the clock, for the road
order; every control passage as an event; and the front runners' gaps to the winner at each control, the page's
chart. ``page.js`` is the page's script for all of it, run after the shared one."""

from __future__ import annotations

from pathlib import Path

from sim.anomalies import ordinal
from sim.timetrial.standings import _hms, _name, control_standings, featured

HERE = Path(__file__).parent
FRONT = 6  # the chart's front runners: the top six at the finish and every car that led at a control


def page_extra(replay, front: int = FRONT) -> dict:
    """{"elapsed": ...}: the data ``page.js`` reads (times in seconds from the start, gaps in seconds)."""
    table, course = replay.table, replay.log.course
    frame = control_standings(replay)
    finish = course.mark_names[-1]
    passings = sorted((float(r.clock_s), table.cars.index(r.car), r.car, _passing_text(r, r.control == finish))
                      for r in frame.itertuples())
    runs = replay.runs
    return {"elapsed": {
        "reference": table.reference, "reference_elapsed": [float(s) for s in table.reference_elapsed],
        "marks_km": [float(km) for km in course.marks_km],
        "road": {car: {"clock": [float(t) for t in runs[car].clock], "km": [float(km) for km in runs[car].km],
                       "finished": bool(runs[car].finished)} for car in table.cars},
        "passings": [[t, car, "passing", text] for t, _, car, text in passings],
        "front": [_gaps(replay, frame, car) for car in featured(replay, front)],
    }}


def _passing_text(row, last: bool) -> str:
    place = row.control.split(" (")[0]
    verb = f"reaches {place}, the finish" if last else f"passes {place}"
    return f"{verb} ({row.km:g} km), {_hms(row.elapsed_s)} elapsed, {ordinal(int(row.position))}"


def _gaps(replay, frame, car: str) -> dict:
    rows = frame[frame.car == car]
    return {"car": car, "name": _name(replay, car), "controls": list(rows.control), "km": [float(v) for v in rows.km],
            "gap": [float(v) for v in rows.gap_to_winner_s], "elapsed": [float(v) for v in rows.elapsed_s],
            "clock": [float(v) for v in rows.clock_s], "position": [int(v) for v in rows.position]}


def page_script() -> str:
    return (HERE / "page.js").read_text(encoding="utf-8")
