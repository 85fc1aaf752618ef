"""Write tests/data/le-mans-1957-bisection-seed-<seed>.npz: the 1957 replay calibrated by the bisection the
calibration used before its secant/Brent solver (commit 974340f), on today's race data.

The faster solver must give the same race (tests/circuit/test_fast_calibration.py). Regenerate this file whenever the
race's data change what the calibration fits (an anchor moved, a range's default changed):

    .venv/bin/python tests/data/make_bisection_reference.py [--seed 1957]
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

import numpy as np

from sim.errors import CalibrationError

calibration_module = importlib.import_module("sim.circuit.calibrate")


def bisect(evaluate, target, lo, hi, guess, origin, car, what, key="laps", value=None, **hints):
    """The former root finder, as it was (the new solver's hints, guess, origin and the rest, are unused)."""
    value = car.laps if value is None else value
    f_lo = evaluate(lo)
    if f_lo > target + 1e-6:
        raise CalibrationError(f"no pace can satisfy {what}: even at the quickest pace allowed ({lo:.1f} s a lap) it "
                               f"comes {f_lo - target:.0f} s too late", key=key, value=value, car=car.number)
    if evaluate(hi) < target:
        raise CalibrationError(f"no pace can satisfy {what}: even at {hi:.0f} s a lap it comes too early", key=key,
                               value=value, car=car.number)
    for _ in range(60):
        mid = (lo + hi) / 2
        if evaluate(mid) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-7:
            break
    return (lo + hi) / 2


def bisection_race(seed: int) -> dict[str, np.ndarray]:
    """Every car's crossings (to its end) and end in the 1957 replay calibrated by bisection at `seed`."""
    from sim.circuit.engine import run_cars
    from sim.pipeline import prepare

    solve, calibration_module._solve = calibration_module._solve, bisect
    try:
        _, _, plan, calibration = prepare("le-mans-1957", seed=seed, use_cache=False)
    finally:
        calibration_module._solve = solve
    _, runs = run_cars(plan, calibration.paces)
    arrays = {}
    for car in plan.cars:
        run = runs[car.number]
        crossings = np.asarray(run.crossings)
        arrays[f"car_{car.number}"] = crossings[crossings <= run.end_time]
        arrays[f"end_{car.number}"] = np.array([run.end_time])
    return arrays


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1957)
    seed = parser.parse_args().seed
    out = Path(__file__).parent / f"le-mans-1957-bisection-seed-{seed}.npz"
    np.savez_compressed(out, **bisection_race(seed))
    print(out)


if __name__ == "__main__":
    main()
