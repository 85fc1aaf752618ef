"""The calibration's root finder (secant steps, Brent, bisection only at a jump) against the bisection it replaced.

`tests/data/le-mans-1957-bisection-seed-1957.npz` holds every car's lap crossings and end in the 1957 replay at
the default seed as calibrated by bisection (the solver before commit 9c29941), on the current race data: the
faster calibration must give the same race. `tests/data/make_bisection_reference.py` writes it (rerun it when the
race data change what is fitted).
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.circuit.calibrate import _solve
from sim.circuit.engine import run_cars
from sim.errors import CalibrationError
from sim.pipeline import prepare
from tests.data.make_bisection_reference import bisect, bisection_race

calibration_module = importlib.import_module("sim.circuit.calibrate")  # the package exports a function of that name
REFERENCE = Path(__file__).parents[1] / "data" / "le-mans-1957-bisection-seed-1957.npz"
WITHIN_S = 0.005  # "within a few milliseconds per crossing"


class _Car:  # what _solve reads of a car for its error messages
    number, laps = "0", 10


def _bisection(evaluate, target, lo, hi):
    """The calibration's former root finder, as it was (the one the reference file was written with)."""
    return bisect(evaluate, target, lo, hi, None, None, _Car(), "x")


def test_the_1957_replay_at_the_default_seed_is_the_one_bisection_calibrated():
    _, _, plan, calibration = prepare("le-mans-1957", use_cache=False)
    _, runs = run_cars(plan, calibration.paces)
    reference = np.load(REFERENCE)
    worst = 0.0
    for car in plan.cars:
        run = runs[car.number]
        assert run.end_time == pytest.approx(float(reference[f"end_{car.number}"][0]), abs=WITHIN_S), car.number
        crossings = np.asarray(run.crossings)
        crossings = crossings[crossings <= run.end_time]
        expected = reference[f"car_{car.number}"]
        assert len(crossings) == len(expected), car.number
        worst = max(worst, float(np.max(np.abs(crossings - expected), initial=0.0)))
    assert worst < WITHIN_S


def test_the_reference_file_is_what_bisection_gives_on_todays_race_data():
    """The stored reference is not stale: bisection, swapped in for the solver, calibrates the same race today."""
    reference, live = np.load(REFERENCE), bisection_race(1957)
    assert sorted(reference.keys()) == sorted(live)
    for key, values in live.items():
        assert np.array_equal(reference[key], values), key


def test_the_1957_calibration_runs_a_tenth_of_the_single_car_runs_bisection_did(monkeypatch):
    runs = []
    single = calibration_module._single
    monkeypatch.setattr(calibration_module, "_single", lambda *a: runs.append(a[1].number) or single(*a))
    prepare("le-mans-1957", use_cache=False)
    assert 53 <= len(runs) <= 400  # bisection ran 3,251; every starter but the one out on lap 0 is run


def test_a_linear_target_takes_three_runs_at_most():
    seen = []
    root = _solve(lambda b: seen.append(b) or 100.0 + 30.0 * b, 7000.0, 100.0, 1800.0, 250.0, 100.0, _Car(), "x")
    assert root == pytest.approx(230.0, abs=1e-6) and len(seen) <= 3


def test_a_target_in_a_jump_is_met_where_bisection_met_it():
    # the fog's edge: past 263.4 s a lap the car's laps all start in the fog and the moment jumps by 14 s
    def evaluate(b):
        return 300 * b + (14.0 if b >= 263.4 else 0.0)

    target = 300 * 263.4 + 7.0
    assert (_solve(evaluate, target, 200.0, 1800.0, 270.0, 0.0, _Car(), "x")
            == _bisection(evaluate, target, 200.0, 1800.0))


def test_a_target_no_pace_can_meet_is_an_error_naming_the_car_and_key():
    with pytest.raises(CalibrationError, match="even at the quickest pace allowed") as error:
        _solve(lambda b: 1000.0 * b, 100.0, 200.0, 1800.0, 300.0, 0.0, _Car(), "lap 3", key="event.x", value=3)
    assert error.value.car == "0" and error.value.key == "event.x"
    with pytest.raises(CalibrationError, match="too early"):
        _solve(lambda b: b, 1e9, 200.0, 1800.0, 300.0, 0.0, _Car(), "lap 3")


@settings(max_examples=200, deadline=None)
@given(slopes=st.lists(st.floats(1.0, 400.0), min_size=1, max_size=6),
       jumps=st.lists(st.floats(0.0, 30.0), min_size=6, max_size=6),
       share=st.floats(0.01, 0.99), guess=st.floats(200.0, 1800.0))
def test_on_any_rising_piecewise_line_the_root_is_the_bisections(slopes, jumps, share, guess):
    edges = np.linspace(200.0, 1800.0, len(slopes) + 1)

    def evaluate(b):
        rise = sum(s * min(max(b - edges[k], 0.0), edges[k + 1] - edges[k]) for k, s in enumerate(slopes))
        return rise + sum(jump for edge, jump in zip(edges[1:-1], jumps) if b >= edge)

    target = evaluate(200.0) + share * (evaluate(1800.0) - evaluate(200.0))
    ours, theirs = (_solve(evaluate, target, 200.0, 1800.0, guess, 0.0, _Car(), "x"),
                    _bisection(evaluate, target, 200.0, 1800.0))
    # the same base time to bisection's precision, or, in a jump, the same side of it
    assert math.isclose(ours, theirs, abs_tol=2e-7) or evaluate(ours) == pytest.approx(evaluate(theirs), abs=1e-4)
