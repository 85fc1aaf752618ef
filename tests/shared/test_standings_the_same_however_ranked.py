"""The standings come out the same whichever way they are asked for: a few moments (every car's passings compared at
once) as among many (one search per car), the leader or one car's position (counted, not sorted) as the full order
gives them, and the cars in order (kept per moment) as :meth:`Progress.order_at` lists them. Checked at the moments
cars cross the line, a hair either side, and anywhere Hypothesis looks, for the 1957 Le Mans replay and the Mille
Miglia's time trial."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.clock import HOUR
from sim.standings import FEW_MOMENTS


def _alike(table, times, by):
    order, marks, last = table.ranking(times, by)
    for start in range(0, len(times), FEW_MOMENTS):
        part = slice(start, start + FEW_MOMENTS)
        few_order, few_marks, few_last = table.ranking(times[part], by)
        np.testing.assert_array_equal(few_order, order[part])
        np.testing.assert_array_equal(few_marks, marks[:, part])
        np.testing.assert_array_equal(few_last, last[:, part])
    np.testing.assert_array_equal(table.leaders(times, by), order[:, 0])
    for i, car in enumerate(table.cars):
        np.testing.assert_array_equal(table.positions_of(car, times, by), 1 + np.argmax(order == i, axis=1))
        running = [table.status_at(car, t) == "running" for t in times]
        np.testing.assert_array_equal(table.running_at(car, times), running)


def _edges(table) -> np.ndarray:
    """Every passing, start and end of a race, and a hair either side of each."""
    moments = np.concatenate([*table.crossings.values(), list(table.starts.values()),
                              [t for t, _ in table.end.values()], [0.0, table.duration_s]])
    return np.concatenate([moments, np.nextafter(moments, -np.inf), np.nextafter(moments, np.inf)])


@pytest.fixture(scope="module")
def trial():
    from sim.pipeline import run_replay

    return run_replay("mille-miglia-1957")


@pytest.mark.parametrize("by", ["distance", "elapsed"])
def test_at_every_passing_and_a_hair_either_side(replay, by):
    _alike(replay.table, _edges(replay.table)[::7], by)  # a seventh of them: enough, and a quick test


@pytest.mark.parametrize("by", ["road", "elapsed"])
def test_in_the_time_trial_too(trial, by):
    _alike(trial.table, _edges(trial.table), by)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-HOUR, max_value=25 * HOUR) | st.sampled_from([np.inf, -np.inf, np.nan]),
                min_size=1, max_size=3 * FEW_MOMENTS))
def test_anywhere(replay, times):
    _alike(replay.table, np.asarray(times), "distance")


@pytest.mark.parametrize("by", ["distance", "elapsed"])
def test_the_cars_in_order_kept_per_moment_are_those_of_order_at(replay, trial, by):
    for table in (replay.table, trial.table):
        for t in (0.0, 3600.0, table.duration_s / 3, table.duration_s, 3600.0):  # 3600 again: kept, not re-ranked
            got = table.cars_in_order(t, by)
            assert got == [row[0] for row in table.order_at(t, by)]
            got.reverse()  # the caller's list is its own
            assert table.cars_in_order(t, by) == [row[0] for row in table.order_at(t, by)]
