"""A sweep keeps counts, not draws: the summary from tallies merged in any batches and any order is the summary of
the draws themselves (what makes a million draws fit in a client's memory and the JSON the same on any cluster)."""

from __future__ import annotations

import json
import random
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.montecarlo.run import DrawResult
from sim.montecarlo.summary import summarise, to_json
from sim.montecarlo.sweep import batches
from sim.montecarlo.tally import Tally, histogram_quantiles

CARS = ("1", "2", "3")
FACTS = SimpleNamespace(checkpoints=(SimpleNamespace(id="a", kind="order"), SimpleNamespace(id="b", kind="laps")),
                        ranges=(), duration_s=3 * 3600.0)


def _draw(rng: random.Random, index: int) -> DrawResult:
    if rng.random() < 0.2:
        return DrawResult(index, {}, failed=rng.choice(["cause x (car 1)", "cause y (car 2)"]), calibration_s=0.05)
    order = rng.sample(CARS, 3)
    positions = np.array([[rng.randint(1, 3) for _ in range(3)] for _ in CARS], dtype=np.int16)
    laps = np.array([[rng.randint(10 * h, 10 * h + 4) for h in (1, 2, 3)] for _ in CARS], dtype=np.int16)
    margin = rng.randint(0, 5)
    return DrawResult(index, {}, None, CARS, positions, laps,
                      (rng.choice(["pass", "fail"]), rng.choice(["fitted", "fail"])),
                      tuple(order), order[0], margin, 12.5, order[1], margin + 1, calibration_s=rng.random() / 10)


def _old_bands(results) -> list[dict]:
    """The bands as the summary computed them from the stacked draws, before tallies."""
    ok = [r for r in results if r.failed is None]
    stack, laps = np.stack([r.positions for r in ok]), np.stack([r.laps for r in ok])
    behind = laps.max(axis=1, keepdims=True) - laps
    quantile = lambda x: [int(v) for v in np.quantile(x, (0.1, 0.5, 0.9), method="inverted_cdf")]  # noqa: E731
    rows = []
    for c, car in enumerate(CARS):
        for h, hour in enumerate((1, 2, 3)):
            p, b = quantile(stack[:, c, h]), quantile(behind[:, c, h])
            rows.append({"car": car, "hour": hour, "p10": p[0], "p50": p[1], "p90": p[2],
                         "laps_behind_p10": b[0], "laps_behind_p50": b[1], "laps_behind_p90": b[2]})
    return rows


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=1, max_size=400))
def test_percentiles_read_off_a_histogram_are_numpys_inverted_cdf(values):
    counts = np.bincount(values)
    expected = [int(v) for v in np.quantile(values, (0.1, 0.5, 0.9), method="inverted_cdf")]
    assert histogram_quantiles(counts) == expected


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), runs=st.integers(1, 60), parts=st.integers(1, 8))
def test_tallies_merged_in_any_batches_and_order_give_the_summary_of_the_draws(seed, runs, parts):
    rng = random.Random(seed)
    results = [_draw(rng, i) for i in range(runs)]
    whole = to_json(summarise("race", FACTS, 1, results))
    cuts = sorted(rng.sample(range(1, runs), min(parts - 1, runs - 1))) if runs > 1 else []
    pieces = [Tally.of(results[a:b]) for a, b in zip([0, *cuts], [*cuts, runs])]
    rng.shuffle(pieces)
    merged = Tally()
    for piece in pieces:
        merged = merged.merge(piece)
    assert to_json(summarise("race", FACTS, 1, merged)) == whole
    data = json.loads(whole)
    ok = [r for r in results if r.failed is None]
    if ok:
        assert data["positions"] == _old_bands(results)
        assert sum(data["winners"].values()) == pytest.approx(1.0, abs=1e-3)
    assert data["runs"] == runs and data["calibrated"] + sum(data["failed"].values()) == runs


def test_batches_cover_every_draw_once_in_order():
    for runs, workers in ((1, 2), (7, 2), (300, 2), (1000, 16), (12345, 3)):
        cut = batches(runs, workers)
        assert [i for batch in cut for i in batch] == list(range(runs))
        assert max(len(b) for b in cut) <= 50


def test_draws_of_different_cars_do_not_merge():
    rng = random.Random(1)
    a = Tally.of([_draw(rng, 0) for _ in range(5)])
    b = Tally.of([_draw(rng, 0) for _ in range(5)])
    b.cars = ("9", "8", "7")
    with pytest.raises(ValueError, match="same cars"):
        a.merge(b)
