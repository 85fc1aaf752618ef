"""The SimPy model: one process per car, stepping stint by stint.

Each process drives its car from pit stop to pit stop: the laps of a stint are timed together (lap times depend on
the clock: night, fog, the car's own troubles), then the process yields until the car is back in the pits, where it
refuels within the window, changes driver and serves the repairs the sources tell of, until its race ends.
Every lap crossing, pit in/out, driver change, delay and the end of the car's race is one flat, immutable
:class:`Event` in the log; standings, plots and reports are pure functions of that log.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import simpy

from sim.plan import MAX_LAPS, CarPlan, RacePlan

PIT_ENTRY_S = 30.0  # a car that retires in the pits is out of the race half a minute after crossing the line


class Event(NamedTuple):
    """One thing that happened: the unit of the event log."""

    time: float  # seconds from the start
    car: str
    kind: str  # lap, pit_in, pit_out, driver_change, delay, finished, retired, stopped, disqualified
    lap: int  # laps completed at that moment
    driver: str
    detail: str = ""


EVENT_COLUMNS = list(Event._fields)


@dataclass(frozen=True)
class CarPace:
    """A car's fitted pace: base lap time (s) by segment of laps, the end fraction, and its lap scatter."""

    segments: tuple[tuple[int, float], ...]  # (first lap, base lap time s), first lap ascending, first from 1
    noise: np.ndarray  # multiplicative scatter per lap (index lap-1)
    end_fraction: float = 0.5

    def __post_init__(self):
        # one array of base lap time x scatter per lap, built once: the replay reads slices of it stint by stint
        firsts = np.array([s[0] for s in self.segments])
        values = np.array([s[1] for s in self.segments])
        laps = np.arange(1, MAX_LAPS + 1)
        base = values[np.searchsorted(firsts, laps, side="right") - 1] * self.noise[(laps - 1) % len(self.noise)]
        object.__setattr__(self, "_base", base)

    def base_for(self, first_lap: int, last_lap: int) -> np.ndarray:
        """Base lap time times the lap's scatter, for laps first_lap..last_lap."""
        return self._base[first_lap - 1:last_lap]

    def base_at(self, lap: int) -> float:
        value = self.segments[0][1]
        for first, base in self.segments:
            if lap >= first:
                value = base
        return value


@dataclass
class CarRun:
    """What one car's process produced (beyond the log): used by calibration and checks."""

    crossings: list = field(default_factory=list)  # every lap crossing, including laps after the flag
    end_time: float | None = None
    end_kind: str | None = None
    metric: float | None = None  # the calibration target quantity (end time or lap-L-and-a-fraction time)
    driver_seconds: dict = field(default_factory=dict)
    stints: list = field(default_factory=list)  # (driver, start s, end s, laps since refuel at the stop, refuelled)
    pit_seconds: float = 0.0


class _Environment:
    """Lap-time factors that depend on the clock: night, fog and the car's own pace changes.

    Built once per car as a step function (edges, factor after each edge) so a stint needs one searchsorted.
    """

    def __init__(self, plan: RacePlan, car: CarPlan):
        a = plan.facts.assumptions
        windows = [(a.night[0], a.night[1], a.night[2]), (a.fog[0], a.fog[1], car.fog_factor)]
        windows += [(p.start, p.end, p.factor) for p in car.pace_changes]
        edges = sorted({t for lo, hi, _ in windows for t in (lo, hi)})
        self.edges = np.asarray(edges)
        # the factor on [edges[i-1], edges[i]) is values[i]; values[0] applies before the first edge
        probes = [edges[0] - 1.0] + edges
        self.values = np.array([float(np.prod([k for lo, hi, k in windows if lo <= t < hi])) for t in probes])

    def factor(self, starts: np.ndarray) -> np.ndarray:
        return self.values[np.searchsorted(self.edges, starts, side="right")]


def _time_laps(t0, first_lap, last_lap, since_refuel, pace: CarPace, envf: _Environment, wear, standing_start):
    """Crossing times and lap times of laps first_lap..last_lap starting at t0.

    The clock factor of each lap is taken at its start as estimated from the unfactored lap times: one pass,
    exact enough (a few seconds at a night or fog boundary) and the same function for calibration and replay.
    """
    nominal = pace.base_for(first_lap, last_lap) * (1.0 + wear * np.arange(since_refuel, since_refuel + last_lap - first_lap + 1))
    if first_lap == 1:
        nominal[0] += standing_start
    starts = np.empty_like(nominal)
    starts[0] = t0
    np.cumsum(nominal[:-1], out=starts[1:])
    starts[1:] += t0
    times = nominal * envf.factor(starts)
    return t0 + np.cumsum(times), times


def car_process(env: simpy.Environment, plan: RacePlan, car: CarPlan, pace: CarPace, log: list, run: CarRun,
                horizon: float | None = None, ended: dict | None = None):
    """The life of one car in the race, from the start to the flag or to the end of its race."""
    facts = plan.facts
    a = facts.assumptions
    duration = facts.duration_s
    envf = _Environment(plan, car)
    finisher = car.end.kind == "finish"
    last_lap = car.laps
    refuels = sorted(set(car.refuel_laps))
    pit_delays = {d.after_lap: d for d in car.delays if d.after_lap is not None and d.at is None}
    timed = sorted((d for d in car.delays if d.at is not None), key=lambda d: d.at)
    drivers = car.drivers
    driver_i, lap, since_refuel, stint_start = 0, 0, 0, 0.0
    stop_horizon = horizon if horizon is not None else duration

    if not finisher and last_lap == 0:  # out before completing a lap (the Talbot's transmission at the start)
        lo, hi = car.end.window or (0.0, 60.0)
        run.end_time = run.metric = (lo + hi) / 2
        yield env.timeout(run.end_time)
        run.end_kind = car.end.kind
        log.append(Event(run.end_time, car.number, _END_EVENT[car.end.kind], 0, drivers[0], car.end.event_id or ""))
        if ended is not None:
            ended[car.number].succeed(run.end_time)
        return

    def end_race(t: float, kind: str):
        run.end_time, run.end_kind = t, kind
        run.driver_seconds[drivers[driver_i]] = run.driver_seconds.get(drivers[driver_i], 0.0) + t - stint_start
        run.stints.append((drivers[driver_i], stint_start, t, since_refuel, False))
        log.append(Event(t, car.number, _END_EVENT[kind], lap, drivers[driver_i], car.end.event_id or ""))
        if ended is not None and not ended[car.number].triggered:
            ended[car.number].succeed(t)

    while True:
        next_refuel = next(r for r in refuels if r > lap)
        stop_lap = min([next_refuel] + [k for k in pit_delays if k > lap] + ([] if finisher else [last_lap]))
        if not finisher and lap == last_lap:
            stop_lap = lap + 1  # the lap on which the race ends: timed only to place the end within it
        crossings, times = _time_laps(env.now, lap + 1, stop_lap, since_refuel, pace, envf, a.tyre_wear_per_lap,
                                      a.standing_start_s + car.start_loss_s)
        timed_pit = None
        while timed and timed[0].at < crossings[-1]:
            d = timed.pop(0)
            i = int(np.searchsorted(crossings, d.at, side="right"))
            if d.on_track:
                seconds = d.seconds if d.seconds is not None else d.laps_lost * pace.base_at(lap + 1 + i)
                crossings[i:] += seconds
                times[i] += seconds
                log.append(Event(float(d.at), car.number, "delay", lap + i, drivers[driver_i], f"{d.event_id} {seconds:.0f}s"))
            else:
                crossings, times, timed_pit = crossings[: i + 1], times[: i + 1], d
                break
        if not finisher and lap == last_lap:
            if car.end.in_pits:
                end = env.now + PIT_ENTRY_S
            else:
                end = env.now + pace.end_fraction * times[0]
            end = float(end)
            run.metric = end
            other = car.end.same_moment_as
            if ended is not None and other in ended:
                yield ended[other]  # the same accident: this car's race ends when the other car's does
                end = float(env.now)
            else:
                yield env.timeout(end - env.now)
            end_race(end, car.end.kind)
            return
        times_list = crossings.tolist()
        run.crossings.extend(times_list)
        n = len(times_list)
        driver = drivers[driver_i]
        log.extend(Event(t, car.number, "lap", lap + k, driver) for k, t in enumerate(times_list, 1) if t <= stop_horizon)
        if finisher and crossings[-1] > duration and run.end_time is None:
            done = int(np.searchsorted(crossings, duration, side="right"))
            yield env.timeout(max(0.0, duration - env.now))
            lap_at_flag, lap = lap, lap + done
            end_race(duration, "finish")
            lap = lap_at_flag
        if finisher and run.end_time is not None and len(run.crossings) > car.laps:
            c = run.crossings
            run.metric = c[car.laps - 1] + pace.end_fraction * (c[car.laps] - c[car.laps - 1]) if car.laps else 0.0
            return
        lap += n
        since_refuel += n
        yield env.timeout(crossings[-1] - env.now)
        if not finisher and lap == last_lap and (car.end.in_pits or (
                lap != next_refuel and lap not in pit_delays and timed_pit is None)):
            continue  # no stop due: the car goes straight on into the lap on which its race ends
        # in the pits
        pit_in = float(env.now)
        seconds, details, change = 0.0, [], False
        delay = pit_delays.get(lap) if timed_pit is None else timed_pit
        refuel = lap == next_refuel or bool(delay and delay.refuel)
        if lap == next_refuel:
            seconds += a.pit_stop_s
            details.append("refuel")
            change = True
        if delay is not None:
            seconds += delay.seconds if delay.seconds is not None else delay.laps_lost * pace.base_at(lap)
            details.append(delay.event_id)
            change = change or delay.driver_change
        log.append(Event(pit_in, car.number, "pit_in", lap, drivers[driver_i], " ".join(details)))
        run.stints.append((drivers[driver_i], stint_start, pit_in, since_refuel, refuel))
        run.pit_seconds += seconds
        yield env.timeout(seconds)
        if refuel:
            since_refuel = 0
        if change and len(drivers) > 1:
            run.driver_seconds[drivers[driver_i]] = run.driver_seconds.get(drivers[driver_i], 0.0) + pit_in - stint_start
            old, driver_i = drivers[driver_i], (driver_i + 1) % len(drivers)
            log.append(Event(float(env.now), car.number, "driver_change", lap, drivers[driver_i], f"{old} -> {drivers[driver_i]}"))
            stint_start = env.now
        log.append(Event(float(env.now), car.number, "pit_out", lap, drivers[driver_i], " ".join(details)))


_END_EVENT = {"finish": "finished", "retire": "retired", "stop": "stopped", "disqualified": "disqualified"}


def run_cars(plan: RacePlan, paces: dict[str, CarPace], cars: list[CarPlan] | None = None,
             horizon: float | None = None) -> tuple[list[Event], dict[str, CarRun]]:
    """Run the given cars (all by default) in one SimPy environment; return the sorted log and each car's run."""
    env = simpy.Environment()
    log: list[Event] = []
    runs: dict[str, CarRun] = {}
    chosen = list(cars if cars is not None else plan.cars)
    ended = {car.number: env.event() for car in chosen}  # lets one car's end wait for another's (the same accident)
    for car in chosen:
        runs[car.number] = CarRun()
        env.process(car_process(env, plan, car, paces[car.number], log, runs[car.number], horizon, ended))
    env.run()
    end = plan.facts.duration_s
    log = [e for e in log if e.time <= end]
    # each car's events are appended in order, so a stable sort on time keeps a car's own sequence
    log.sort(key=_TIME)
    return log, runs


_TIME = operator.itemgetter(0)
