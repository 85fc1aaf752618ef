"""A forecast end to end: the race's data, the hazard learnt from the record, the pace ratio from a replayed race,
the runs and their summary."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.records import Race
from sim.timesheet import hazard as hz
from sim.timesheet.montecarlo import Setup, run
from sim.timesheet.race import ForecastRace, load_forecast_race
from sim.timesheet.record import finish_shares
from sim.timesheet.report import markdown_report
from sim.timesheet.summary import summarise

DEFAULT_RUNS = 2000
DEFAULT_SEED = 0  # a forecast's seed is the user's choice; 0 unless one is given


@dataclass(frozen=True)
class Learnt:
    """What the forecast learns: the hazard from the record (fit, refits, the cross-validated choice of penalties and
    trend, every choice tried) and the practice-to-race pace ratio from the replayed race `race_id`."""

    race_id: str
    fit: hz.Hazard
    refits: list
    choice: dict
    tried: list
    pace_ratio: float
    pace_ratio_text: str
    shares: dict  # year -> (starters, classified) of the record: the decade's range for calibration in the large


@dataclass(frozen=True)
class Forecast:
    race: ForecastRace
    learnt: Learnt
    setup: Setup
    runs: int
    seed: int
    results: dict = field(repr=False)
    summary: dict = field(repr=False)

    def files(self, json_text: str) -> dict[str, bytes]:
        """What `race-replay forecast --out` writes: forecast.json (`json_text`), report.md and the plots."""
        from sim.timesheet.plots import render_plots  # matplotlib: only when the files are written

        images = render_plots(self)
        report = markdown_report(self, sorted(images))
        return {"forecast.json": json_text.encode("utf-8"), "report.md": report.encode("utf-8"), **images}

    def __repr__(self) -> str:
        top = max(self.summary["cars"], key=lambda c: c["p_win"])
        return (f"<Forecast {self.race.race_id}: {self.runs} runs, seed {self.seed}, {len(self.race.cars)} cars, "
                f"favourite car {top['car']} (P(win) {top['p_win']:.2f})>")


_CHOICES: dict = {}  # (record, edges, grid) -> the cross-validated choice: one per process, it is deterministic


def learn(race: ForecastRace, replay, seed: int = 0) -> Learnt:
    """Fit the hazard on the race's record (penalties and trend chosen by leave-one-year-out cross-validation), with
    its bootstrap; the pace ratio from `replay`, the replayed race the race's data names (``learn_from``)."""
    h, cars = race.hazard, race.record.cars
    edges = h["band_edges_hours"]
    key = (cars, tuple(edges), repr(h["grid"]))
    if key not in _CHOICES:
        _CHOICES[key] = hz.choose(cars, edges, h["grid"])
    choice, tried = _CHOICES[key]
    quickest = min(p.segments[0][1] for p in replay.calibration.paces.values())
    practice = replay.race.statistics.get("practice_fastest_lap_s")
    ratio = quickest / practice if practice else 1.05
    text = (f"{ratio:.4f}: the quickest calibrated race pace of {h['learn_from']} ({quickest:.1f} s) over its fastest "
            f"practice lap ({practice:g} s)" if practice else "1.05: the replayed race gives no practice lap")
    return Learnt(h["learn_from"], hz.fit_chosen(cars, edges, choice),
                  hz.bootstrap(cars, edges, choice, int(h["bootstrap"]), seed), choice, tried, ratio, text,
                  finish_shares(cars))


def build_setup(race: ForecastRace, learnt: Learnt) -> Setup:
    """The Monte Carlo's inputs: each car's mean race pace, its class and its hazard under every refit."""
    cars = race.cars
    base = np.array([c.practice_s for c in cars]) * learnt.pace_ratio
    entries = [c.entry for c in cars]
    rates = np.stack([f.car_rates(entries) for f in learnt.refits])
    classes = sorted({c.car_class for c in cars})
    laps = int(math.ceil(race.duration_s / (0.9 * base.min()))) + 2
    return Setup(tuple(c.number for c in cars), base,
                 race.pace_spread, race.pit_stop_s, race.pit_spread, race.lap_noise_sigma, race.tyre_wear_per_lap,
                 race.standing_start_s, race.night, race.stint_laps, race.duration_s, race.classified_share,
                 race.final_lap_s, np.asarray(learnt.fit.edges_h, float), rates, laps,
                 np.array([classes.index(c.car_class) for c in cars]))


def source(race: Race) -> str:
    """The race id the forecast of `race` learns from (its race data's ``hazard.learn_from``)."""
    return load_forecast_race(race).hazard["learn_from"]


def forecast(race: Race, learn_from, runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED, workers: int | None = None,
             progress: bool | None = None) -> Forecast:
    """Forecast a timesheet race (a parsed :class:`~sim.records.Race`): `runs` races from `seed`, with the
    reliability learnt from `learn_from`, the replay of the race :func:`source` names."""
    data = load_forecast_race(race)
    learnt = learn(data, learn_from, seed)
    setup = build_setup(data, learnt)
    results = run(setup, runs, seed, workers, progress)
    summary = summarise(data, setup, results, runs, seed, learnt.shares)
    return Forecast(data, learnt, setup, runs, seed, results, summary)
