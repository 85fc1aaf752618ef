"""The standings at a few moments (every car's passings compared at once) are the standings those moments get when
ranked among many (one search per car): at the very moments cars cross the line, a hair either side, and anywhere
Hypothesis looks, in each order, for the 1957 Le Mans replay and the Mille Miglia's time trial."""

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


def _edges(table) -> np.ndarray:
    """Every passing, start and end of a race, and a hair either side of each."""
    moments = np.concatenate([*table.crossings.values(), list(table.starts.values()),
                              [t for t, _ in table.end.values()], [0.0, table.duration_s]])
    return np.concatenate([moments, np.nextafter(moments, -np.inf), np.nextafter(moments, np.inf)])


@pytest.mark.parametrize("by", ["distance", "elapsed"])
def test_at_every_passing_and_a_hair_either_side(replay, by):
    _alike(replay.table, _edges(replay.table), by)


def test_in_the_time_trial_too():
    from sim.pipeline import run_replay

    table = run_replay("mille-miglia-1957").table
    for by in ("road", "elapsed"):
        _alike(table, _edges(table), by)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-HOUR, max_value=25 * HOUR) | st.sampled_from([np.inf, -np.inf, np.nan]),
                min_size=1, max_size=3 * FEW_MOMENTS))
def test_anywhere(replay, times):
    _alike(replay.table, np.asarray(times), "distance")
