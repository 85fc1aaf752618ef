"""The forecast's runs on the SimPy circuit engine itself: one environment per run, every car a finisher whose
race the drawn failure cuts short afterwards. The reference for the numpy timing of :mod:`montecarlo` (slower)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.circuit.engine import CarPace, run_cars
from sim.circuit.facts import Assumptions, RaceFacts, Regulations
from sim.circuit.plan import MAX_LAPS, CarPlan, EndRule, RacePlan, regular_refuel_laps


def race_plan(setup) -> RacePlan:
    """A plan of the forecast's cars for the circuit engine: every car a finisher refuelling every stint."""
    start_of_day = __import__("datetime").datetime(2000, 1, 1)
    lo, hi, factor = setup.night
    a = Assumptions(setup.stint, setup.pit_s, setup.standing_start_s, (lo, hi, factor), (0.0, 0.0, 1.0),
                    setup.wear, 0.5, 0.5, setup.noise_sigma)
    regs = Regulations(0, setup.stint, 24.0, setup.final_lap_s / 60)
    facts = RaceFacts("forecast", start_of_day, setup.duration_s, None, regs, a, (), (), (), Path("."))
    end = EndRule("finish", (setup.duration_s, setup.duration_s), "default")
    refuels = tuple(regular_refuel_laps(MAX_LAPS, setup.stint))
    cars = tuple(CarPlan(n, "", "", ("driver",), 0, "classified", None, end, refuels) for n in setup.numbers)
    return RacePlan(facts, cars, {})


def simpy_crossings(setup, d) -> np.ndarray:
    """(runs, cars, laps) crossing times from the SimPy engine (inf past the last lap it timed)."""
    plan = race_plan(setup)
    runs, cars, laps = d.noise.shape
    out = np.full((runs, cars, laps), np.inf)
    for r in range(runs):
        paces = {n: CarPace(((1, float(d.base[r, i])),), d.noise[r, i]) for i, n in enumerate(setup.numbers)}
        plan_r = RacePlan(plan.facts, tuple(CarPlan(**{**c.__dict__, "pit_stop_s": float(d.pit[r, i])})
                                            for i, c in enumerate(plan.cars)), {})
        _, car_runs = run_cars(plan_r, paces)
        for i, n in enumerate(setup.numbers):
            c = np.asarray(car_runs[n].crossings)[:laps]
            out[r, i, :len(c)] = c
    return out
