"""Monte Carlo bands for ``race-replay plot --bands`` and ``race-replay run --draws N``: the options and the summary.

``plot --bands`` reads the bands from ``--montecarlo FILE`` (a saved montecarlo.json of the same race) or runs a
sweep of ``--runs`` draws; ``run --draws N`` runs N draws and writes montecarlo.json beside the replay's files.
Bad values are RaceReplayErrors naming the option (one line, exit 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.common import MAX_DRAWS, MAX_WORKERS, seed_of, whole_number
from sim.errors import RaceReplayError

DEFAULT_BAND_RUNS = 100  # draws `plot --bands` runs without --montecarlo


def _sweep_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=whole_number(1, MAX_WORKERS), default=None,
                        help=f"Dask worker processes for the draws, at most {MAX_WORKERS} (default: every core; 1: in "
                             "this process)")
    parser.add_argument("--only", action="append", default=[], metavar="PATTERN",
                        help="draw only the ranges whose name matches (glob, e.g. 'event.hawthorn-*'; repeatable)")


def add_plot_band_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bands", action="store_true",
                        help="shade each car's 10th-90th percentile over Monte Carlo draws (positions, history)")
    parser.add_argument("--montecarlo", type=Path, default=None, metavar="FILE",
                        help="read the bands from this montecarlo.json (implies --bands)")
    parser.add_argument("--runs", type=whole_number(1, MAX_DRAWS), default=None,
                        help=f"with --bands and no --montecarlo: draws to run, at most {MAX_DRAWS:,} (default "
                             f"{DEFAULT_BAND_RUNS})")
    _sweep_arguments(parser)


def add_run_band_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--draws", type=whole_number(0, MAX_DRAWS), default=0,
                        help=f"also run N Monte Carlo draws (at most {MAX_DRAWS:,}): montecarlo.json, bands on the "
                             "position and race-history plots, and the report's 'holds in %% of draws' column "
                             "(default 0: none; only a race with ranged assumptions)")
    _sweep_arguments(parser)


def _sweep_options_given(args) -> str | None:
    for option, given in (("--runs", getattr(args, "runs", None) is not None),
                          ("--workers", args.workers is not None), ("--only", bool(args.only))):
        if given:
            return option
    return None


def plot_bands(args, replay, band_kinds) -> dict | None:
    """The Monte Carlo summary `plot` draws its bands from, or None without --bands / --montecarlo."""
    if not (args.bands or args.montecarlo is not None):
        option = _sweep_options_given(args)
        if option:
            raise RaceReplayError("applies only with --bands", key=option)
        return None
    if args.kind not in band_kinds:
        on = f"--bands draws on {', '.join(band_kinds)}" if band_kinds else "no plot of this race's kind has bands"
        raise RaceReplayError(f"draws no bands ({on})", key="--kind", value=args.kind)
    if getattr(args, "scenario", None) is not None:
        raise RaceReplayError("are of the real race's draws: give --bands or --scenario, not both", key="--bands")
    if args.montecarlo is not None:
        option = _sweep_options_given(args)
        if option:
            raise RaceReplayError("runs draws, and --montecarlo reads them: give one", key=option)
        summary = read_summary(args.montecarlo, replay.race.id)
    else:
        summary = run_sweep(args, replay.race.id, args.runs or DEFAULT_BAND_RUNS)
    if not summary["calibrated"]:
        raise RaceReplayError(f"no draw could be calibrated ({_failures(summary)}): no bands to draw",
                              key="--montecarlo" if args.montecarlo is not None else "--bands")
    return summary


def read_summary(path: Path, race_id: str) -> dict:
    """A saved montecarlo.json of race `race_id`; RaceReplayError naming the file otherwise."""
    from sim.montecarlo.api import MonteCarlo

    summary = MonteCarlo.read(path).summary
    if summary["race"] != race_id:
        raise RaceReplayError(f"is a Monte Carlo of another race, not of {race_id}", file=path, key="race",
                              value=summary["race"])
    return summary


def check_draws(args) -> None:
    """Before a run replays anything: --draws needs a race with ranges, --only patterns that match one."""
    if not args.draws:
        option = _sweep_options_given(args)
        if option:
            raise RaceReplayError("applies only with --draws", key=option)
        return
    from sim.montecarlo.api import prepare

    try:
        race, _, _ = prepare(args.race, tuple(args.only), keys=("--only", "--scenario"))
    except RaceReplayError as exc:
        if exc.key != "race":
            raise
        raise RaceReplayError(f"cannot be used: the race {exc.message}", key="--draws", value=args.draws) from None
    from sim.kinds import kind_of  # the registry loads every kind: not for --help

    if not kind_of(race).band_kinds:  # its plots could not show what the draws say
        raise RaceReplayError(f"cannot be used: a {kind_of(race).name} race has no plots with bands", key="--draws",
                              value=args.draws)


def run_sweep(args, race_id: str, runs: int) -> dict:
    from sim.montecarlo.api import sweep_summary  # Dask and the replay: only when draws are asked for

    return sweep_summary(race_id, runs, seed_of(args), args.workers, None, tuple(args.only),
                         progress=sys.stderr.isatty(), keys=("--only", "--scenario"))  # a bar for a person watching


def _failures(summary: dict) -> str:
    return "; ".join(f"{n} x {cause}" for cause, n in summary["failed"].items()) or "none run"


def summary_line(summary: dict) -> str:
    """One line for `run`: the draws, how many calibrated, the winners."""
    winners = ", ".join(f"car {c} {100 * s:.0f}%" for c, s in list(summary["winners"].items())[:3])
    lost = summary["runs"] - summary["calibrated"]
    failed = f"; {lost} could not be calibrated (by cause in montecarlo.json)" if lost else ""
    return (f"Monte Carlo: {summary['runs']} draws (seed {summary['seed']}), {summary['calibrated']} calibrated"
            + (f"; winners {winners}" if winners else "") + failed)
