"""The SimPy model: one process per car, stepping stint by stint.

Each process drives its car from pit stop to pit stop: the laps of a stint are timed together (lap times depend on
the clock: night, fog, the car's own troubles), then the process yields until the car is back in the pits, where it
refuels within the window, changes driver and serves the repairs the sources tell of, until its race ends.
Every lap crossing, pit in/out, driver change, delay and the end of the car's race is one flat, immutable
:class:`Event` in the log; standings, plots and reports are pure functions of that log.
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
from functools import partial
from itertools import repeat
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import simpy

from sim.circuit.plan import MAX_LAPS, CarPlan, RacePlan

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
_new_event = partial(tuple.__new__, Event)  # builds an Event from one tuple at C speed (thousands per replay)


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
    metric: float | None = None  # the calibration target quantity (end time or lap-L-and-a-fraction time)
    driver_from_lap: list = field(default_factory=list)  # (first lap, driver) at each driver change
    pit_seconds: float = 0.0


class _Environment:
    """Lap-time factors that depend on the clock: night, fog and the car's own pace changes.

    A step function (edges, factor after each edge) so a stint needs one searchsorted; built once per
    distinct set of windows (:func:`_environment`), since a sweep replays the same cars many times.
    """

    def __init__(self, windows: tuple[tuple[float, float, float], ...]):
        edges = sorted({t for lo, hi, _ in windows for t in (lo, hi)})
        self.edges = np.asarray(edges)
        # the factor on [edges[i-1], edges[i]) is values[i]; values[0] applies before the first edge
        probes = [edges[0] - 1.0] + edges
        self.values = np.array([math.prod(k for lo, hi, k in windows if lo <= t < hi) for t in probes])

    def factor(self, starts: np.ndarray) -> np.ndarray:
        return self.values[self.edges.searchsorted(starts, side="right")]


@functools.lru_cache(maxsize=4096)
def _environment(windows: tuple[tuple[float, float, float], ...]) -> _Environment:
    return _Environment(windows)


def _windows(plan: RacePlan, car: CarPlan) -> tuple[tuple[float, float, float], ...]:
    a = plan.facts.assumptions
    return ((a.night[0], a.night[1], a.night[2]), (a.fog[0], a.fog[1], car.fog_factor),
            *((p.start, p.end, p.factor) for p in car.pace_changes))


@functools.lru_cache(maxsize=16)
def _wear(per_lap: float) -> np.ndarray:
    """Tyre-wear factor by laps since the last refuel (read in slices)."""
    return 1.0 + per_lap * np.arange(MAX_LAPS + 1)


def _time_laps(t0, first_lap, last_lap, since_refuel, pace: CarPace, envf: _Environment, wear, standing_start):
    """Crossing times and lap times of laps first_lap..last_lap starting at t0.

    The clock factor of each lap is taken at its start as estimated from the unfactored lap times: one pass,
    exact enough (a few seconds at a night or fog boundary) and the same function for calibration and replay.
    Most stints cross no boundary, and then one factor serves the whole stint.
    """
    n = last_lap - first_lap + 1
    nominal = pace.base_for(first_lap, last_lap) * _wear(wear)[since_refuel:since_refuel + n]
    if first_lap == 1:
        nominal[0] += standing_start
    edges = envf.edges
    i0 = edges.searchsorted(t0, side="right")
    if i0 == edges.searchsorted(t0 + nominal.sum(), side="right"):
        times = nominal * envf.values[i0]
    else:
        starts = np.empty_like(nominal)
        starts[0] = t0
        nominal[:-1].cumsum(out=starts[1:])
        starts[1:] += t0
        times = nominal * envf.factor(starts)
    crossings = times.cumsum()
    crossings += t0
    return crossings, times


def car_process(env: simpy.Environment, plan: RacePlan, car: CarPlan, pace: CarPace, log: list, run: CarRun,
                ended: dict | None = None):
    """The life of one car in the race, from the start to the flag or to the end of its race.

    Yields once per stint: the laps are timed together, the stop at its end (refuel, driver change, repairs) is
    served, and the process resumes when the car leaves the pits. Lap crossings go to ``run`` (the lap columns of
    the log); every other event is appended to ``log`` as an :class:`Event`.
    """
    a = plan.facts.assumptions
    duration = plan.facts.duration_s
    envf = _environment(_windows(plan, car))
    finisher = car.end.kind == "finish"
    last_lap = car.laps
    refuels = sorted(set(car.refuel_laps))
    pit_delays = {d.after_lap: d for d in car.delays if d.after_lap is not None and d.at is None and not d.on_track}
    lap_track_delays = {d.after_lap + 1: d for d in car.delays if d.after_lap is not None and d.at is None and d.on_track}
    pit_delay_laps = sorted(pit_delays)
    timed = sorted((d for d in car.delays if d.at is not None), key=lambda d: d.at)
    drivers = car.drivers
    number, end_detail = car.number, car.end.event_id or ""
    # hoisted out of the stint loop: this generator runs for every car of every replay of a sweep
    wear, start_loss, pit_stop_s, in_pits = a.tyre_wear_per_lap, a.standing_start_s + car.start_loss_s, a.pit_stop_s, car.end.in_pits
    new_event = _new_event
    driver_i, lap, since_refuel = 0, 0, 0
    run.driver_from_lap.append((1, drivers[0]))

    def end_race(t: float, kind: str, laps_done: int):
        run.end_time = t
        log.append(Event(t, number, _END_EVENT[kind], laps_done, drivers[driver_i], end_detail))
        if ended is not None and not ended[number].triggered:
            ended[number].succeed(t)

    if not finisher and last_lap == 0:  # out before completing a lap (the Talbot's transmission at the start)
        lo, hi = car.end.window or (0.0, 60.0)
        run.metric = (lo + hi) / 2
        yield env.timeout(run.metric)
        end_race(run.metric, car.end.kind, 0)
        return

    while True:
        next_refuel = refuels[bisect.bisect_right(refuels, lap)]
        stop_lap = next_refuel
        k = bisect.bisect_right(pit_delay_laps, lap)
        if k < len(pit_delay_laps):
            stop_lap = min(stop_lap, pit_delay_laps[k])
        if not finisher:
            stop_lap = min(stop_lap, last_lap) if lap < last_lap else lap + 1
        crossings, times = _time_laps(env.now, lap + 1, stop_lap, since_refuel, pace, envf, wear, start_loss)
        for on_lap in [k for k in lap_track_delays if lap < k <= stop_lap]:  # out on the circuit on that lap
            d, i = lap_track_delays.pop(on_lap), on_lap - lap - 1
            seconds = d.seconds if d.seconds is not None else d.laps_lost * pace.base_at(on_lap)
            began = float(crossings[i - 1]) if i else float(env.now)
            crossings[i:] += seconds
            times[i] += seconds
            log.append(Event(began, number, "delay", on_lap - 1, drivers[driver_i], f"{d.event_id} {seconds:.0f}s"))
        timed_pit = None
        while timed and timed[0].at < float(crossings[-1]):
            d = timed.pop(0)
            i = int(np.searchsorted(crossings, d.at, side="right"))
            if d.on_track:
                seconds = d.seconds if d.seconds is not None else d.laps_lost * pace.base_at(lap + 1 + i)
                crossings[i:] += seconds
                times[i] += seconds
                log.append(Event(float(d.at), number, "delay", lap + i, drivers[driver_i], f"{d.event_id} {seconds:.0f}s"))
            else:
                crossings, times, timed_pit = crossings[: i + 1], times[: i + 1], d
                break
        if not finisher and lap == last_lap:  # the lap on which the race ends, timed only to place the end in it
            end = float(env.now + (PIT_ENTRY_S if in_pits else pace.end_fraction * times[0]))
            run.metric = end
            other = car.end.same_moment_as
            if ended is not None and other in ended:
                yield ended[other]  # the same accident: this car's race ends when the other car's does
                end = float(env.now)
            else:
                yield env.timeout(end - env.now)
            end_race(end, car.end.kind, lap)
            return
        times_list = crossings.tolist()
        run.crossings.extend(times_list)
        n = len(times_list)
        if finisher and run.end_time is None and times_list[-1] > duration:
            yield env.timeout(max(0.0, duration - env.now))
            end_race(duration, "finish", lap + bisect.bisect_right(times_list, duration))
        if finisher and run.end_time is not None and len(run.crossings) > last_lap:
            c = run.crossings
            run.metric = c[last_lap - 1] + pace.end_fraction * (c[last_lap] - c[last_lap - 1]) if last_lap else 0.0
            return
        lap += n
        since_refuel += n
        pit_in = times_list[-1]
        if not finisher and lap == last_lap and (in_pits or (
                lap != next_refuel and lap not in pit_delays and timed_pit is None)):
            yield env.timeout(pit_in - env.now)
            continue  # no stop due: the car goes straight on into the lap on which its race ends
        delay = pit_delays.get(lap) if timed_pit is None else timed_pit
        if delay is None:  # the regular stop
            seconds, detail, change, refuel = pit_stop_s, "refuel", True, True
        else:
            seconds, detail, change = 0.0, delay.event_id, delay.driver_change
            refuel = lap == next_refuel or delay.refuel
            if lap == next_refuel:
                seconds, detail, change = pit_stop_s, "refuel " + detail, True
            seconds += delay.seconds if delay.seconds is not None else delay.laps_lost * pace.base_at(lap)
        pit_out = pit_in + seconds
        log.append(new_event((pit_in, number, "pit_in", lap, drivers[driver_i], detail)))
        run.pit_seconds += seconds
        if refuel:
            since_refuel = 0
        if change and len(drivers) > 1:
            old, driver_i = drivers[driver_i], (driver_i + 1) % len(drivers)
            log.append(new_event((pit_out, number, "driver_change", lap, drivers[driver_i], f"{old} -> {drivers[driver_i]}")))
            run.driver_from_lap.append((lap + 1, drivers[driver_i]))
        log.append(new_event((pit_out, number, "pit_out", lap, drivers[driver_i], detail)))
        yield env.timeout(pit_out - env.now)


_END_EVENT = {"finish": "finished", "retire": "retired", "stop": "stopped", "disqualified": "disqualified"}


class EventLog:
    """The replay's event log: every lap crossing, pit in/out, driver change, delay and end of race, in time order.

    Held in columns for speed (each car's lap crossings as one array); :meth:`records` gives the flat, immutable
    :class:`Event` records (built once, on first use), and iterating the log iterates them.
    """

    def __init__(self, laps: dict[str, np.ndarray], drivers: dict[str, list[tuple[int, str]]], others: list[Event]):
        self.laps = laps  # car -> crossing times of laps 1..n (within the race)
        self.drivers = drivers  # car -> [(first lap, driver)]
        self.others = others  # every event that is not a lap crossing, in time order
        self._records: tuple[Event, ...] | None = None

    def records(self) -> tuple[Event, ...]:
        if self._records is None:
            records = list(self.others)
            for car, times in self.laps.items():
                changes = self.drivers.get(car) or [(1, "")]
                for i, (first, driver) in enumerate(changes):
                    last = changes[i + 1][0] - 1 if i + 1 < len(changes) else len(times)
                    records.extend(map(_new_event, zip(times[first - 1:last].tolist(), repeat(car), repeat("lap"),
                                                       range(first, last + 1), repeat(driver), repeat(""))))
            records.sort(key=_TIME)  # stable: a car's own events at one instant keep their order
            self._records = tuple(records)
        return self._records

    def __iter__(self):
        return iter(self.records())

    def __len__(self) -> int:
        return len(self.others) + sum(len(t) for t in self.laps.values())


def run_cars(plan: RacePlan, paces: dict[str, CarPace], cars: list[CarPlan] | None = None) -> tuple[EventLog, dict[str, CarRun]]:
    """Run the given cars (all by default) in one SimPy environment; return the event log and each car's run."""
    env = simpy.Environment()
    others: list[Event] = []
    runs: dict[str, CarRun] = {}
    chosen = list(cars if cars is not None else plan.cars)
    ended = {car.number: env.event() for car in chosen}  # lets one car's end wait for another's (the same accident)
    for car in chosen:
        runs[car.number] = CarRun()
        env.process(car_process(env, plan, car, paces[car.number], others, runs[car.number], ended))
    env.run()
    end = plan.facts.duration_s
    laps = {}
    for number, run in runs.items():
        times = np.asarray(run.crossings)
        laps[number] = times[: int(np.searchsorted(times, end, side="right"))]
    others = [e for e in others if e.time <= end]
    others.sort(key=_TIME)
    return EventLog(laps, {n: r.driver_from_lap for n, r in runs.items()}, others), runs


_TIME = operator.itemgetter(0)
