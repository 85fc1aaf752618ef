"""The replay subcommands of ``race-replay``: run, standings, check, plot (wired into :mod:`sim.cli`)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import time
from pathlib import Path

from sim.circuit.calibrate import DEFAULT_SEED
from sim.clock import HOUR, parse_clock
from sim.errors import RaceReplayError
from sim.frames import as_text
from sim.standings import ORDERS, race_hours

DEFAULT_OUT = "out/<race id>"
def _plot_kinds() -> tuple[str, ...]:
    from sim.kinds import KINDS

    return tuple(dict.fromkeys(name for kind in KINDS.values() for name in kind.plot_kinds))


PLOT_KINDS = _plot_kinds()
# ASCII digits only: int() and float() also read other scripts' digits ("١٢" is 12) and "nan", "inf", "1e3"
_INTEGER = re.compile(r"-?[0-9]+")
_HOUR = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")
_CLOCK = re.compile(r"[0-9]{1,2}:[0-9]{2}")


def _integer(text: str) -> int:
    """argparse type of --seed: a whole number in the digits 0-9 (the sign is checked by the command)."""
    if not _INTEGER.fullmatch(text):
        raise argparse.ArgumentTypeError(f"must be a whole number in the digits 0-9 (value {text!r})")
    return int(text)


def _top(text: str) -> int:
    """argparse type of --top: a whole number, 1 or more, in the digits 0-9."""
    if not _INTEGER.fullmatch(text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more in the digits 0-9 (value {text!r})")
    return int(text)


def _replay_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("race", help="a race id with replay data, or the path of a document of the same shape")
    parser.add_argument("--seed", type=_integer, default=None,
                        help=f"seed of the lap-time scatter, 0 or more (default {DEFAULT_SEED})")
    parser.add_argument("--no-cache", action="store_true", help="recalibrate instead of reading the calibration cache")


def _seed(args) -> int:
    if args.seed is not None and args.seed < 0:
        raise RaceReplayError("must be 0 or more", key="--seed", value=str(args.seed))
    return DEFAULT_SEED if args.seed is None else args.seed


def _load(args):
    """The replay the arguments ask for: the race, or a what-if of it with --scenario."""
    from sim.pipeline import run_replay

    use_cache = not getattr(args, "no_cache", False)
    if getattr(args, "scenario", None) is None:
        return run_replay(args.race, _seed(args), use_cache=use_cache)
    from sim.scenario import apply, load_scenario

    scenario = load_scenario(args.scenario)
    if scenario.race != args.race:
        raise RaceReplayError(f"the scenario is for {scenario.race}, not {args.race}", file=args.scenario,
                              key="scenario.race", value=scenario.race)
    return apply(scenario, _seed(args), use_cache=use_cache)


def _out_folder(args) -> Path:
    """--out, or out/<race id> (the id of a document path is its file name)."""
    if args.out is not None:
        return args.out
    from sim.sources import resolve

    return Path("out") / resolve(args.race).id


def _hours(replay, values: list[str] | None) -> list[float]:
    """--at values: race hours (fractions allowed) or clock times HH:MM (the start's time of day on the last day of
    a race of whole days is the flag); by default the end of every race hour."""
    if not values:
        return [float(h) for h in race_hours(replay.table)]
    hours = replay.facts.duration_s / HOUR
    out = []
    for value in values:
        if not (_HOUR.fullmatch(value) or _CLOCK.fullmatch(value)):
            raise RaceReplayError(f"is not a race hour (0-{hours:g}) or a clock time HH:MM", key="--at", value=value)
        try:
            out.append(replay.moment(value if ":" in value else float(value)) / HOUR)
        except RaceReplayError as exc:
            raise RaceReplayError(exc.message, key="--at", value=value) from None
    return out


def _check_class(replay, car_class: str | None) -> str | None:
    """The class --class names, in the tables' spelling or the text's (S-2000 is S2.0)."""
    if not car_class:
        return None
    try:
        return replay.car_class(car_class)
    except RaceReplayError as exc:
        raise RaceReplayError(exc.message, key="--class", value=car_class) from None


# -- run ---------------------------------------------------------------------------------------

def add_run_parser(subparsers) -> None:
    parser = subparsers.add_parser("run", help="replay a race: standings, event log, checkpoint report and plots")
    _replay_arguments(parser)
    parser.add_argument("--out", type=Path, default=None,
                        help=f"output folder (default {DEFAULT_OUT}); it then holds this run's files and run.json "
                             "(an earlier run's other files are removed); a second run into it waits for the first")
    parser.add_argument("--no-plots", action="store_true", help="skip the plots")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    from sim.cli.bands import add_run_band_arguments

    add_run_band_arguments(parser)
    parser.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    """Replay, write every output file into --out, print a short summary (or JSON of it).

    Everything is computed (plots rendered in memory) before the folder is touched; the files are
    then written under a lock on the folder, with run.json last (see :mod:`sim.output`). A second
    run into the same folder waits until the first has written its files."""
    from sim.cli.bands import check_draws
    from sim.output import output_folder

    started = time.perf_counter()
    command = shlex.join(["race-replay", *getattr(args, "argv", ["run", args.race])])
    args.out = _out_folder(args)
    check_draws(args)
    from sim.kinds import kind_of

    with output_folder(args.out, race=args.race, seed=_seed(args), scenario=None, command=command) as folder:
        replay = _load(args)
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
    print("At the flag: " + ", ".join(f"{p}. car {c} ({m}, {laps} {kind.unit})" for p, c, m, laps in zip(top.position, top.car, top.make, top.laps)))
    totals = ", ".join(f"{v} {k}" for k, v in data["totals"].items())
    checked = f"{sum(data['totals'].values())} ({totals})" if totals else "none (the race has no published checkpoints)"
    print(f"Checkpoints: {checked}; source conflicts: {summary['conflicts']}")
    if data.get("readings"):
        print(f"Time-column readings: {len(data['readings'])} (listed in checkpoints.md)")
    if data.get("defaults"):
        why = "" if kind.files else "no race folder; "  # a kind with its own report lists its defaults from its folder
        print(f"Defaults used: {len(data['defaults'])} ({why}listed in checkpoints.md)")
    if "regulations" in data:
        print("Regulations: " + ("; ".join(summary["regulation_breaches"]) or "no breach"))
    if montecarlo is not None:
        from sim.cli.bands import summary_line

        print(summary_line(montecarlo))
    print(f"Wrote {len(written)} files to {args.out}/ in {summary['seconds']} s:")
    for name in sorted(written):
        print(f"  {written[name]}")
    return 0


def _run_files(args, folder, kind, replay) -> tuple[dict, dict | None]:
    """Add a run's files to `folder`: the report, the page, the plots and, with --draws, montecarlo.json (the
    report then has the holds column, the position and race-history plots the bands). Returns (report data,
    the Monte Carlo summary or None)."""
    from sim.report import report_data, report_files

    montecarlo = None
    if args.draws:
        from sim.cli.bands import run_sweep
        from sim.montecarlo.summary import to_json

        montecarlo = run_sweep(args, replay.race.id, args.draws)
        folder.write_text("montecarlo.json", to_json(montecarlo) + "\n")
    drawn = montecarlo if montecarlo is not None and montecarlo["calibrated"] else None  # no bands from 0 draws
    data = (kind.report or report_data)(replay)  # checked once: the files, the charts and the summary share it
    extra = {} if drawn is None else {"montecarlo": drawn}
    for name, text in (kind.files or report_files)(replay, data, **extra).items():
        folder.write_text(name, text)
    if kind.page is not None:  # the interactive replay, one self-contained file
        folder.write_bytes("replay.html", kind.page(replay, data))
    if not args.no_plots:
        for name, image in kind.plots(replay, data, **({} if drawn is None else {"bands": drawn})).items():
            folder.write_bytes(name, image)
    return data, montecarlo


# -- standings ---------------------------------------------------------------------------------

def add_standings_parser(subparsers) -> None:
    parser = subparsers.add_parser("standings", help="the standings at each hour (or --at given hours / clock times)")
    _replay_arguments(parser)
    parser.add_argument("--at", nargs="+", metavar="H",
                        help="race hours (e.g. 5 12.5) or clock times (e.g. 21:00); a time trial: controls (e.g. Roma)")
    parser.add_argument("--class", dest="car_class",
                        help="only one class, e.g. S1.1 or S-1100 (positions stay overall; see class_position)")
    parser.add_argument("--by", choices=ORDERS, default="distance",
                        help="the order: distance (a circuit), road or elapsed (a time trial)")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.set_defaults(handler=cmd_standings)


def cmd_standings(args: argparse.Namespace) -> int:
    from sim.kinds import kind_of

    replay = _load(args)
    kind = kind_of(replay.race)
    if kind.standings_report is not None:
        print(kind.standings_report(replay, args))
        return 0
    hours = _hours(replay, args.at)
    car_class = _check_class(replay, args.car_class)
    frames = []
    for hour in hours:
        frame = replay.standings(seconds=hour * HOUR, by=args.by)
        if car_class:
            frame = frame[frame["class"] == car_class].reset_index(drop=True)
        frame.insert(0, "hour", int(hour) if float(hour).is_integer() else hour)
        frame.insert(1, "clock", replay.clock(hour * HOUR))
        frames.append(frame)
    if args.format == "json":
        out = {"race": replay.race.id, "standings": [
            {"hour": f.hour.iloc[0], "clock": f.clock.iloc[0], "order": [
                {"position": int(r.position), "car": r.car, "laps": int(r.laps), "status": r.status, "class": r["class"],
                 "gap_laps": int(r.gap_laps), "gap_s": None if r.gap_s != r.gap_s else round(float(r.gap_s), 1)}
                for _, r in f.iterrows()]}
            for f in frames]}
        print(json.dumps(out, indent=1, default=int))
        return 0
    import pandas as pd

    frame = pd.concat(frames, ignore_index=True)
    if args.format == "csv":
        print(frame.to_csv(index=False, float_format="%.3f"), end="")
    else:
        for f in frames:
            print(f"\nHour {f.hour.iloc[0]} ({f.clock.iloc[0]})")
            print(as_text(f.drop(columns=["hour", "clock", "last_crossing_s"]).round({"gap_s": 0, "distance_km": 1})).to_string(index=False))
    return 0


# -- check -------------------------------------------------------------------------------------

def add_check_parser(subparsers) -> None:
    parser = subparsers.add_parser("check", help="the checkpoint report: the replay against every published statement")
    _replay_arguments(parser)
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    parser.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from sim.kinds import kind_of
    from sim.report import markdown, report_data

    replay = _load(args)
    kind = kind_of(replay.race)
    data = (kind.report or report_data)(replay)
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    elif args.format == "markdown":
        print((kind.files or (lambda r, d: {"checkpoints.md": markdown(d, r)}))(replay, data)["checkpoints.md"], end="")
    else:
        totals = ", ".join(f"{v} {k}" for k, v in data["totals"].items())
        print(f"{replay.race.title}: {sum(data['totals'].values())} checkpoints ({totals})")
        for c in data["checkpoints"]:
            print(f"  {c['status']:<13} {c['moment']:<12} {c['id']:<40} published {_short(c['published'])}; replay {_short(c['replay'])}")
        print(f"{len(data['conflicts'])} source conflicts:")
        for c in data["conflicts"]:
            print(f"  {c['subject']}: chosen {c['chosen']}")
    return 0


def _short(value) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(str(v) for v in value) + "]"
    return str(value)


# -- plot --------------------------------------------------------------------------------------

def add_plot_parser(subparsers) -> None:
    parser = subparsers.add_parser("plot", help="draw one plot of a replay (PNG and SVG)")
    _replay_arguments(parser)
    parser.add_argument("--kind", choices=PLOT_KINDS, default="positions")
    parser.add_argument("--scenario", type=Path, help="a what-if scenario file (TOML) to replay instead of the real race")
    parser.add_argument("--top", type=_top, help="only cars that reached the top N")
    parser.add_argument("--class", dest="car_class", help="only one class, e.g. S1.1")
    # a str, not a Path: Path("outs/") drops the slash that says "a folder"
    parser.add_argument("--out", required=True,
                        help="output file (FILE.png and FILE.svg are written), or a folder (DIR/ or an existing "
                             "folder: DIR/<kind>.png and .svg)")
    from sim.cli.bands import add_plot_band_arguments

    add_plot_band_arguments(parser)
    parser.set_defaults(handler=cmd_plot)


def cmd_plot(args: argparse.Namespace) -> int:
    from sim import plots

    replay = _load(args)
    from sim.kinds import kind_of

    car_class = _check_class(replay, args.car_class)
    race_kind = kind_of(replay.race)
    if args.kind not in race_kind.plot_kinds:
        raise RaceReplayError(f"is not a plot of a {race_kind.name} race ({', '.join(race_kind.plot_kinds)})",
                              key="--kind", value=args.kind)
    from sim.cli.bands import plot_bands

    bands = plot_bands(args, replay, race_kind.band_kinds)
    if bands is not None:
        fig = plots.draw(replay, args.kind, top=args.top, car_class=car_class, bands=bands)
    else:
        fig = (race_kind.draw or plots.draw)(replay, args.kind, top=args.top, car_class=car_class)
    for path in plots.save_figure(fig, _plot_base(args.out, args.kind)):  # rendered first, then written atomically
        print(path)
    return 0


def _plot_base(out: str, kind: str) -> Path:
    """The path, without suffix, that plot --out names: DIR/<kind> for a folder, else FILE without .png/.svg."""
    path = Path(out)
    if out.endswith(("/", os.sep)) or path.is_dir():
        return path / kind
    return path.with_suffix("") if path.suffix in (".png", ".svg") else path


SUBCOMMANDS = (add_run_parser, add_standings_parser, add_check_parser, add_plot_parser)

