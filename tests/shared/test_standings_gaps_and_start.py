"""Two incidents of the standings (issue 22), as tests.

- le-mans-1957, car 2: retired in hour 3, it was listed from then on with gap_s = -43.532, in standings.csv and in
  `standings --at 12 --format csv`: it passed its last lap 43.5 s before the car leading at hour 12 passed that lap.
  A gap behind the leader is never negative: such a car is behind in laps only (gap_s blank).
- At the start every car is level on every key, and the ranking's last key was the results table's order: the
  standings at 0 gave the final classification away. They are the grid's order, else the car numbers'.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.clock import HOUR
from sim.log import Course
from sim.standings import Progress, hourly_standings, natural_key, standings_at, start_ranks


def _progress(crossings: dict[str, list[float]], end=None, start_order=(), duration_s=3 * HOUR) -> Progress:
    cars = tuple(crossings)
    return Progress(
        cars=cars, crossings={c: np.asarray(t, dtype=float) for c, t in crossings.items()}, end=end or {},
        classes={c: "S" for c in cars}, makes={c: "M" for c in cars},
        table_status={c: "classified" if c not in (end or {}) else "retired" for c in cars},
        duration_s=duration_s, course=Course(lap_length_km=10.0), starts={c: 0.0 for c in cars},
        drivers={c: "" for c in cars}, teams={c: "" for c in cars}, start_order=tuple(start_order))


def test_car_2_of_le_mans_1957_retired_ahead_of_the_later_leader_has_no_negative_gap():
    """Car "2" leads laps 1-2 and retires in hour 1; car "1" passes lap 2 after it and leads from then on."""
    table = _progress({"1": [600.0, 1243.5, 1900.0, 2500.0], "2": [590.0, 1200.0]}, end={"2": (1500.0, "retired")})
    frame = standings_at(table, 3000.0)
    row = frame.set_index("car").loc["2"]
    assert row["gap_laps"] == 2 and math.isnan(row["gap_s"])  # behind in laps only: it passed lap 2 before car 1
    early = standings_at(table, 1250.0).set_index("car").loc["1"]  # car 2 leads: car 1 is 43.5 s behind, in time
    assert early["gap_laps"] == 0 and early["gap_s"] == pytest.approx(43.5)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.floats(min_value=1.0, max_value=3 * HOUR - 1.0), max_size=12), min_size=1, max_size=6),
       st.lists(st.booleans(), min_size=6, max_size=6), st.sampled_from(["distance", "elapsed", "road"]))
def test_no_gap_is_ever_negative(laps, retire, by):
    crossings = {str(k + 1): sorted(times) for k, times in enumerate(laps)}
    end = {car: (times[-1] + 1.0, "retired") for (car, times), out in zip(crossings.items(), retire) if out and times}
    table = _progress(crossings, end=end)
    frame = pd.concat([standings_at(table, t, by) for t in [0.0, *np.linspace(1.0, table.duration_s, 9)]],
                      ignore_index=True)
    gaps = frame["gap_s"].to_numpy(dtype=float)
    assert (gaps[~np.isnan(gaps)] >= 0).all()


def test_the_order_at_the_start_is_the_car_numbers_not_the_result():
    """Entered in the results table's order (10 won, then 2, then 1): at 0 the numbers rank them, 1, 2, 10."""
    table = _progress({"10": [500.0, 1000.0], "2": [510.0, 1010.0], "1": [520.0, 1020.0]})
    assert list(standings_at(table, 0.0)["car"]) == ["1", "2", "10"]
    assert table.cars_in_order(0.0) == ["1", "2", "10"]
    assert list(table.leaders(np.array([0.0]))) == [table.cars.index("1")]
    assert list(table.positions_of("10", np.array([0.0, 1100.0]))) == [3, 1]  # and the race then orders them


def test_the_grid_where_known_orders_the_start():
    table = _progress({"10": [500.0], "2": [510.0], "1": [520.0]}, start_order=("2", "10"))  # 1 not on the grid
    assert list(standings_at(table, 0.0)["car"]) == ["2", "10", "1"]


def test_natural_order_of_car_numbers():
    assert sorted(["10", "2", "23A", "23", "1", "100"], key=natural_key) == ["1", "2", "10", "23", "23A", "100"]
    assert list(start_ranks(("10", "2", "1"))) == [2, 1, 0]


def test_le_mans_1957_at_the_start_is_in_number_order(replay):
    cars = list(standings_at(replay.table, 0.0)["car"])
    assert cars == sorted(replay.table.cars, key=natural_key)
    final = [row[0] for row in replay.table.order_at(replay.table.duration_s)]
    assert cars != final


def _cli(argv) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv) == 0
    return out.getvalue()


def test_le_mans_1957_gaps_are_never_negative_and_the_same_in_csv_and_json(replay):
    frame = hourly_standings(replay.table)
    gaps = frame["gap_s"].to_numpy(dtype=float)
    assert (gaps[~np.isnan(gaps)] >= 0).all()
    assert (frame["gap_laps"] >= 0).all()
    assert math.isnan(frame[(frame["car"] == "2") & (frame["hour"] == 12)]["gap_s"].iloc[0])  # the incident's row
    rows = list(csv.DictReader(io.StringIO(_cli(["standings", "le-mans-1957", "--format", "csv"]))))
    data = json.loads(_cli(["standings", "le-mans-1957", "--format", "json"]))
    from_json = {(h["hour"], r["car"]): r["gap_s"] for h in data["standings"] for r in h["order"]}
    assert len(rows) == len(from_json) == len(frame)
    for row in rows:
        in_json = from_json[(int(row["hour"]), row["car"])]
        if row["gap_s"] == "":
            assert in_json is None
        else:
            assert float(row["gap_s"]) >= 0 and float(row["gap_s"]) == pytest.approx(in_json, abs=0.051)  # JSON: 0.1 s
