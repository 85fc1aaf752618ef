"""The replay subcommands of ``race-replay``: run, standings, check, plot (wired into :mod:`sim.cli`)."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import time
from pathlib import Path

from sim.cli import batch as cli_batch
from sim.cli.bands import (
    add_plot_band_arguments,
    add_run_band_arguments,
    check_draws,
    plot_bands,
    run_sweep,
    summary_line,
)
from sim.cli.common import (
    check_class,
    load_replay,
    output_folder_path,
    output_path,
    replay_arguments,
    seed_of,
    whole_number,
)
from sim.errors import RaceReplayError

ORDERS = ("distance", "road", "elapsed")  # as sim.standings' (a test keeps them equal); it loads pandas

DEFAULT_OUT = "out/<race id>"


def _out_folder(args) -> Path:
    """--out, or out/<race id> (the id of a document path is its file name)."""
    if args.out is not None:
        return args.out
    from sim.sources import resolve

    return Path("out") / resolve(args.race).id


# -- run ---------------------------------------------------------------------------------------

def add_run_parser(subparsers) -> None:
    parser = subparsers.add_parser("run", help="replay a race: standings, event log, checkpoint report and plots "
                                               "(several documents, or a folder of them: each, and an index)")
    replay_arguments(parser, several=True)
    parser.add_argument("--out", type=output_folder_path, default=None,
                        help=f"output folder (default {DEFAULT_OUT}); it then holds this run's files and run.json "
                             "(an earlier run's other files are removed); a second run into it waits for the first. "
                             f"Several documents: DIR/<race id>/ each, DIR/index.html and index.csv (default "
                             f"{cli_batch.DEFAULT_OUT})")
    parser.add_argument("--no-plots", action="store_true", help="skip the plots")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_run_band_arguments(parser)
    cli_batch.add_batch_arguments(parser)
    parser.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    """Replay, write every output file into --out, print a short summary (or JSON of it).

    Everything is computed (plots rendered in memory) before the folder is touched; the files are
    then written under a lock on the folder, with run.json last (see :mod:`sim.output`). A second
    run into the same folder waits until the first has written its files."""
    if cli_batch.is_batch(args):
        return cli_batch.cmd_batch(args)
    args.race = args.race[0]
    cli_batch.check_single(args)
    from sim.kinds import kind_of
    from sim.output import output_folder

    started = time.perf_counter()
    command = shlex.join(["race-replay", *getattr(args, "argv", ["run", args.race])])
    args.out = _out_folder(args)
    check_draws(args)
    with output_folder(args.out, race=args.race, seed=seed_of(args), scenario=None, command=command) as folder:
        replay = load_replay(args)
        kind = kind_of(replay.race)
        data, montecarlo = _run_files(args, folder, kind, replay)
    written = folder.written
    final = replay.standings(seconds=replay.facts.duration_s, by=kind.order)
    summary = {
        "race": replay.race.id,
        "seed": replay.calibration.seed,
        "winner": final.car.iloc[0],
        "winner_laps": int(final.laps.iloc[0]),
        "margin_laps": int(final.laps.iloc[0] - final.laps.iloc[1]) if len(final) > 1 else None,
        "checkpoints": data["totals"],
        "conflicts": len(data["conflicts"]),
        "regulation_breaches": [f"car {b['car']}: {b['detail']}" + (" (recorded)" if b["recorded"] else "")
                                for b in data.get("regulations", ())],
        "files": {name: str(path) for name, path in sorted(written.items())},
        "seconds": round(time.perf_counter() - started, 2),
    }
    if montecarlo is not None:
        summary["montecarlo"] = {k: montecarlo[k] for k in ("runs", "seed", "calibrated", "failed", "winners")}
    if args.format == "json":
        print(json.dumps(summary, indent=2))
        return 0
    top = final.head(6)
    print(f"{replay.race.title}: replay of {len(replay.plan.cars)} starters, seed {summary['seed']}")
    print("At the flag: " + ", ".join(f"{p}. car {c} ({m}, {laps} {kind.unit})"
                                      for p, c, m, laps in zip(top.position, top.car, top.make, top.laps)))
    totals = ", ".join(f"{v} {k}" for k, v in data["totals"].items())
    checked = f"{sum(data['totals'].values())} ({totals})" if totals else "none (the race has no published checkpoints)"
    print(f"Checkpoints: {checked}; source conflicts: {summary['conflicts']}")
    for line in kind.summary_lines(replay, data):
        print(line)
    if montecarlo is not None:
        print(summary_line(montecarlo))
    print(f"Wrote {len(written)} files to {args.out}/ in {summary['seconds']} s:")
    for name in sorted(written):
        print(f"  {written[name]}")
    return 0


def _run_files(args, folder, kind, replay) -> tuple[dict, dict | None]:
    """Add a run's files to `folder`: the report, the page, the plots and, with --draws, montecarlo.json (the
    report then has the holds column, the position and race-history plots the bands). Returns (report data,
    the Monte Carlo summary or None)."""
    montecarlo = None
    if args.draws:
        from sim.montecarlo.summary import to_json

        montecarlo = run_sweep(args, replay.race.id, args.draws)
        folder.write_text("montecarlo.json", to_json(montecarlo) + "\n")
    drawn = montecarlo if montecarlo is not None and montecarlo["calibrated"] else None  # no bands from 0 draws
    from sim.batch import replay_files  # the replay's libraries: not for --help

    return replay_files(kind, replay, folder, plots=not args.no_plots, montecarlo=drawn), montecarlo


# -- standings ---------------------------------------------------------------------------------

def add_standings_parser(subparsers) -> None:
    parser = subparsers.add_parser("standings", help="the standings at each hour (or --at given hours / clock times)")
    replay_arguments(parser)
    parser.add_argument("--at", nargs="+", metavar="H",
                        help="race hours (e.g. 5 12.5) or clock times (e.g. 21:00); a time trial: controls (e.g. Roma)")
    parser.add_argument("--class", dest="car_class",
                        help="only one class, e.g. S1.1 or S-1100 (positions stay overall; see class_position)")
    parser.add_argument("--by", choices=ORDERS, default=None,
                        help="the order: distance (a circuit), elapsed or road (a time trial); default the race's own")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.set_defaults(handler=cmd_standings)


def cmd_standings(args: argparse.Namespace) -> int:
    from sim.kinds import kind_of

    replay = load_replay(args)
    kind = kind_of(replay.race)
    if args.by is not None and args.by not in replay.kind.orders:
        raise RaceReplayError(f"is not an order of a {kind.name} race ({', '.join(replay.kind.orders)})", key="--by",
                              value=args.by)
    check_class(replay, args.car_class)
    print(kind.standings_text(replay, args))
    return 0


# -- check -------------------------------------------------------------------------------------

def add_check_parser(subparsers) -> None:
    parser = subparsers.add_parser("check", help="the checkpoint report: the replay against every published statement")
    replay_arguments(parser)
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from sim.kinds import kind_of

    replay = load_replay(args)
    kind = kind_of(replay.race)
    data = kind.report(replay)
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    elif args.format == "markdown":
        print(kind.files(replay, data)["checkpoints.md"], end="")
    else:
        totals = ", ".join(f"{v} {k}" for k, v in data["totals"].items())
        print(f"{replay.race.title}: {sum(data['totals'].values())} checkpoints ({totals})")
        for c in data["checkpoints"]:
            print(f"  {c['status']:<13} {c['moment']:<12} {c['id']:<40} published {_short(c['published'])}; "
                  f"replay {_short(c['replay'])}")
        print(f"{len(data['conflicts'])} source conflicts:")
        for c in data["conflicts"]:
            print(f"  {c['subject']}: chosen {c['chosen']}")
        for line in kind.summary_lines(replay, data):  # what the kind adds: defaults, regulations, a course profile
            print(line)
    return 0


def _short(value) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(str(v) for v in value) + "]"
    return str(value)


# -- plot --------------------------------------------------------------------------------------

def add_plot_parser(subparsers) -> None:
    parser = subparsers.add_parser("plot", help="draw one plot of a replay (PNG and SVG)")
    replay_arguments(parser)
    parser.add_argument("--kind", default=None,
                        help="the plot (default the race kind's first: positions for a circuit, distance-time for a "
                             "time trial)")
    parser.add_argument("--scenario", type=Path,
                        help="a what-if scenario file (TOML) to replay instead of the real race")
    parser.add_argument("--top", type=whole_number(1), help="only cars that reached the top N")
    parser.add_argument("--class", dest="car_class", help="only one class, e.g. S1.1")
    # a str, not a Path: Path("outs/") drops the slash that says "a folder"
    parser.add_argument("--out", type=output_path, required=True,
                        help="output file (FILE.png and FILE.svg are written), or a folder (DIR/ or an existing "
                             "folder: DIR/<kind>.png and .svg)")
    add_plot_band_arguments(parser)
    parser.set_defaults(handler=cmd_plot)


def cmd_plot(args: argparse.Namespace) -> int:
    from sim.kinds import kind_of  # the registry loads every kind: not for --help
    from sim.plots.render import save_figure  # matplotlib: only for the commands that draw
    from sim.racekind import refuses

    race = _race(args)
    race_kind = kind_of(race)
    if refuses(race_kind.draw):  # a kind that draws nothing says why
        race_kind.draw(race)
    if args.kind is None:
        args.kind = race_kind.plot_kinds[0]
    if args.kind not in race_kind.plot_kinds:
        raise RaceReplayError(f"is not a plot of a {race_kind.name} race ({', '.join(race_kind.plot_kinds)})",
                              key="--kind", value=args.kind)
    replay = load_replay(args)
    car_class = check_class(replay, args.car_class)
    bands = plot_bands(args, replay, race_kind.band_kinds)
    fig = race_kind.draw(replay, args.kind, top=args.top, car_class=car_class, bands=bands)
    for path in save_figure(fig, _plot_base(args.out, args.kind)):  # rendered first, then written atomically
        print(path)
    return 0


def _race(args):
    from sim.kinds import load_race

    return load_race(args.race)


def _plot_base(out: str, kind: str) -> Path:
    """The path, without suffix, that plot --out names: DIR/<kind> for a folder, else FILE without .png/.svg."""
    path = Path(out)
    if out.endswith(("/", os.sep)) or path.is_dir():
        return path / kind
    return path.with_suffix("") if path.suffix in (".png", ".svg") else path


SUBCOMMANDS = (add_run_parser, add_standings_parser, add_check_parser, add_plot_parser)

