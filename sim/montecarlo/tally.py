"""What a sweep keeps of its draws: counts, merged exactly, so a million draws never sit in memory at once.

A worker runs a batch of draws and returns their :class:`Tally`; the sweep merges the tallies as they come. Every
figure of the summary is a count (statuses, winners, margins, failures by cause) or a percentile of whole numbers,
read off a histogram as numpy's ``inverted_cdf`` reads it off the sorted draws: the same summary, byte for byte,
whatever the batches and the order they arrive in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

QUANTILES = (0.1, 0.5, 0.9)


def _add_histogram(histogram: np.ndarray | None, values: np.ndarray) -> np.ndarray:
    """histogram[..., v] += 1 where each cell of `values` holds v (whole numbers, 0 or more), grown as needed."""
    values = np.asarray(values, dtype=np.int64)
    if values.size and values.min() < 0:
        raise ValueError(f"values(min={values.min()}) must be 0 or more")
    depth = int(values.max(initial=0)) + 1
    if histogram is None:
        histogram = np.zeros((*values.shape, depth), dtype=np.int64)
    histogram = _deepened(histogram, depth)
    np.put_along_axis(histogram, values[..., None], np.take_along_axis(histogram, values[..., None], -1) + 1, -1)
    return histogram


def _deepened(histogram: np.ndarray, depth: int) -> np.ndarray:
    if histogram.shape[-1] >= depth:
        return histogram
    pad = [(0, 0)] * (histogram.ndim - 1) + [(0, depth - histogram.shape[-1])]
    return np.pad(histogram, pad)


def _merged_histograms(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None or b is None:
        return a if b is None else b
    depth = max(a.shape[-1], b.shape[-1])
    return _deepened(a, depth) + _deepened(b, depth)


def histogram_quantiles(counts: np.ndarray) -> list[int]:
    """The 10th, 50th and 90th percentile of the values counted in `counts` (counts[v] draws had value v), as
    ``np.quantile(values, QUANTILES, method="inverted_cdf")`` gives them."""
    n = int(counts.sum())
    positions = np.quantile(np.arange(n), QUANTILES, method="inverted_cdf")  # which sorted draw numpy would take
    cumulative = np.cumsum(counts)
    return [int(np.searchsorted(cumulative, p, side="right")) for p in positions]


TOP = 3  # a car in the first TOP at a control in any draw is one of its front-runners


@dataclass
class ControlTally:
    """At one control: who leads in how many draws, how often each car is in the first TOP, and each car's elapsed
    time there (whole seconds) in every draw it passed it."""

    leaders: Counter = field(default_factory=Counter)
    top: Counter = field(default_factory=Counter)
    elapsed: dict = field(default_factory=dict)  # car -> Counter of whole seconds
    positions: dict = field(default_factory=dict)  # car -> Counter of its position by elapsed time there

    def add(self, passed) -> None:
        if passed:
            self.leaders[passed[0][0]] += 1
        for car, _ in passed[:TOP]:
            self.top[car] += 1
        for position, (car, seconds) in enumerate(passed, start=1):
            self.elapsed.setdefault(car, Counter())[seconds] += 1
            self.positions.setdefault(car, Counter())[position] += 1

    def merge(self, other: "ControlTally") -> "ControlTally":
        cars = dict.fromkeys([*self.elapsed, *other.elapsed])
        return ControlTally(self.leaders + other.leaders, self.top + other.top,
                            {car: self.elapsed.get(car, Counter()) + other.elapsed.get(car, Counter()) for car in cars},
                            {car: self.positions.get(car, Counter()) + other.positions.get(car, Counter())
                             for car in cars})


def _merged_controls(a: dict, b: dict) -> dict:
    names = dict.fromkeys([*a, *b])
    return {name: a.get(name, ControlTally()).merge(b.get(name, ControlTally())) for name in names}


@dataclass
class Tally:
    """The counts of a set of draws. `cars` fixes the row order of the histograms (cars x hours x value)."""

    runs: int = 0
    calibrated: int = 0
    failed: Counter = field(default_factory=Counter)
    statuses: list[Counter] = field(default_factory=list)  # one per checkpoint, in the facts' order
    winners: Counter = field(default_factory=Counter)
    margins: Counter = field(default_factory=Counter)
    scenario_winners: Counter = field(default_factory=Counter)
    scenario_margins: Counter = field(default_factory=Counter)
    scenario: bool = False
    cars: tuple[str, ...] = ()
    positions: np.ndarray | None = None
    behind: np.ndarray | None = None
    calibration_ms: Counter = field(default_factory=Counter)  # whole milliseconds: the benchmark's median
    controls: dict = field(default_factory=dict)  # a time trial: control -> ControlTally

    @property
    def has_controls(self) -> bool:
        return bool(self.controls)

    def add(self, result) -> "Tally":
        self.runs += 1
        self.calibration_ms[round(1000 * result.calibration_s)] += 1
        if result.failed is not None:
            self.failed[result.failed] += 1
            return self
        self.calibrated += 1
        if not self.statuses:
            self.statuses = [Counter() for _ in result.statuses]
        for counter, status in zip(self.statuses, result.statuses):
            counter[status] += 1
        self.winners[result.winner] += 1
        if result.margin_laps is not None:
            self.margins[result.margin_laps] += 1
        if result.whatif_winner is not None:
            self.scenario = True
            self.scenario_winners[result.whatif_winner] += 1
            if result.whatif_margin_laps is not None:
                self.scenario_margins[result.whatif_margin_laps] += 1
        if result.positions is not None:
            self._add_bands(result)
        for name, passed in result.controls:
            self.controls.setdefault(name, ControlTally()).add(passed)
        return self

    def _add_bands(self, result) -> None:
        if self.cars and tuple(result.cars) != self.cars:
            raise ValueError("draws of one sweep list the same cars in the same order")
        self.cars = tuple(result.cars)
        laps = np.asarray(result.laps, dtype=np.int64)
        self.positions = _add_histogram(self.positions, result.positions)
        self.behind = _add_histogram(self.behind, laps.max(axis=0, keepdims=True) - laps)

    def merge(self, other: "Tally") -> "Tally":
        """This tally and `other`'s together (both are left as they were)."""
        if self.cars and other.cars and self.cars != other.cars:
            raise ValueError("tallies of one sweep list the same cars in the same order")
        statuses = [a + b for a, b in zip(self.statuses, other.statuses)] if self.statuses and other.statuses \
            else [Counter(c) for c in (self.statuses or other.statuses)]
        return Tally(self.runs + other.runs, self.calibrated + other.calibrated, self.failed + other.failed, statuses,
                     self.winners + other.winners, self.margins + other.margins,
                     self.scenario_winners + other.scenario_winners, self.scenario_margins + other.scenario_margins,
                     self.scenario or other.scenario, self.cars or other.cars,
                     _merged_histograms(self.positions, other.positions), _merged_histograms(self.behind, other.behind),
                     self.calibration_ms + other.calibration_ms, _merged_controls(self.controls, other.controls))

    @classmethod
    def of(cls, results) -> "Tally":
        tally = cls()
        for result in results:
            tally.add(result)
        return tally

    def calibration_ms_median(self) -> float | None:
        if not self.calibration_ms:
            return None
        values = np.array(sorted(self.calibration_ms))
        return float(values[histogram_quantiles(np.array([self.calibration_ms[v] for v in values]))[1]])
