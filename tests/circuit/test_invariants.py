"""Invariants of the replay at every instant (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.clock import HOUR
from sim.standings import positions_matrix

times = st.lists(st.floats(min_value=0.0, max_value=24 * HOUR), min_size=2, max_size=40)


@settings(max_examples=60, deadline=None)
@given(times)
def test_positions_are_a_permutation_and_laps_never_decrease(replay, ts):
    ts = np.sort(np.asarray(ts))
    cars, positions, laps = positions_matrix(replay.table, ts)
    n = len(cars)
    for j in range(len(ts)):
        assert sorted(positions[:, j]) == list(range(1, n + 1))
    assert np.all(np.diff(laps, axis=1) >= 0)


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0.0, max_value=24 * HOUR))
def test_no_car_returns_after_its_race_ended(replay, t):
    for car, (end, kind) in replay.table.end.items():
        if kind == "finished":
            continue
        later = [e for e in replay.log if e.car == car and e.time > end]
        assert later == []
        if t >= end:
            # a car stopped on the circuit (out of fuel) is still in the race until the flag, then not classified
            allowed = ("running", "NC") if kind == "stopped" else ("retired", "disqualified", "DSQ")
            assert replay.table.status_at(car, t) in allowed
            assert replay.table.laps_at(car, t) == replay.race.entry(car).laps


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=1.0, max_value=24 * HOUR))
def test_standings_frame_agrees_with_the_matrix(replay, t):
    frame = replay.standings(seconds=t)
    cars, positions, laps = positions_matrix(replay.table, np.array([t]))
    by_matrix = [cars[i] for i in np.argsort(positions[:, 0])]
    if t < 24 * HOUR:  # at the flag the classification reorders NC behind the classified cars
        assert frame.car.tolist() == by_matrix
    assert sorted(frame.laps.tolist()) == sorted(laps[:, 0].tolist())
