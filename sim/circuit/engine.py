"""The SimPy model of a circuit race: one process per car, stepping stint by stint.

Each process drives its car from pit stop to pit stop: the laps of a stint are timed together (lap times depend on
the clock: night, fog, the car's own troubles), then the process yields until the car is back in the pits, where it
refuels within the window, changes driver and serves the repairs the sources tell of, until its race ends.
Every lap crossing, pit in/out, driver change, delay and the end of the car's race is one flat, immutable
:class:`~sim.log.Event` in the log; standings, plots and reports are pure functions of that log.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.circuit.plan import MAX_LAPS, CarPlan, RacePlan
from sim.log import Course, EventKind, EventLog, new_event, sort_events

PIT_ENTRY_S = 30.0  # a car that retires in the pits is out of the race half a minute after crossing the line


@dataclass(frozen=True)
class CarPace:
    """A car's fitted pace: base lap time (s) by segment of laps, the end fraction, and its lap scatter."""

    segments: tuple[tuple[int, float], ...]  # (first lap, base lap time s), first lap ascending, first from 1
    noise: np.ndarray  # multiplicative scatter per lap (index lap-1)
    end_fraction: float = 0.5

    def __post_init__(self):
        # one array of base lap time x scatter per lap, built once: the replay reads slices of it stint by stint
        laps_each = np.diff([s[0] for s in self.segments] + [MAX_LAPS + 1])
        base = np.repeat([s[1] for s in self.segments], laps_each) * np.resize(self.noise, MAX_LAPS)  # cyclic scatter
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
    moments: dict = field(default_factory=dict)  # event id -> (start, end) of the car's delays and of its end
    stopped: list = field(default_factory=list)  # (moment, seconds) of every pit stop and delay: time no pace changes


_TIMED_KINDS = frozenset((EventKind.PIT_IN, EventKind.DELAY, EventKind.RETIRED, EventKind.STOPPED,
                          EventKind.DISQUALIFIED, EventKind.FINISHED))  # the events whose moment an anchor can use


class _Environment:
    """Lap-time factors that depend on the clock: night, fog and the car's own pace changes.

    A step function (edges, factor after each edge) so a stint needs one searchsorted; built once per
    distinct set of windows (:func:`_environment`), since a sweep replays the same cars many times.
    """

    def __init__(self, windows: tuple[tuple[float, float, float], ...]):
        edges = sorted({t for lo, hi, _ in windows for t in (lo, hi)})
        self.edges = np.asarray(edges)
        self.edge_list = [float(t) for t in edges]  # for one moment, bisect on a list is quicker than numpy
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
    edges = envf.edge_list
    i0 = bisect.bisect_right(edges, t0)
    if i0 == bisect.bisect_right(edges, t0 + nominal.sum()):
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



@dataclass
class _Car:
    """What one car's process knows and keeps while it runs: its plan, pace and clock factors, and where it is."""

    plan: RacePlan
    car: CarPlan
    pace: CarPace
    log: list
    run: CarRun
    ended: dict | None
    lap: int = 0
    since_refuel: int = 0
    driver_i: int = 0
    pending: tuple | None = None  # the stop the car is leaving: (pit out, cause, seconds, refuel, driver change due)
    started: bool = False

    def __post_init__(self):
        car = self.car
        self.envf = _environment(_windows(self.plan, car))
        self.finisher = car.end.kind == "finish"
        self.refuels = sorted(set(car.refuel_laps))
        self.pit_delays = {d.after_lap: d for d in car.delays
                           if d.after_lap is not None and d.at is None and not d.on_track}
        self.track_delays = {d.after_lap + 1: d for d in car.delays
                             if d.after_lap is not None and d.at is None and d.on_track}
        self.pit_delay_laps = sorted(self.pit_delays)
        self.timed = sorted((d for d in car.delays if d.at is not None), key=lambda d: d.at)
        self.km = self.plan.facts.lap_length_km if self.plan.facts.lap_length_km is not None else math.nan
        self.run.driver_from_lap.append((1, car.drivers[0]))

    @property
    def driver(self) -> str:
        return self.car.drivers[self.driver_i]

    def emit(self, t: float, kind: EventKind, lap: int, cause: str = "", seconds: float = 0.0, refuel: bool = False,
             reason: str = "") -> None:
        if cause and kind in _TIMED_KINDS:  # calibration places other cars at these moments
            self.run.moments.setdefault(cause, (t, t + seconds))
        if kind is EventKind.PIT_IN or kind is EventKind.DELAY:
            self.run.stopped.append((t, seconds))
        if self.log is None:  # a calibration run: only the crossings, the end and the moments are read
            return
        self.log.append(new_event((t, self.car.number, kind, lap, lap * self.km, self.driver, cause, seconds, refuel,
                                   reason)))

    def end_race(self, t: float, laps_done: int, kind: str | None = None) -> None:
        self.run.end_time = t
        self.emit(t, _END_EVENT[kind or self.car.end.kind], laps_done, self.car.end.event_id or "",
                  reason=self.car.reason or "")
        if self.ended is not None and not self.ended[self.car.number].triggered:
            self.ended[self.car.number].succeed(t)

    def next_stop(self) -> tuple[int, int]:
        """(the next regular refuel lap, the lap at whose end the car next comes into the pits)."""
        lap = self.lap
        next_refuel = self.refuels[bisect.bisect_right(self.refuels, lap)]
        stop_lap = next_refuel
        k = bisect.bisect_right(self.pit_delay_laps, lap)
        if k < len(self.pit_delay_laps):
            stop_lap = min(stop_lap, self.pit_delay_laps[k])
        if not self.finisher:
            stop_lap = min(stop_lap, self.car.laps) if lap < self.car.laps else lap + 1
        return next_refuel, stop_lap

    def lost_seconds(self, delay, lap: int) -> float:
        return delay.seconds if delay.seconds is not None else delay.laps_lost * self.pace.base_at(lap)

    def track_delays_in(self, stop_lap: int, crossings: np.ndarray, times: np.ndarray, now: float) -> None:
        """Delays out on the circuit on a given lap: the car loses the time and keeps going."""
        for on_lap in [k for k in self.track_delays if self.lap < k <= stop_lap]:
            d, i = self.track_delays.pop(on_lap), on_lap - self.lap - 1
            seconds = self.lost_seconds(d, on_lap)
            began = float(crossings[i - 1]) if i else now
            crossings[i:] += seconds
            times[i] += seconds
            self.emit(began, EventKind.DELAY, on_lap - 1, d.event_id, seconds)

    def timed_delays_in(self, crossings: np.ndarray, times: np.ndarray):
        """Delays at a clock time within the stint: on the circuit the car loses the time; in the pits the stint
        is cut short at the end of the lap running then. Returns the (possibly cut) stint and the pit delay."""
        while self.timed and self.timed[0].at < float(crossings[-1]):
            d = self.timed.pop(0)
            i = int(np.searchsorted(crossings, d.at, side="right"))
            if not d.on_track:
                return crossings[: i + 1], times[: i + 1], d
            seconds = self.lost_seconds(d, self.lap + 1 + i)
            crossings[i:] += seconds
            times[i] += seconds
            self.emit(float(d.at), EventKind.DELAY, self.lap + i, d.event_id, seconds)
        return crossings, times, None

    def stop(self, pit_in: float, next_refuel: int, delay) -> float:
        """Serve a pit stop at the end of the current lap; returns when the car leaves the pits."""
        lap, a = self.lap, self.plan.facts.assumptions
        regular = a.pit_stop_s if self.car.pit_stop_s is None else self.car.pit_stop_s
        if delay is None:  # the regular stop
            seconds, cause, change, refuel = regular, "", True, True
        else:
            seconds, cause, change = 0.0, delay.event_id, delay.driver_change
            refuel = lap == next_refuel or delay.refuel
            if lap == next_refuel:
                seconds, change = regular, True
            seconds += self.lost_seconds(delay, lap)
        pit_out = pit_in + seconds
        self.emit(pit_in, EventKind.PIT_IN, lap, cause, seconds, refuel)
        self.run.pit_seconds += seconds
        if refuel:
            self.since_refuel = 0
        self.pending = (pit_out, cause, seconds, refuel, change)
        return pit_out

    def take_wheel(self, crossings: np.ndarray, t0: float) -> None:
        """Who drives the stint about to run: the driver the sources name on one of its laps or at a moment within
        it, else the next in turn where a change is due (at a regular stop, or a repair stop that says so)."""
        if self.log is None:  # a calibration run: who drives changes no lap time, and nothing is logged
            self.pending, self.started = None, True
            return
        first, last, drivers = self.lap + 1, self.lap + len(crossings), self.car.drivers
        named = next((w.driver for w in self.car.at_the_wheel if (w.lap is not None and first <= w.lap <= last)
                      or (w.at is not None and t0 <= w.at < float(crossings[-1]))), None)
        pending, self.pending = self.pending, None
        if not self.started:
            self.started = True
            if named is not None:
                self.driver_i = drivers.index(named)
                self.run.driver_from_lap[0] = (1, named)
            self.emit(t0, EventKind.START, 0)
            return
        if pending is None:  # no stop since the last stint: the car goes straight on, with the same driver
            return
        pit_out, cause, seconds, refuel, change = pending
        previous = self.driver_i
        if named is not None:
            self.driver_i = drivers.index(named)
        elif change:
            self.driver_i = (self.driver_i + 1) % len(drivers)
        if self.driver_i != previous:
            self.emit(pit_out, EventKind.DRIVER_CHANGE, self.lap)
            self.run.driver_from_lap.append((self.lap + 1, self.driver))
        self.emit(pit_out, EventKind.PIT_OUT, self.lap, cause, seconds, refuel)


def car_process(env: simpy.Environment, plan: RacePlan, car: CarPlan, pace: CarPace, log: list, run: CarRun,
                ended: dict | None = None):
    """The life of one car in the race, from the start to the flag or to the end of its race.

    Yields once per stint: the laps are timed together, the stop at its end (refuel, driver change, repairs) is
    served, and the process resumes when the car leaves the pits. Lap crossings go to ``run`` (the passing columns
    of the log); every other event is appended to ``log`` as an :class:`~sim.log.Event`.
    """
    state = _Car(plan, car, pace, log, run, ended)
    if not state.finisher and car.laps == 0:  # out before completing a lap (the Talbot's transmission at the start)
        state.emit(0.0, EventKind.START, 0)
        lo, hi = car.end.window or (0.0, 60.0)
        run.metric = (lo + hi) / 2
        yield env.timeout(run.metric)
        state.end_race(run.metric, 0)
        return
    start_loss = plan.facts.assumptions.standing_start_s + car.start_loss_s
    wear = plan.facts.assumptions.tyre_wear_per_lap
    while True:
        next_refuel, stop_lap = state.next_stop()
        crossings, times = _time_laps(env.now, state.lap + 1, stop_lap, state.since_refuel, pace, state.envf, wear,
                                      start_loss)
        state.take_wheel(crossings, float(env.now))  # before the delays: they are logged with the stint's driver
        state.track_delays_in(stop_lap, crossings, times, float(env.now))
        crossings, times, timed_pit = state.timed_delays_in(crossings, times)
        if not state.finisher and state.lap == car.laps:
            yield from _last_lap(env, state, times)
            return
        done = yield from _cross(env, state, crossings.tolist())
        if done:
            return
        lap, pit_in = state.lap, run.crossings[-1]
        if not state.finisher and lap == car.laps and (car.end.in_pits or (
                lap != next_refuel and lap not in state.pit_delays and timed_pit is None)):
            yield env.timeout(pit_in - env.now)
            continue  # no stop due: the car goes straight on into the lap on which its race ends
        delay = state.pit_delays.get(lap) if timed_pit is None else timed_pit
        pit_out = state.stop(pit_in, next_refuel, delay)
        yield env.timeout(pit_out - env.now)


def _last_lap(env, state: _Car, times: np.ndarray):
    """The lap on which a car's race ends, timed only to place the end in it (or the same moment as another's)."""
    car, run = state.car, state.run
    end = float(env.now + (PIT_ENTRY_S if car.end.in_pits else state.pace.end_fraction * times[0]))
    run.metric = end
    other = car.end.same_moment_as
    if state.ended is not None and other in state.ended:
        yield state.ended[other]  # the same accident: this car's race ends when the other car's does
        end = float(env.now)
    else:
        yield env.timeout(end - env.now)
    state.end_race(end, state.lap)


def _cross(env, state: _Car, times_list: list[float]):
    """Record a stint's lap crossings; a finisher's race ends at the flag (and its calibration metric is read once
    it has crossed one lap beyond its table laps). Returns True when the process is done."""
    run, duration, last_lap = state.run, state.plan.facts.duration_s, state.car.laps
    run.crossings.extend(times_list)
    if state.finisher and run.end_time is None and times_list[-1] > duration:
        yield env.timeout(max(0.0, duration - env.now))
        state.end_race(duration, state.lap + bisect.bisect_right(times_list, duration), "finish")
    if state.finisher and run.end_time is not None and len(run.crossings) > last_lap:
        c = run.crossings
        run.metric = c[last_lap - 1] + state.pace.end_fraction * (c[last_lap] - c[last_lap - 1]) if last_lap else 0.0
        return True
    state.lap += len(times_list)
    state.since_refuel += len(times_list)
    return False


_END_EVENT = {"finish": EventKind.FINISHED, "retire": EventKind.RETIRED, "stop": EventKind.STOPPED,
              "disqualified": EventKind.DISQUALIFIED}


class _SoloClock:
    """The clock of one car run alone: its process yields only timeouts, so nothing needs scheduling."""

    now = 0.0

    def timeout(self, delay: float) -> float:
        return delay


def run_alone(plan: RacePlan, car: CarPlan, pace: CarPace) -> CarRun:
    """One car's run by itself, as calibration tries paces: the same process and arithmetic as in the replay
    (``clock.now += delay`` is what SimPy does), without an event queue or a log."""
    clock, run = _SoloClock(), CarRun()
    for delay in car_process(clock, plan, car, pace, None, run, None):
        clock.now += delay
    return run


def run_cars(plan: RacePlan, paces: dict[str, CarPace],
             cars: list[CarPlan] | None = None) -> tuple[EventLog, dict[str, CarRun]]:
    """Run the given cars (all by default) in one SimPy environment; return the event log and each car's run."""
    env = simpy.Environment()
    others: list = []
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
    others = sort_events([e for e in others if e.time <= end])
    course = Course(lap_length_km=plan.facts.lap_length_km)
    return EventLog(laps, {n: r.driver_from_lap for n, r in runs.items()}, others, course), runs
