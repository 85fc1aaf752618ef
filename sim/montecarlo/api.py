"""The Monte Carlo for notebooks and scripts: :func:`monte_carlo` runs a sweep, :class:`MonteCarlo` reads what it says.

>>> mc = sim.monte_carlo("<race id>", runs=20, only=("event.*",))     # doctest: +SKIP
>>> mc.winners, mc.margin, mc.checkpoint_shares().head()             # doctest: +SKIP
>>> sim.position_chart(sim.replay("<race id>"), bands=mc)             # doctest: +SKIP
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

import pandas as pd

from sim import kinds
from sim.bands import STATUSES, WHAT, check_summary, holds_share, margin_distribution
from sim.errors import RaceReplayError
from sim.montecarlo.run import base
from sim.montecarlo.summary import summarise, to_json
from sim.montecarlo.sweep import sweep
from sim.output import write_file
from sim.racekind import refuses
from sim.replays import DEFAULT_SEED


class MonteCarlo:
    """A sweep's summary (the montecarlo.json file) with the questions a reader asks of it.

    Shares are over the `calibrated` draws; `failed` counts the others by cause."""

    def __init__(self, summary: dict, file=None) -> None:
        self.summary = check_summary(summary, file)

    race = property(lambda self: self.summary["race"], doc="the race id")
    runs = property(lambda self: self.summary["runs"], doc="the draws run")
    seed = property(lambda self: self.summary["seed"], doc="the sweep's seed")
    calibrated = property(lambda self: self.summary["calibrated"], doc="the draws that could be calibrated")
    failed = property(lambda self: dict(self.summary["failed"]), doc="{cause: draws that could not be calibrated}")
    winners = property(lambda self: dict(self.summary["winners"]), doc="{car: share of the draws it wins}")
    scenario_winners = property(lambda self: dict(self.summary.get("scenario_winners") or {}),
                                doc="{car: share of the draws it wins under the scenario} ({} without one)")
    margin = property(lambda self: margin_distribution(self.summary),
                      doc="the winner's margin in laps: {p10, p50, p90, share: {laps: share}}, or None")
    scenario_margin = property(lambda self: margin_distribution(self.summary, scenario=True),
                               doc="the winner's margin in laps under the scenario (as `margin`), or None")

    @property
    def cars(self) -> list[str]:
        return list(dict.fromkeys(row["car"] for row in self.summary["positions"]))

    def p_win(self, car, scenario: bool = False) -> float:
        """The share of the calibrated draws that `car` wins (under the scenario if `scenario`).

        Raises RaceReplayError for a car the summary does not know, or `scenario` without a scenario."""
        car = str(car)
        if self.cars and car not in self.cars:
            raise RaceReplayError("is not a car of this Monte Carlo", key="car", value=car)
        if scenario and "scenario_winners" not in self.summary:
            raise RaceReplayError("this Monte Carlo ran no scenario", key="scenario", value=scenario)
        return float((self.scenario_winners if scenario else self.winners).get(car, 0.0))

    def checkpoint_shares(self) -> pd.DataFrame:
        """One row per checkpoint: id, kind, the share of each status, and `holds` (pass, or the fit holds)."""
        rows = []
        for cp in self.summary["checkpoints"]:
            share = cp["status_share"]
            rows.append({"id": cp["id"], "kind": cp.get("kind", ""), **{s: float(share.get(s, 0.0)) for s in STATUSES},
                         "holds": holds_share(share)})
        columns = ["id", "kind", *STATUSES, "holds"]
        return pd.DataFrame(rows, columns=columns).astype({"id": "string", "kind": "string"})

    def positions(self) -> pd.DataFrame:
        """The bands per car and hour: car, hour, p10/p50/p90 of position, laps_behind_p10/p50/p90."""
        columns = ["car", "hour", *WHAT["position"], *WHAT["laps_behind"]]
        frame = pd.DataFrame(self.summary["positions"], columns=columns)
        return frame.astype({"car": "string", **{c: "int64" for c in columns[1:]}})

    def to_json(self) -> str:
        return to_json(self.summary)

    def save(self, path) -> Path:
        """Write the summary as a montecarlo.json file at `path` (atomically, parent folders created); returns the
        path. Raises OSError naming the file that cannot be written."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_file(path, (self.to_json() + "\n").encode("utf-8"))

    @classmethod
    def read(cls, path) -> "MonteCarlo":
        """A saved montecarlo.json. Raises RaceReplayError naming the file (and the key) if it is not one."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise RaceReplayError(f"cannot be read: {exc.strerror}", file=path) from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise RaceReplayError(f"is not a Monte Carlo summary (montecarlo.json): not JSON ({exc})",
                                  file=path) from None
        return cls(data, file=path)

    def __repr__(self) -> str:
        top = ", ".join(f"car {c} {100 * s:.0f}%" for c, s in list(self.winners.items())[:3])
        return (f"<MonteCarlo {self.race}: {self.runs} draws, seed {self.seed}, {self.calibrated} calibrated; "
                f"winners {top or 'none'}>")


def prepare(race_id, only=(), scenario=None, keys=("only", "scenario")):
    """(race, facts, scenario file or None) of a sweep, its arguments checked first: a race with ranges, `only`
    patterns that match a range, a scenario of this race. `keys` name the arguments in the errors."""
    race, facts = base(str(race_id))
    kind = kinds.replay_kind(race)
    if refuses(kind.draw_values):
        kind.draw_values(race)
    if not facts.ranges:
        raise RaceReplayError("has no ranged assumptions to draw (give `range` in its race files)", key="race",
                              value=race.id)
    names = [r.name for r in facts.ranges]
    for pattern in only:
        if not any(fnmatch.fnmatchcase(n, pattern) for n in names):
            raise RaceReplayError("matches no range of this race", key=keys[0], value=pattern)
    if scenario is None:
        return race, facts, None
    loaded = kind.load_scenario(scenario) if isinstance(scenario, (str, Path)) else scenario  # errors before any draw
    if loaded.race != race.id:
        raise RaceReplayError(f"is a scenario of {loaded.race}, not of {race.id}", file=loaded.file, key=keys[1])
    if loaded.file is None:  # each draw reads the scenario again, in its own process
        raise RaceReplayError("must be a scenario file (each draw reads it)", key=keys[1], value=loaded.name)
    return race, facts, str(Path(loaded.file).resolve())


def sweep_summary(race_id, runs: int, seed: int, workers=None, scheduler=None, only=(), scenario=None,
                  progress: bool = False, keys=("only", "scenario")) -> dict:
    """Run the sweep and summarise it: the montecarlo.json dict (with `only` and `scenario` when given)."""
    race, facts, scenario_file = prepare(race_id, tuple(only), scenario, keys)
    results = sweep(race.id, runs, seed, workers, scheduler, progress, tuple(only), scenario_file)
    summary = summarise(race.id, facts, seed, results)
    if only:
        summary["only"] = list(only)
    if scenario_file is not None:
        summary["scenario"] = Path(scenario_file).name
    return summary


def monte_carlo(race_id, runs: int = 100, seed: int = DEFAULT_SEED, workers: int | None = 1, only=(), scenario=None,
                scheduler: str | None = None, progress: bool = False) -> MonteCarlo:
    """`runs` recalibrated replays of `race_id` over its ranged assumptions (:mod:`sim.montecarlo`), summarised.

    `workers=1` runs in this process; more start a local Dask cluster (None: a worker per core); `scheduler` sends
    the draws to a running one. `only` (glob patterns of range names) draws just those ranges; `scenario` (a TOML
    file or a loaded Scenario) is also replayed on each draw's calibration. Raises RaceReplayError for a race with
    no ranges, a pattern that matches none, a scenario of another race, `runs` or `workers` below 1 or a negative
    `seed`."""
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise RaceReplayError("must be a whole number of 1 or more", key="runs", value=runs)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise RaceReplayError("must be a whole number, 0 or more", key="seed", value=seed)
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise RaceReplayError("must be None (a worker per core) or a whole number of 1 or more", key="workers",
                              value=workers)
    if isinstance(only, str):
        only = (only,)
    return MonteCarlo(sweep_summary(race_id, runs, seed, workers, scheduler, tuple(only), scenario, progress))
