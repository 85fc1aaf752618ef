"""Races as pandas DataFrames, with every column's name and dtype declared in one place.

``entries_frame(race)`` has one row per entry, in document order, with exactly the columns of
ENTRY_COLUMNS (in that order and with those dtypes) whatever the race kind; a column a race does
not fill is all-missing. Rendering for people and machines (text, CSV, JSON) lives here too, so
the CLI only chooses a format.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from sim.index import index_of_performance
from sim.records import Anomaly, Race
from sim.sources.fields import clock, iso_duration

ENTRY_COLUMNS: dict[str, str] = {
    "number": "string",
    "status": "string",
    "position": "Int64",
    "reserve": "boolean",
    "class": "string",
    "team": "string",
    "team_nationality": "string",
    "entrant": "string",
    "drivers": "object",  # tuple of names
    "driver_nationalities": "object",  # tuple of codes (None where the source has none)
    "nominated": "object",  # tuple of the names marked '*' (1961 practice)
    "chassis": "string",
    "engine": "string",
    "engine_make": "string",
    "displacement_cc": "Int64",
    "layout": "string",
    "laps": "Int64",
    "reason": "string",
    "retirement_hour": "Int64",
    "index_of_performance": "Float64",
    "start_time": "datetime64[ns]",
    "elapsed": "timedelta64[ns]",
    "finish_time": "datetime64[ns]",
    "times": "object",  # tuple of timedelta | None: the timesheet's time columns
    "line": "int64",
}
ANOMALY_COLUMNS: dict[str, str] = {"file": "string", "line": "int64", "kind": "string", "message": "string"}
INDEX_DECIMALS = 4


def entries_frame(race: Race) -> pd.DataFrame:
    """One row per entry of ``race`` with the ENTRY_COLUMNS; the Index only for classified cars.

    Raises RaceDataError if the race has Index targets but no published distance or winner.
    """
    index = index_of_performance(race)
    rows = []
    for e in race.entries:
        engine = e.engine
        rows.append({
            "number": e.number, "status": e.status, "position": e.position, "reserve": e.reserve,
            "class": e.car_class, "team": e.team, "team_nationality": e.team_nationality, "entrant": e.entrant,
            "drivers": tuple(d.name for d in e.drivers),
            "driver_nationalities": tuple(d.nationality for d in e.drivers),
            "nominated": tuple(d.name for d in e.drivers if d.nominated),
            "chassis": e.chassis, "engine": engine.text if engine else None,
            "engine_make": engine.make if engine else None,
            "displacement_cc": engine.displacement_cc if engine else None,
            "layout": engine.layout if engine else None, "laps": e.laps, "reason": e.reason,
            "retirement_hour": e.retirement_hour,
            "index_of_performance": index.get(e.number) if e.status == "classified" else None,
            "start_time": e.start_time, "elapsed": e.elapsed, "finish_time": e.finish_time,
            "times": e.times, "line": e.line,
        })
    frame = pd.DataFrame(rows, columns=list(ENTRY_COLUMNS))
    return frame.astype({name: dtype for name, dtype in ENTRY_COLUMNS.items() if dtype != "object"})


def anomalies_frame(anomalies: list[Anomaly]) -> pd.DataFrame:
    """One row per anomaly with the ANOMALY_COLUMNS."""
    frame = pd.DataFrame([vars(a) for a in anomalies], columns=list(ANOMALY_COLUMNS))
    return frame.astype(ANOMALY_COLUMNS)


# --- rendering ----------------------------------------------------------------------------------


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def json_value(name: str, value: object) -> object:
    """A cell as JSON: ISO 8601 times and durations, tuples as lists, missing as None."""
    if isinstance(value, tuple):
        return [json_value(name, v) for v in value]
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if isinstance(value, pd.Timedelta | timedelta):
        return iso_duration(pd.Timedelta(value).to_pytimedelta())
    if name == "index_of_performance":
        return round(float(value), INDEX_DECIMALS)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def to_json(frame: pd.DataFrame) -> str:
    """The frame as a JSON list of objects, one per row, keys in column order."""
    columns = list(frame.columns)
    values = zip(*(frame[name].tolist() for name in columns))
    records = [{name: json_value(name, v) for name, v in zip(columns, row)} for row in values]
    return json.dumps(records, ensure_ascii=False, indent=2)


def text_value(name: str, value: object) -> str:
    """A cell for a table or CSV: names joined by " / ", times as "10:27:47", missing as ""."""
    if isinstance(value, tuple):
        return " / ".join(text_value(name, v) for v in value) if any(not _missing(v) for v in value) else ""
    if _missing(value):
        return ""
    if isinstance(value, pd.Timedelta | timedelta):
        return clock(pd.Timedelta(value).to_pytimedelta())
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat(sep=" ")
    if name == "index_of_performance":
        return f"{value:.{INDEX_DECIMALS}f}"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else ""
    return str(value)


def as_text(frame: pd.DataFrame, *, drop_empty: bool = False) -> pd.DataFrame:
    """The frame with every cell rendered by :func:`text_value` (and empty columns dropped)."""
    shown = pd.DataFrame({name: [text_value(name, v) for v in frame[name]] for name in frame.columns})
    if drop_empty:
        shown = shown.loc[:, [(shown[c] != "").any() for c in shown.columns]]
    return shown
