"""The ``race-replay montecarlo`` subcommand: recalibrated replays over every ranged assumption (issue 12)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.common import (
    DEFAULT_SEED,
    MAX_DRAWS,
    MAX_WORKERS,
    output_folder_path,
    race_name,
    scheduler_address,
    whole_number,
)
from sim.errors import RaceReplayError

DEFAULT_RUNS = 300


def add_montecarlo_parser(subparsers) -> None:
    parser = subparsers.add_parser("montecarlo",
                                   help="replay a race over its assumptions' ranges, recalibrating each draw")
    parser.add_argument("race", type=race_name, help="a race id with replay data")
    parser.add_argument("--runs", type=whole_number(1, MAX_DRAWS), default=DEFAULT_RUNS,
                        help=f"draws, at most {MAX_DRAWS:,} (default {DEFAULT_RUNS})")
    parser.add_argument("--seed", type=whole_number(), default=DEFAULT_SEED,
                        help=f"seed, 0 or more (default {DEFAULT_SEED})")
    parser.add_argument("--workers", type=whole_number(1, MAX_WORKERS), default=None,
                        help=f"Dask worker processes on this machine, at most {MAX_WORKERS} (default: every core; "
                             "1: in this process, no Dask)")
    parser.add_argument("--scheduler", type=scheduler_address, default=None,
                        help="the address of a running Dask scheduler (tcp://host:8786)")
    parser.add_argument("--only", action="append", default=[], metavar="PATTERN",
                        help="draw only the ranges whose name matches (glob, e.g. 'event.hawthorn-*'; repeatable)")
    parser.add_argument("--scenario", type=Path, default=None,
                        help="a what-if TOML: each draw also replays it on its own calibration (P(win) under it)")
    parser.add_argument("--out", type=output_folder_path, default=None,
                        help="write montecarlo.json, report.md, checkpoints.md (with the share of draws in which each "
                             "checkpoint holds) and the position and race-history plots with the bands here")
    parser.add_argument("--no-plots", action="store_true", help="with --out: skip the plots")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="a progress bar of the draws on stderr (default: when stderr is a terminal)")
    parser.set_defaults(handler=cmd_montecarlo)


def _progress(args: argparse.Namespace) -> bool:
    """--progress / --no-progress, else a bar only for a person watching (stderr a terminal, not a log or a pipe)."""
    return sys.stderr.isatty() if args.progress is None else args.progress


def cmd_montecarlo(args: argparse.Namespace) -> int:
    from sim.montecarlo.api import sweep_summary
    from sim.montecarlo.run import base
    from sim.montecarlo.summary import markdown_report, to_json

    if args.seed < 0:
        raise RaceReplayError("must be 0 or more", key="--seed", value=str(args.seed))
    race, facts = base(args.race)
    summary = sweep_summary(race.id, args.runs, args.seed, args.workers, args.scheduler, tuple(args.only),
                            args.scenario, _progress(args), keys=("--only", "--scenario"))
    text = to_json(summary)
    if args.out is not None:
        from sim.output import output_folder

        files = {"montecarlo.json": (text + "\n").encode("utf-8"),
                 "report.md": markdown_report(summary, facts).encode("utf-8")}
        if not args.no_plots:
            files |= banded_files(race.id, summary)
        with output_folder(args.out, race=race.id, seed=args.seed, runs=args.runs,
                           command=["race-replay", *args.argv]) as folder:
            for name, data in files.items():
                folder.write_bytes(name, data)
    if args.format == "json":
        print(text)
    else:
        print(_table(summary))
    return 0


def banded_files(race_id: str, summary: dict, replay=None) -> dict[str, bytes]:
    """The checkpoint report with its "holds in % of draws" column and the position and race-history plots with
    the bands, of the replay at the default seed (or `replay`): {file name: bytes}."""
    from sim.kinds import kind_of
    from sim.pipeline import run_replay
    from sim.plots.render import render_figure  # matplotlib: only when plots are drawn

    replay = run_replay(race_id) if replay is None else replay
    kind = kind_of(replay.race)
    data = kind.report(replay)
    files = {"checkpoints.md": kind.files(replay, data, montecarlo=summary)["checkpoints.md"].encode("utf-8")}
    for plot in kind.band_kinds:
        fig = kind.draw(replay, plot, bands=summary)
        files |= {plot + suffix: image for suffix, image in render_figure(fig).items()}
    return files


def _table(summary: dict) -> str:
    lines = [f"{summary['race']}: {summary['runs']} draws, seed {summary['seed']}, {summary['calibrated']} calibrated"]
    for cause, count in summary["failed"].items():
        lines.append(f"  failed {count:>5}  {cause}")
    lines.append("winners: " + ", ".join(f"car {c} {100 * s:.1f}%" for c, s in summary["winners"].items()))
    for control in summary.get("controls", ()):  # a time trial: who leads where
        lines.append(f"leads at {control['control']}: "
                     + ", ".join(f"car {c} {100 * s:.1f}%" for c, s in control["leaders"].items()))
    if summary.get("margin_laps"):
        m = summary["margin_laps"]
        lines.append(f"winner's margin (laps): p10 {m['p10']}, p50 {m['p50']}, p90 {m['p90']}; per margin: "
                     + ", ".join(f"{k} {100 * v:.0f}%" for k, v in summary["margin_laps_share"].items()))
    if "scenario_winners" in summary:
        lines.append("under the scenario: "
                     + ", ".join(f"car {c} {100 * s:.1f}%" for c, s in summary["scenario_winners"].items())
                     + f"; margin (laps) {summary['scenario_margin_laps']}")
    lines.append(f"{'checkpoint':<48} {'pass':>6} {'fitted':>7} {'fail':>6} {'conflict':>9}")
    for cp in summary["checkpoints"]:
        s = cp["status_share"]
        cells = [f"{100 * s[k]:.0f}%" if k in s else "-" for k in ("pass", "fitted", "fail", "conflict")]
        lines.append(f"{cp['id']:<48} {cells[0]:>6} {cells[1]:>7} {cells[2]:>6} {cells[3]:>9}")
    return "\n".join(lines)


SUBCOMMANDS = (add_montecarlo_parser,)
