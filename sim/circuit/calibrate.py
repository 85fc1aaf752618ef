"""Calibration: fit each car's pace so that its race ends as the sources say.

Inputs only: the results table (laps, order, retirement hour), the narrative events (windows, delays) and the
assumptions. For each car the base lap time of each segment (split at the laps the narrative places in time) is
found by bisection so that:

* a finisher is ``end_fraction`` of the way round its next lap at the flag with exactly its table laps
  (equal laps: the published order decides who crossed first);
* a retired car completes exactly its table laps and stops within the window the written priority gives
  (see :func:`sim.circuit.plan._end_rule`), at the moment its own pace so far (or, before any anchor, its class's best
  finisher's pace) would put it, clipped to that window;
* a lap the narrative places in a window (Hawthorn's 26th) is completed within it, and a lap placed against
  another car (on its lap at a moment, or seconds behind it) falls where that car's fitted run puts it; those cars
  are therefore fitted first.

Checkpoints are never read here. Raises :class:`CalibrationError` when no pace can meet a car's constraints.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np

from sim.circuit.engine import CarPace, CarRun, run_alone
from sim.circuit.plan import Anchor, CarPlan, Delay, RacePlan
from sim.clock import HOUR, clock_label
from sim.errors import CalibrationError
from sim.replays import DEFAULT_SEED

log = logging.getLogger(__name__)

SLOWEST_BASE_S = 1800.0
_SECANT_STEPS = 6  # then Brent within the bracket found: a root behind a jump needs it
_TOLERANCE_S = 1e-5  # the fitted moment is met to 10 microseconds


@dataclass(frozen=True)
class EndChoice:
    """Where a car's end was placed and why."""

    car: str
    target: float  # seconds from the start
    # finish | narrative | narrative+table | table | relative | same-moment | start, or, where the laps cannot meet
    # the stated end (an EndConflict), nearest-feasible | clock-hour
    rule: str
    window: tuple[float, float] | None
    table_window: tuple[float, float] | None
    narrative_window: tuple[float, float] | None


CLOCK_HOUR_RULE = ("ends: a retirement hour the car's laps cannot meet as a race hour at any pace allowed, but "
                   "can as a clock time of day, is read as the time of day ('(14hr)': 14:00-15:00, 22 h after a "
                   "16:00 start): some results tables write the hour so; a named source conflict")
NEAREST_RULE = ("ends: a retirement hour the car's laps cannot meet at any pace allowed, as a race hour or a clock "
                "time, gives way to the nearest moment they can: their end at the quickest pace allowed; the table's "
                "laps are kept (the harder fact); a named source conflict")
AFTER_FLAG_RULE = ("ends: a retirement hour after the end of the race ('(25hr)' in a 24-hour race) gives way to the "
                   "nearest moment the race has that the car's laps can meet, a minute before the flag (or, where the "
                   "laps meet it, the hour read as a clock time of day); the table's laps are kept; a named source "
                   "conflict")
NO_LAP_RULE = ("ends: a car the table has running at the flag with no lap completed stops on its first lap at the "
               "last moment it could still be on it at the slowest pace allowed; the 0 laps are kept; a named source "
               "conflict")


@dataclass(frozen=True)
class EndConflict:
    """A car whose stated end its table laps cannot meet at any pace within the bounds: the laps are kept (the table's
    harder fact), the stated moment gives way to `moment`, the nearest one they can meet.

    `kind`: "hour" (the hour given way to the nearest feasible moment), "clock" (the hour read as a clock time of
    day, which the laps can meet), "after-flag" (an hour after the end of the race, given way to a minute before the
    flag) or "running" (a car classified or not classified, so running at the flag, with no lap completed)."""

    car: str
    kind: str
    laps: int
    stated: tuple[float, float]  # the stated window (race seconds): the hour, or the flag
    moment: float  # where the end was placed instead
    earliest: float  # the soonest the laps can be run at the quickest pace allowed
    bound_s: float  # the quickest (or, for "running", the slowest) base lap allowed
    window: tuple[float, float] | None = None  # "clock": the clock hour the end falls in


@dataclass(frozen=True)
class Calibration:
    seed: int
    paces: dict[str, CarPace]
    ends: dict[str, EndChoice]
    fastest_base_s: float  # the lower bound on any car's base lap time
    amended: dict[str, CarPlan] = field(default_factory=dict)  # cars given a default stop so their laps fit
    notes: tuple[str, ...] = ()  # the defaults calibration had to add, each with its reason, for the report
    conflicts: tuple[EndConflict, ...] = ()  # stated ends the laps cannot meet, and where the end went instead


def _noise(plan: RacePlan, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    sigma = plan.facts.assumptions.lap_noise_sigma
    out = {}
    for car in sorted(plan.cars, key=lambda c: (len(c.number), c.number)):
        out[car.number] = np.clip(1.0 + sigma * rng.standard_normal(car.laps + 400), 1 - 3 * sigma, 1 + 3 * sigma)
    return out


def _single(plan: RacePlan, car: CarPlan, pace: CarPace) -> CarRun:
    return run_alone(plan, car, pace)


class _Signed:
    """evaluate(b) - target, each base time run once, and the tightest bracket seen: f(below) < 0 <= f(above)."""

    def __init__(self, evaluate, target: float, lo: float, hi: float):
        self.evaluate, self.target, self.seen = evaluate, target, {}
        self.below, self.above = lo, hi

    def __call__(self, b: float) -> float:
        if b not in self.seen:
            self.seen[b] = value = self.evaluate(b) - self.target
            if value < 0:
                self.below = max(self.below, b)
            else:
                self.above = min(self.above, b)
        return self.seen[b]


def _secant(f: _Signed, x0: float, x1: float) -> float | None:
    """Secant steps kept inside the bracket: the root, or None when a step would leave it (a jump, or far off)."""
    for _ in range(_SECANT_STEPS):
        if abs(f(x1)) <= _TOLERANCE_S:
            return x1
        if f(x1) == f(x0):
            return None
        x0, x1 = x1, x1 - f(x1) * (x1 - x0) / (f(x1) - f(x0))
        if not f.below <= x1 <= f.above:
            return None
    return None


def _bisection(f: _Signed, lo: float, hi: float) -> float:
    """Where bisection of [lo, hi] ends, running only the midpoints the bracket does not already decide: a target
    that falls in a jump (a lap's start crossing the fog's edge) is met on the same side of it as by bisection."""
    for _ in range(60):
        mid = (lo + hi) / 2
        if mid <= f.below or (mid < f.above and f(mid) < 0):
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-7:
            break
    return (lo + hi) / 2


def _solve(evaluate, target: float, lo: float, hi: float, guess: float, origin: float, car: CarPlan, what: str,
           key: str = "laps", value=None, unscaled: float = 0.0) -> float:
    """The base lap time in [lo, hi] at which `evaluate` (non-decreasing in it) meets `target`.

    Lap times are linear in the base time except where a lap's start crosses a night or fog edge or a timed delay
    moves to another lap, so secant steps from a guess usually land on the root in two or three runs; otherwise Brent's
    method within the bracket, and where the target lies in a jump, the point bisection would give. The first step
    takes the fitted moment as `origin` (where the fitted laps begin) plus the `unscaled` seconds no pace changes (the
    stops and delays of the guess's run in between) plus a multiple of the base time."""
    value = car.laps if value is None else value
    f = _Signed(evaluate, target, lo, hi)
    x0 = min(max(guess, lo), hi)
    reached = f(x0) + target - origin - unscaled
    x1 = (min(max(x0 * (target - origin - unscaled) / reached, lo), hi) if reached > 0 and target > origin + unscaled
          else x0)
    root = _secant(f, x0, x1 if abs(x1 - x0) > 1e-6 else x0 * (1 + 1e-3) if x0 * (1 + 1e-3) <= hi else x0 * (1 - 1e-3))
    if root is not None:
        return root
    if f(lo) > 1e-6:
        raise CalibrationError(
            f"no pace can satisfy {what}: even at the quickest pace allowed ({lo:.1f} s a lap) it comes "
            f"{f(lo):.0f} s too late", key=key, value=value, car=car.number)
    if f(hi) < 0:
        raise CalibrationError(f"no pace can satisfy {what}: even at {hi:.0f} s a lap it comes too early",
                               key=key, value=value, car=car.number)
    if f(lo) >= 0:
        return _bisection(f, lo, hi)
    from scipy.optimize import brentq  # scipy.optimize takes a fifth of a second to load: the secant rarely fails

    root = float(brentq(f, f.below, f.above, xtol=1e-7))
    return root if abs(f(root)) <= _TOLERANCE_S else _bisection(f, lo, hi)


def _clip_into(value: float, window: tuple[float, float]) -> float:
    """The value, or the nearest point just inside the window (a minute in from its edge)."""
    lo, hi = window
    margin = min(60.0, (hi - lo) / 4)
    return min(max(value, lo + margin), hi - margin)


def _references(car: CarPlan, class_finishers: dict[str, set[str]] | None = None) -> set[str]:
    """The cars that must be fitted before this one: those it is placed against and, for a car that did not
    finish, the finishers of its class (its starting pace is taken from them), or all finishers if it has none."""
    refs = {r for a in car.anchors for r in (a.relative_to, a.at_event_car) if r}
    refs |= {r for r in (car.end.relative_to, car.end.same_moment_as) if r}
    if class_finishers is not None and car.end.kind != "finish":  # no finisher in its class: the median of all
        refs |= class_finishers.get(car.car_class) or set().union(*class_finishers.values())
    return refs - {car.number}


def _dependency_order(cars: list[CarPlan], done: set[str]) -> list[CarPlan]:
    """The cars in their given order, except that a car comes after every car it is placed against, and a car that
    did not finish after its class's best-placed finisher, whose pace it starts from (the first car whose
    references are all fitted goes next)."""
    class_finishers: dict[str, set[str]] = {}
    for c in sorted((c for c in cars if c.end.kind == "finish"), key=lambda c: c.position or 999):
        class_finishers.setdefault(c.car_class, {c.number})
    pending, out, ready = list(cars), [], set(done)
    while pending:
        car = next((c for c in pending if _references(c, class_finishers) <= ready), None)
        if car is None:
            raise _circle_error(pending, ready, class_finishers)
        pending.remove(car)
        out.append(car)
        ready.add(car.number)
    return out


def _circle_error(pending: list[CarPlan], ready: set[str], class_finishers: dict[str, set[str]]) -> CalibrationError:
    """Follow the references from the first waiting car until one repeats: that loop is the circle to report."""
    by_number = {c.number: c for c in pending}
    path, car = [], pending[0]
    while car.number not in path:
        path.append(car.number)
        car = by_number[min(_references(car, class_finishers) - ready)]
    circle = path[path.index(car.number):] + [car.number]
    events = sorted({a.event_id for number in circle[:-1] for a in by_number[number].anchors
                     if a.relative_to in circle})
    return CalibrationError(f"cars placed against each other in a circle ({' -> '.join(circle)}): none can be "
                            "fitted first (a car that did not finish also waits for its class's best-placed finisher)",
                            key="relative_to", value=", ".join(events) or circle[1], car=circle[0])


AHEAD_ACROSS_THE_LINE = 0.75  # of its lap: the other car is that far round, so "ahead" is a lap more, crossed first


def _event_moment(anchor: Anchor, car: CarPlan, runs: dict[str, CarRun]) -> float:
    """The moment of an anchor tied to another car's delay or retirement, as that car's fitted run has it."""
    edges = runs[anchor.at_event_car].moments.get(anchor.at_event)
    if edges is None:
        raise CalibrationError(f"car {anchor.at_event_car}'s event {anchor.at_event} does not happen in its replay, so "
                               "no moment places this car", key=f"event.{anchor.event_id}.at_event",
                               value=anchor.at_event, car=car.number)
    return edges[anchor.at_edge == "end"] + anchor.offset_s


def _resolve(anchor: Anchor, car: CarPlan, runs: dict[str, CarRun]) -> tuple[int, tuple[float, float], float | None]:
    """The lap and window of an anchor, and the moment the car must still be on that lap (None: no such moment).
    A relative anchor is read off the other car's fitted run."""
    if anchor.relative_to is None:
        return anchor.lap, anchor.window, None
    ref = runs[anchor.relative_to].crossings

    def fail(message, value):
        return CalibrationError(message, key=f"event.{anchor.event_id}", value=value, car=car.number)

    if anchor.at is None and anchor.at_event is None:
        if not 0 < anchor.lap <= len(ref):
            raise fail(f"car {anchor.relative_to} never completes lap {anchor.lap}", anchor.lap)
        t = ref[anchor.lap - 1]
        return anchor.lap, (t + anchor.by[0], t + anchor.by[1]), None
    at = anchor.at if anchor.at_event is None else _event_moment(anchor, car, runs)
    ref_laps = int(np.searchsorted(ref, at, side="right"))
    lap = ref_laps - anchor.laps_behind
    if anchor.laps_behind == 0 and anchor.side == "ahead" and _far_round(ref, ref_laps, at):
        if not lap + 1 <= car.laps:
            raise fail(f"at that moment car {anchor.relative_to} has {ref_laps} laps and is most of a lap past the "
                       f"line, so ahead of it is lap {lap + 1}, which is not one of this car's {car.laps} laps",
                       lap + 1)
        return lap + 1, (-np.inf, at - 1.0), at
    _check_on_lap(lap, car, anchor, ref_laps, fail)
    lo, hi = -np.inf, at - 1.0
    if anchor.laps_behind == 0 and anchor.side == "behind":
        lo = ref[lap - 1] + 1.0
    if anchor.laps_behind == 0 and anchor.side == "ahead":
        hi = min(hi, ref[lap - 1] - 1.0)
    return lap, (lo, hi), at


def _far_round(ref, ref_laps: int, at: float) -> bool:
    """Whether the other car is most of a lap (or a long stop) past its last crossing at the moment: a car ahead of
    it then is one that has crossed the line once more, not one that crossed its lap before it did."""
    if ref_laps == 0:
        return False
    last = ref[ref_laps - 1]
    lap_s = last - (ref[ref_laps - 2] if ref_laps >= 2 else 0.0)
    return at - last > AHEAD_ACROSS_THE_LINE * lap_s


def _check_on_lap(lap: int, car: CarPlan, anchor: Anchor, ref_laps: int, fail) -> None:
    if not 0 < lap <= car.laps:
        offset = f"less {anchor.laps_behind}" if anchor.laps_behind >= 0 else f"plus {-anchor.laps_behind}"
        raise fail(f"at that moment car {anchor.relative_to} has {ref_laps} laps; {offset} gives lap {lap}, which is "
                   f"not one of this car's {car.laps} laps", lap)


def _placed(car: CarPlan, runs: dict[str, CarRun]) -> list[tuple[int, tuple[float, float], list[float], list[Anchor]]]:
    """The car's anchors resolved and merged by lap, in lap order: (lap, window, moments it must still be on that
    lap, anchors). Two anchors on one lap (between two cars) put the lap in both windows."""
    merged: dict[int, tuple] = {}
    for anchor in car.anchors:
        lap, window, moment = _resolve(anchor, car, runs)
        if lap > car.laps:
            raise CalibrationError(f"places lap {lap}, beyond the car's {car.laps} laps",
                                   key=f"event.{anchor.event_id}", value=lap, car=car.number)
        if lap in merged:
            _, (lo, hi), moments, anchors = merged[lap]
            window = (max(lo, window[0]), min(hi, window[1]))
            merged[lap] = (lap, window, moments + ([moment] if moment is not None else []), anchors + [anchor])
        else:
            merged[lap] = (lap, window, [moment] if moment is not None else [], [anchor])
    return [merged[k] for k in sorted(merged)]


def _clock(t: float, start) -> str:
    return clock_label(t, start, with_seconds=True) if np.isfinite(t) else "the start"


def _check_placed(car: CarPlan, run: CarRun, placed, start) -> None:
    """A moment anchor holds only if the refitted pace after it leaves the car on that lap: make sure it does."""
    for lap, (lo, hi), moments, anchors in placed:
        crossing = run.crossings[lap - 1]
        for moment in moments:
            on = int(np.searchsorted(run.crossings, moment, side="right"))
            if on != lap or not lo - 0.5 <= crossing <= hi + 0.5:
                ids = ", ".join(a.event_id for a in anchors)
                raise CalibrationError(f"the refitted pace does not keep the placing: at {_clock(moment, start)} "
                                       f"the car is on lap {on} (lap {lap} completed at {_clock(crossing, start)}), "
                                       f"not on lap {lap} within {_clock(lo, start)}-{_clock(hi, start)}",
                                       key=f"event.{ids}", value=lap, car=car.number)


def _middle(car: CarPlan, retirement_at: str) -> float | None:
    """The middle of the hour the results table states, where the race's facts place retirements there (None: where
    the car's own pace puts it within its window)."""
    if retirement_at == "middle" and car.end.window_source == "table" and car.end.window:
        return sum(car.end.window) / 2
    return None


def _standing(car: CarPlan, end: float, seconds: float, plan: RacePlan, notes: list[str]) -> CarPlan:
    """A car whose laps cannot stretch to its end at any pace (a document with no narrative gives no delay): it is
    taken to have stood in the pits after its last lap for the time it has to lose."""
    after = max(car.laps - (car.end.kind == "finish"), 1)
    notes.append(f"car {car.number}: its {car.laps} laps cannot last until its end at "
                 f"{clock_label(end, plan.facts.start)} at any pace: it is taken to stand {seconds / 60:.0f} min in "
                 f"the pits after lap {after} (the document gives no delay)")
    return replace(car, delays=car.delays + (Delay("default-standing-in-the-pits", after_lap=after, seconds=seconds),))


def _finish_fraction(car: CarPlan, plan: RacePlan) -> float:
    """How far round its next lap a finisher is at the flag; on equal laps the published order says who crossed
    first (fitted, and reported so)."""
    if car.tie_size > 1:
        return 0.8 - 0.6 * car.tie_rank / (car.tie_size - 1)
    return plan.facts.assumptions.finish_fraction


def _end_target(car: CarPlan, runs: dict[str, CarRun], retirement_at: str) -> tuple[float | None, str]:
    """When a car that did not finish must end, and by which rule of the written priority (None: where its pace
    puts it within its window)."""
    if car.end.relative_to:
        ref = runs[car.end.relative_to].crossings
        k = car.laps + (car.end.laps_behind or 0)
        if not 0 < k < len(ref):
            raise CalibrationError(f"car {car.end.relative_to} never completes lap {k}, so this car cannot retire "
                                   f"{car.end.laps_behind} laps behind it", key="laps_behind",
                                   value=car.end.laps_behind, car=car.number)
        return ref[k - 1] + 0.5 * (ref[k] - ref[k - 1]), "relative"
    if car.end.same_moment_as:
        return runs[car.end.same_moment_as].end_time, "same-moment"
    return _middle(car, retirement_at), car.end.window_source or "table"


def _unmeetable(car: CarPlan, lap: int, window, anchors, start) -> CalibrationError:
    ids = ", ".join(a.event_id for a in anchors)
    others = ", ".join(sorted({a.relative_to for a in anchors if a.relative_to}))
    return CalibrationError(f"no moment for lap {lap} meets its placing against car(s) {others or '-'}: it would have "
                            f"to be completed after {_clock(window[0], start)} and before {_clock(window[1], start)}",
                            key=f"event.{ids}", value=lap, car=car.number)


def _clock_hour(hour: int | None, start, duration: float, earliest: float) -> tuple[float, float] | None:
    """The first clock hour of day that `hour` names ("(14hr)": 14:00-15:00), as race seconds, that a car whose laps
    end no sooner than `earliest` can meet, or None (no hour, not an hour of the day, or no such hour in the race)."""
    if hour is None or not 0 <= hour <= 24:
        return None
    since_midnight = start.hour * HOUR + start.minute * 60 + start.second
    t = ((hour % 24) * HOUR - since_midnight) % (24 * HOUR)
    while t < duration:
        if earliest < min(t + HOUR, duration) - 1.0:
            return t, min(t + HOUR, duration)
        t += 24 * HOUR
    return None


def _merged(segments: tuple) -> tuple:
    """The segments without those that keep the pace before them: the same pace, so the same run."""
    return tuple(s for i, s in enumerate(segments) if i == 0 or s[1] != segments[i - 1][1])


@dataclass
class _Calibrator:
    """What calibration builds up car by car: the paces and runs fitted so far (later cars are placed against
    them), the cars given a default stop, and the notes for the report."""

    plan: RacePlan
    noise: dict[str, np.ndarray]
    fastest: float
    paces: dict[str, CarPace] = field(default_factory=dict)
    runs: dict[str, CarRun] = field(default_factory=dict)
    amended: dict[str, CarPlan] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    tried: dict = field(default_factory=dict)  # this car's runs by pace: the solvers meet the same paces again
    conflicts: dict[str, EndConflict] = field(default_factory=dict)  # stated ends the laps cannot meet


    def trial(self, car: CarPlan, segments: list, first: int, b: float, end_fraction: float) -> CarRun:
        key = (id(car), _merged(tuple(segments) + ((first, b),)), end_fraction)
        if key not in self.tried:
            pace = CarPace(tuple(segments) + ((first, b),), self.noise[car.number], end_fraction)
            self.tried[key] = (car, _single(self.plan, car, pace))  # the car is kept so its id is not reused
        return self.tried[key][1]

    def fit(self, car: CarPlan, end_target: float | None, prior: float, end_fraction: float) -> float:
        """Fit the car's segments in lap order, each anchor closing one; return the end moment it was fitted to."""
        segments: list[tuple[int, float]] = []
        first, placed = 1, _placed(car, self.runs)
        for lap, window, moments, anchors in placed:
            ids = ", ".join(a.event_id for a in anchors)
            unbroken = self.trial(car, segments, first, prior, end_fraction).crossings
            for moment in moments:  # still on this lap at the moment: no time left for the next one
                next_lap_s = unbroken[lap] - unbroken[lap - 1] if lap < len(unbroken) else prior
                window = (max(window[0], moment - 0.9 * next_lap_s), window[1])
            if window[0] >= window[1]:
                raise _unmeetable(car, lap, window, anchors, self.plan.facts.start)
            origin = unbroken[first - 2] if first > 1 else 0.0
            b = _solve(lambda b, first=first, lap=lap:
                       self.trial(car, segments, first, b, end_fraction).crossings[lap - 1],
                       _clip_into(unbroken[lap - 1], window), self.fastest, SLOWEST_BASE_S, prior, origin,
                       car, f"lap {lap} within its window ({ids})", key=f"event.{ids}", value=lap,
                       unscaled=self.unscaled_seconds(car, first, origin, unbroken[lap - 1], segments, prior,
                                                      end_fraction))
            segments.append((first, b))
            first, prior = lap + 1, b  # a car keeps its pace unless the sources say otherwise
        car, target = self._end(car, segments, first, prior, end_fraction, end_target)
        before = self.trial(car, segments, first, prior, end_fraction)
        origin = before.crossings[first - 2] if first > 1 else 0.0
        b = _solve(lambda b: self.trial(car, segments, first, b, end_fraction).metric, target, self.fastest,
                   SLOWEST_BASE_S, prior, origin, car, f"{car.laps} laps by {target / HOUR:.2f} h",
                   unscaled=self.unscaled_seconds(car, first, origin, before.metric, segments, prior, end_fraction))
        self.paces[car.number] = CarPace(tuple(segments) + ((first, b),), self.noise[car.number], end_fraction)
        self.runs[car.number] = self.trial(car, segments, first, b, end_fraction)
        self.tried.clear()
        _check_placed(car, self.runs[car.number], placed, self.plan.facts.start)
        return target

    def unscaled_seconds(self, car: CarPlan, first: int, origin: float, until: float, segments, prior,
                         end_fraction) -> float:
        """The seconds between origin and until in the run at the prior pace that do not scale with the base lap
        time: its stops and delays, and the standing start if the fitted laps begin at the start."""
        run = self.trial(car, segments, first, prior, end_fraction)
        stopped = sum(seconds for t, seconds in run.stopped if origin <= t < until)
        start = self.plan.facts.assumptions.standing_start_s + car.start_loss_s if first == 1 else 0.0
        return stopped + start

    def _end(self, car, segments, first, prior, end_fraction, target) -> tuple[CarPlan, float]:
        """The end moment to fit (only a window: where the car's pace so far puts it, clipped into it; a moment its
        laps cannot meet: the nearest they can), and the car, given a default stop where no pace can stretch its laps
        that far."""
        if target is None:
            target = _clip_into(self.trial(car, segments, first, prior, end_fraction).metric, car.end.window)
        if car.end.kind != "finish":
            target = self._feasible(car, self.trial(car, segments, first, self.fastest, end_fraction).metric, target)
        if self.plan.facts.assumptions.open_ends and \
                self.trial(car, segments, first, SLOWEST_BASE_S, end_fraction).metric < target:
            lost = target - self.trial(car, segments, first, prior, end_fraction).metric
            car = self.amended[car.number] = _standing(car, target, lost, self.plan, self.notes)
        return car, target

    def _feasible(self, car: CarPlan, earliest: float, target: float) -> float:
        """The target, or where the car's laps run at the quickest pace allowed (`earliest`) cannot reach it by then:
        the soonest moment after it still within the stated window; failing that, the window read as a clock hour
        of day if the laps meet that; failing that, the nearest moment they meet (each a named conflict). Only the
        results table's hour of a document alone gives way (as its default stops, `open_ends`): a race folder states
        its conflicts, so there an end no pace meets (a Monte Carlo draw's) stays an error."""
        if car.end.window_source != "table" or not self.plan.facts.assumptions.open_ends:
            return target  # a race folder names its own conflicts (conflicts.toml): there, as in its draws, an error
        window, duration = car.end.window, self.plan.facts.duration_s
        after_the_flag = self.past_the_flag(car)
        if earliest <= target and not after_the_flag:
            return target
        if window and not after_the_flag and earliest < window[1] - 1.0:  # the hour holds, not its middle
            return _clip_into(earliest, (earliest, window[1]))
        if earliest >= duration:
            raise CalibrationError(f"its {car.laps} laps cannot be run within the {duration / HOUR:g}-hour race even "
                                   f"at the quickest pace allowed ({self.fastest:.1f} s a lap)", key="laps",
                                   value=car.laps, car=car.number)
        stated = window or (target, target)
        clock = _clock_hour(car.end.stated_hour, self.plan.facts.start, duration, earliest)
        if clock is not None:
            moment = min(max(sum(clock) / 2, _clip_into(earliest, (earliest, clock[1]))), clock[1])
            self.conflicts[car.number] = EndConflict(car.number, "clock", car.laps, stated, moment, earliest,
                                                     self.fastest, clock)
            self._note(CLOCK_HOUR_RULE)
            return moment
        if after_the_flag:
            return self.after_the_flag(car, earliest)
        self._note(NEAREST_RULE)
        moment = float(np.ceil(earliest))
        self.conflicts[car.number] = EndConflict(car.number, "hour", car.laps, stated, moment, earliest, self.fastest)
        return moment

    def after_the_flag(self, car: CarPlan, earliest: float) -> float:
        """A retirement hour after the end of the race ("(25hr)"): the laps are kept, the hour gives way to the nearest
        moment the race has that they can meet, a minute before the flag (a named conflict)."""
        duration = self.plan.facts.duration_s
        moment = _clip_into(duration, (earliest, duration))
        self._note(AFTER_FLAG_RULE)
        self.conflicts[car.number] = EndConflict(car.number, "after-flag", car.laps, car.end.window, moment, earliest,
                                                 self.fastest)
        return moment

    def past_the_flag(self, car: CarPlan) -> bool:
        """Whether the car's stated end is a results table's hour after the end of the race (a document alone)."""
        window = car.end.window
        return (car.end.window_source == "table" and self.plan.facts.assumptions.open_ends and window is not None
                and window[0] >= self.plan.facts.duration_s)

    def no_lap_after_the_flag(self, car: CarPlan) -> CarPlan:
        """A car out before its first lap at an hour after the flag: out a minute before the flag instead."""
        moment = self.after_the_flag(car, 0.0)
        car = self.amended[car.number] = replace(car, end=replace(car.end, window=(moment, moment)))
        return car

    def _note(self, rule: str) -> None:
        if rule not in self.notes:
            self.notes.append(rule)

    def no_lap_at_the_flag(self, car: CarPlan) -> CarPlan:
        """A car the table has running at the flag (classified, or not classified with no hour) that completed no
        lap: at the slowest pace allowed its first lap ends long before the flag. The 0 laps are kept; it is taken to
        stop on its first lap at the last moment it could still be on it, the nearest to the flag."""
        a = self.plan.facts.assumptions
        duration = self.plan.facts.duration_s
        moment = min(a.standing_start_s + car.start_loss_s + SLOWEST_BASE_S, duration)
        self._note(NO_LAP_RULE)
        self.conflicts[car.number] = EndConflict(car.number, "running", 0, (duration, duration), moment, moment,
                                                 SLOWEST_BASE_S)
        car = self.amended[car.number] = replace(car, end=replace(car.end, kind="stop", window=(moment, moment),
                                                                   window_source="conflict"))
        return car

    def class_prior(self, finishers: list[CarPlan], car_class: str) -> float:
        """The pace a retired car starts from: its class's best-placed finisher's final pace (the class's
        best-placed finisher is fitted before its other cars; a class without finishers takes the median of the
        others)."""
        best: dict[str, float] = {}
        for c in sorted((c for c in finishers if c.number in self.paces), key=lambda c: c.position or 999):
            best.setdefault(c.car_class, self.paces[c.number].segments[-1][1])
        return best.get(car_class, float(np.median(list(best.values()))) if best else 300.0)


def calibrate(plan: RacePlan, fastest_lap_s: float | None = None, seed: int = DEFAULT_SEED,
              pace_bound_s: float | None = None) -> Calibration:
    """Fit every car's pace; deterministic for a given seed. No car's base lap may be quicker than `pace_bound_s`,
    by default just under the race's fastest lap (less the scatter)."""
    fastest = pace_bound_s if pace_bound_s is not None else 0.97 * fastest_lap_s
    fitter, ends = _Calibrator(plan, _noise(plan, seed), fastest), {}
    finishers = [c for c in plan.cars if c.end.kind == "finish" and c.laps]  # a pace to start a class's others from
    others = [c for c in plan.cars if c not in finishers]
    ordered = ([c for c in others if not c.end.relative_to and not c.end.same_moment_as]
               + [c for c in others if c.end.relative_to]
               + [c for c in others if c.end.same_moment_as])
    fraction = plan.facts.assumptions.retirement_fraction
    for car in _dependency_order(finishers + ordered, set()):
        if car.end.kind == "finish" and car.laps == 0:
            car = fitter.no_lap_at_the_flag(car)
        window = (car.end.window, car.end.table_window, car.end.narrative_window)
        if car.end.kind == "finish":
            target = fitter.fit(car, plan.facts.duration_s, plan.facts.duration_s / max(car.laps, 1),
                                _finish_fraction(car, plan))
            ends[car.number] = EndChoice(car.number, target, "finish", car.end.window, None, None)
            continue
        prior = fitter.class_prior(finishers, car.car_class)
        if car.laps == 0:
            if fitter.past_the_flag(car):
                car = fitter.no_lap_after_the_flag(car)
            lo, hi = car.end.window or (0.0, 60.0)
            fitter.paces[car.number] = CarPace(((1, prior),), fitter.noise[car.number], fraction)
            fitter.runs[car.number] = _single(plan, car, fitter.paces[car.number])
            ends[car.number] = EndChoice(car.number, (lo + hi) / 2, _rule(fitter, car, "start"), *window)
            continue
        target, rule = _end_target(car, fitter.runs, plan.facts.assumptions.retirement_at)
        if car.end.window is None and target is None:
            raise CalibrationError("the sources give no time for this car's retirement", key="retirement_hour",
                                   car=car.number)
        target = fitter.fit(car, target, prior, fraction)
        ends[car.number] = EndChoice(car.number, target, _rule(fitter, car, rule), *window)
    return Calibration(seed, fitter.paces, ends, fastest, fitter.amended, tuple(fitter.notes),
                       tuple(fitter.conflicts[c.number] for c in plan.cars if c.number in fitter.conflicts))


CONFLICT_RULES = {"hour": "nearest-feasible", "running": "nearest-feasible", "after-flag": "nearest-feasible",
                  "clock": "clock-hour"}


def _rule(fitter: _Calibrator, car: CarPlan, rule: str) -> str:
    """The rule that placed the car's end: its own, unless the laps could not meet it (a conflict)."""
    conflict = fitter.conflicts.get(car.number)
    return CONFLICT_RULES[conflict.kind] if conflict else rule
