"""`race-replay standings` for a circuit: the standings at the end of every race hour, or at the moments asked for,
as a table for people, CSV or JSON."""

from __future__ import annotations

import json

import pandas as pd

from sim.clock import HOUR
from sim.errors import RaceReplayError
from sim.frames import as_text
from sim.standings import race_hours


def moments_h(replay, values: list[str] | None) -> list[float]:
    """--at values (race hours, fractions allowed, or clock times HH:MM) in race hours; by default the end of every
    race hour."""
    if not values:
        return [float(h) for h in race_hours(replay.table)]
    out = []
    for value in values:
        try:
            out.append(replay.moment(value) / HOUR)
        except RaceReplayError as exc:
            raise RaceReplayError(exc.message, key="--at", value=value) from None
    return out


def _frames(replay, hours: list[float], by: str, car_class: str | None) -> list[pd.DataFrame]:
    frames = []
    for hour in hours:
        frame = replay.standings(seconds=hour * HOUR, by=by)
        if car_class:
            frame = frame[frame["class"] == car_class].reset_index(drop=True)
        frame.insert(0, "hour", int(hour) if float(hour).is_integer() else hour)
        frame.insert(1, "clock", replay.clock(hour * HOUR))
        frames.append(frame)
    return frames


def _json(replay, frames: list[pd.DataFrame]) -> str:
    out = {"race": replay.race.id, "standings": [
        {"hour": f.hour.iloc[0], "clock": f.clock.iloc[0], "order": [
            {"position": int(r.position), "car": r.car, "laps": int(r.laps), "status": r.status, "class": r["class"],
             "gap_laps": int(r.gap_laps), "gap_s": None if r.gap_s != r.gap_s else round(float(r.gap_s), 1)}
            for _, r in f.iterrows()]}
        for f in frames]}
    return json.dumps(out, indent=1, default=int)


def standings_text(replay, args) -> str:
    """The standings `args` ask for (--at, --class already checked, --by, --format), as the text to print."""
    car_class = replay.car_class(args.car_class) if args.car_class else None
    frames = _frames(replay, moments_h(replay, args.at), args.by or replay.kind.order, car_class)
    if args.format == "json":
        return _json(replay, frames)
    if args.format == "csv":
        return pd.concat(frames, ignore_index=True).to_csv(index=False, float_format="%.3f").rstrip("\n")
    return "\n".join(
        f"\nHour {f.hour.iloc[0]} ({f.clock.iloc[0]})\n"
        + as_text(f.drop(columns=["hour", "clock", "last_crossing_s"]).round({"gap_s": 0, "distance_km": 1}))
            .to_string(index=False)
        for f in frames)
