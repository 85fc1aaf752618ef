"""The entries DataFrame: declared columns and dtypes, one row per entry, rendering."""

from __future__ import annotations

import json

import pandas as pd

from sim.frames import ENTRY_COLUMNS, anomalies_frame, as_text, entries_frame, to_json
from sim.kinds import load_race


def test_columns_and_dtypes_are_the_declared_ones() -> None:
    for race_id in ("le-mans-1957", "mille-miglia-1957", "le-mans-1961"):
        frame = entries_frame(load_race(race_id))
        assert list(frame.columns) == list(ENTRY_COLUMNS)
        assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == {
            name: str(pd.Series([], dtype=dtype).dtype) for name, dtype in ENTRY_COLUMNS.items()
        }


def test_one_row_per_entry_in_document_order() -> None:
    race = load_race("le-mans-1957")
    frame = entries_frame(race)
    assert frame["line"].tolist() == [e.line for e in race.entries]
    assert frame.loc[frame["number"] == "55", "index_of_performance"].round(4).tolist() == [1.3094]
    assert frame["index_of_performance"].notna().sum() == 20


def test_text_rendering() -> None:
    frame = entries_frame(load_race("mille-miglia-1957"))
    shown = as_text(frame, drop_empty=True)
    assert "laps" not in shown.columns and "elapsed" in shown.columns
    first = shown.iloc[0]
    assert ((first["elapsed"], first["start_time"], first["drivers"])
            == ("10:27:47", "1957-05-12 05:35:00", "Piero Taruffi"))


def test_json_uses_iso_8601() -> None:
    [taruffi] = json.loads(to_json(entries_frame(load_race("mille-miglia-1957")).head(1)))
    assert (taruffi["start_time"], taruffi["elapsed"], taruffi["finish_time"]) == (
        "1957-05-12T05:35:00", "PT10H27M47S", "1957-05-12T16:02:47")


def test_anomalies_frame() -> None:
    race = load_race("le-mans-1961")
    frame = anomalies_frame(list(race.anomalies))
    assert frame[["line", "kind"]].values.tolist() == [[1, "time-conflict"]]
