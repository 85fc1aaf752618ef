"""What a race kind must give: the contract each kind's folder fills in (``sim/<kind>/kind.py``) and the registry
(:mod:`sim.kinds`) lists.

Every field is required. Where a kind cannot do something (a what-if on a timesheet, Monte Carlo bands on a time
trial), its entry is a :class:`Refusal`: calling it raises one :class:`RaceDataError` naming the kind, what it
cannot do and why, which the command line prints as one line with exit status 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.errors import RaceDataError
from sim.replays import ReplayKind


@dataclass(frozen=True)
class Refusal:
    """What a kind cannot do, and why: calling it raises RaceDataError naming the race."""

    kind: str
    action: str  # "replay a what-if scenario"
    reason: str  # "a time trial's what-ifs are not modelled yet"

    def __call__(self, *args, **kwargs):
        raise RaceDataError(f"cannot {self.action}: it is a {self.kind} race, and {self.reason}", key="race",
                            value=_race_id(args))


def _race_id(args) -> str | None:
    for arg in args:
        for candidate in (arg, getattr(arg, "race", None)):
            if isinstance(getattr(candidate, "id", None), str):
                return candidate.id
    return None


def refuses(entry) -> bool:
    return isinstance(entry, Refusal)


@dataclass(frozen=True)
class RaceKind:
    name: str
    what: str
    parse: Callable  # (document, RaceInfo) -> Race: reads a source document of this kind
    recognises: Callable  # (document) -> bool: whether a document's tables are of this kind
    replay: ReplayKind | Refusal  # what a replay of this kind needs (or why there is none)
    facts: Callable  # (race, seed text) -> the kind's facts
    prepare: Callable  # (race, facts, seed, rules) -> (plan, calibration)
    regulations: Callable  # (replay) -> the breaches of the race's regulations the replay shows
    report: Callable  # (replay) -> report data (checkpoints, conflicts, totals, ...)
    files: Callable  # (replay, report data, montecarlo=None) -> {file name: text}: the text files `run` writes
    plots: Callable  # (replay, report data, bands=None) -> {file name: PNG or SVG bytes}: the plots `run` writes
    plot_kinds: tuple[str, ...]  # what `race-replay plot --kind` can draw, the default first
    draw: Callable  # (replay, plot kind, top, car_class, bands=None) -> Figure
    chart: Callable  # (plot kind or "comparison") -> the chart function itself, with all its options (sim.charts)
    band_kinds: tuple[str, ...]  # the plots that shade Monte Carlo bands (none: bands are refused)
    page: Callable  # (replay, report data) -> bytes: the interactive replay page (replay.html)
    standings_text: Callable  # (replay, CLI args) -> text: `race-replay standings` for this kind
    summary_lines: Callable  # (replay, report data) -> lines `race-replay run` prints after the checkpoints' count
    load_scenario: Callable  # (path) -> a what-if scenario of this kind
    apply_scenario: Callable  # (scenario, race, facts, plan, calibration) -> Replay: the what-if on a calibration
    draw_values: Callable  # (facts, seed, index) -> (values, noise seed): one Monte Carlo draw of the ranges
    with_values: Callable  # (facts, values) -> facts with the drawn values
    draw_record: Callable  # (replay) -> {DrawResult field: value}: what a Monte Carlo draw keeps of its replay
    anchor_dependence: Callable  # (race, facts, plan, calibration, anchors) -> what each anchor holds up
    forecast: Callable  # (race, replay learnt from, runs, seed, workers, progress) -> Forecast
    forecast_source: Callable  # (race) -> the race id the forecast learns from

    @property
    def replays(self) -> bool:
        return not refuses(self.replay)

    @property
    def order(self) -> str:
        return self.replay.order if self.replays else "distance"

    @property
    def unit(self) -> str:
        return self.replay.unit if self.replays else "laps"
