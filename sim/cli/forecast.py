"""The forecast subcommands of ``race-replay``: forecast (a Monte Carlo of a timesheet race) and score (a
forecast against a results file), wired into :mod:`sim.cli`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sim.cli.common import MAX_FORECAST_RUNS, MAX_WORKERS, output_folder_path, race_name, whole_number
from sim.errors import RaceReplayError

TABLE_COLUMNS = ("car", "class", "make", "p_win", "p_class_win", "p_podium", "p_finish", "expected_position",
                 "laps_p10", "laps_p50", "laps_p90")


DEFAULT_RUNS, DEFAULT_SEED = 2000, 0  # as sim.timesheet.model's (a test keeps them equal); importing it costs a second


def add_forecast_parser(subparsers) -> None:
    parser = subparsers.add_parser("forecast", help="forecast a race from its practice timesheet (Monte Carlo)")
    parser.add_argument("race", type=race_name, help="a race id of kind timesheet (or the path of such a document)")
    parser.add_argument("--runs", type=whole_number(1, MAX_FORECAST_RUNS), default=DEFAULT_RUNS,
                        help=f"races to simulate, at most {MAX_FORECAST_RUNS:,} (default {DEFAULT_RUNS})")
    parser.add_argument("--seed", type=whole_number(), default=DEFAULT_SEED,
                        help=f"seed, 0 or more (default {DEFAULT_SEED})")
    parser.add_argument("--workers", type=whole_number(1, MAX_WORKERS), default=None,
                        help=f"processes, at most {MAX_WORKERS} (default: every core)")
    parser.add_argument("--out", type=output_folder_path, default=None,
                        help="write the JSON, a Markdown report and the plots here")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(handler=cmd_forecast)


def forecast_json(summary: dict) -> str:
    """The forecast's JSON: the issue's shape (race, runs, seed, cars), then the field's figures (with the record's
    range), the classes (with their Index of Performance target, null where no source gives it) and the notes."""
    keep = ("car", "class", "p_win", "p_class_win", "p_finish", "p_podium", "expected_position", "laps_p10",
            "laps_p50", "laps_p90", "make", "practice_s", "position_p10", "position_p50", "position_p90",
            "expected_laps")
    cars = [{k: c[k] for k in keep} for c in summary["cars"]]
    data = {"race": summary["race"], "runs": summary["runs"], "seed": summary["seed"], "cars": cars,
            "field": summary["field"], "classes": summary["classes"], "notes": summary["notes"]}
    return json.dumps(data, indent=2, ensure_ascii=True)


def cmd_forecast(args: argparse.Namespace) -> int:
    """Run the forecast; print it as a table (most likely winners first) or JSON; with --out write its files."""
    from sim.pipeline import forecast  # the replay it learns from and the Monte Carlo: not for --help

    if args.seed < 0:
        raise RaceReplayError("must be 0 or more", key="--seed", value=str(args.seed))
    result = forecast(args.race, runs=args.runs, seed=args.seed, workers=args.workers)
    text = forecast_json(result.summary)
    if args.out is not None:
        _write_out(args, result, text)
    if args.format == "json":
        print(text)
    else:
        print(_table(result.summary))
    return 0


def _write_out(args, result, text: str) -> None:
    from sim.output import output_folder

    files = result.files(text + "\n")  # everything rendered before the folder is touched
    with output_folder(args.out, race=result.race.race_id, seed=args.seed, runs=args.runs,
                       command=["race-replay", *args.argv]) as folder:
        for name, data in files.items():
            folder.write_bytes(name, data)


def _table(summary: dict) -> str:
    import pandas as pd

    frame = pd.DataFrame(summary["cars"]).sort_values(["p_win", "p_podium", "p_finish"], ascending=False)
    f = summary["field"]
    head = (f"{summary['race']}: {summary['runs']} runs, seed {summary['seed']}; finishers "
            f"{f['expected_finishers']:.1f} (10-90%: {f['finishers_p10']}-{f['finishers_p90']}), mean P(finish) "
            f"{f['mean_p_finish']:.3f} (record {f['record']['years']}: {f['record']['share_min']:.3f}-"
            f"{f['record']['share_max']:.3f}), winner's laps "
            f"{f['winner_laps_expected']:.1f} ({f['winner_laps_p10']}-{f['winner_laps_p90']})")
    return head + "\n" + frame[list(TABLE_COLUMNS)].to_string(index=False)



def add_score_parser(subparsers) -> None:
    parser = subparsers.add_parser("score", help="score a forecast's JSON against a results file, beside baselines")
    parser.add_argument("forecast", type=Path, help="the JSON `race-replay forecast --format json` printed")
    parser.add_argument("results", type=Path,
                        help='a JSON list of {"number", "pos", "laps"} (pos null: not classified)')
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(handler=cmd_score)


def cmd_score(args: argparse.Namespace) -> int:
    """Print the log-loss and Brier score of P(win), P(podium), P(finish) and the Spearman correlation of the
    expected position, for the forecast and the two baselines."""
    from sim.timesheet.score import read_json, read_results, score

    data = read_json(args.forecast, "forecast file")
    if not isinstance(data, dict) or not isinstance(data.get("cars"), list):
        raise RaceReplayError("is not a forecast (a JSON object with a list `cars`)", file=args.forecast)
    result = score(data, read_results(args.results))
    if args.format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=True))
        return 0
    print(f"{result['race']}: {result['cars']} cars scored (lower log-loss and Brier are better; higher Spearman)")
    print(f"{'model':<40} {'metric':<10} {'P(win)':>8} {'P(podium)':>10} {'P(finish)':>10}")
    for name, m in result["models"].items():
        for metric in ("log_loss", "brier"):
            print(f"{name:<40} {metric:<10} {m['p_win'][metric]:>8.4f} {m['p_podium'][metric]:>10.4f} "
                  f"{m['p_finish'][metric]:>10.4f}")
        print(f"{name:<40} {'spearman':<10} {m['spearman_position']:>8.4f}")
    return 0


SUBCOMMANDS = (add_forecast_parser, add_score_parser)
