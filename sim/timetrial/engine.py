"""The SimPy model of a time trial: one process per car, released at its own start minute.

Each process waits for its car's start, then drives the route control by control: the time to the next control
is the sum of its sections' times (the car's pace times each section's effort), so the passage points between
controls are timed too (for the distance-time chart). A car that did not finish stops where its reading puts it.
Every start, control passage and end is one :class:`~sim.log.Event` in the shared log.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from sim.log import EventKind, EventLog, new_event, sort_events
from sim.timetrial.calibrate import TrialCalibration, TrialPace
from sim.timetrial.plan import TrialCar, TrialPlan


@dataclass
class TrialRun:
    """What one car's process produced beyond the log: its clock time at each route point it reached."""

    start: float
    km: np.ndarray  # the route points reached, then the stop (if it stopped between points)
    clock: np.ndarray  # seconds from the replay's clock zero at each of `km`
    finished: bool

    def km_at(self, t: float) -> float:
        """Where the car is at time t (0 before its start; it stays where it stopped)."""
        return float(np.interp(t, self.clock, self.km, left=0.0))


def timeline(plan: TrialPlan, car: TrialCar, pace: TrialPace, effort: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(km, elapsed s) at each route point the car reaches, and at its stop. A finisher's last elapsed is exact."""
    km = plan.facts.route.km
    elapsed = pace.pace * effort
    if pace.stop_km is None:
        elapsed[-1] = car.elapsed_s  # the table's time to the second, not a product of floats
        return km, elapsed
    n = int(np.searchsorted(km, pace.stop_km, side="right"))
    stop = float(np.interp(pace.stop_km, km, elapsed))
    if km[n - 1] == pace.stop_km:
        return km[:n], elapsed[:n]
    return np.append(km[:n], pace.stop_km), np.append(elapsed[:n], stop)


def _car(env, car: TrialCar, reached: int, elapsed, marks, passings: list, others: list, drivers: str, stop_km):
    """The car's process: its start, each control it reaches (in route order), its finish or its stop."""
    start = car.start_s
    yield env.timeout(start)
    others.append(new_event((start, car.number, EventKind.START, 0, 0.0, drivers, "", 0.0, False, "")))
    for i in marks:
        if i >= reached:
            break
        at = start + float(elapsed[i])
        yield env.timeout(at - env.now)
        passings.append(at)
    end = start + float(elapsed[-1])
    yield env.timeout(max(end - env.now, 0.0))
    kind = EventKind.FINISHED if car.status == "classified" else EventKind.RETIRED
    others.append(new_event((end, car.number, kind, len(passings), stop_km, drivers, car.number if kind ==
                             EventKind.RETIRED else "", 0.0, False, car.reason or "")))


def run_cars(plan: TrialPlan, calibration: TrialCalibration, paces: dict | None = None):
    """Replay every car: (event log, {car: TrialRun})."""
    paces = calibration.paces if paces is None else paces
    route = plan.facts.route
    points = len(route.points)
    env = simpy.Environment()
    passings, others, runs = {}, [], {}
    for car in plan.cars:
        km, elapsed = timeline(plan, car, paces[car.number], calibration.effort_of(car.number).copy())
        reached = min(len(km), int(np.searchsorted(route.km, km[-1], side="right")), points)
        passings[car.number] = []
        runs[car.number] = TrialRun(car.start_s, km, car.start_s + elapsed, car.status == "classified")
        env.process(_car(env, car, reached, elapsed, route.marks, passings[car.number], others,
                         " / ".join(car.drivers), float(km[-1])))
    env.run()
    log = EventLog({c: np.asarray(t) for c, t in passings.items()}, {c.number: [(1, " / ".join(c.drivers))]
                   for c in plan.cars}, sort_events(others), route.course(), {c.number: c.start_s for c in plan.cars})
    return log, runs
