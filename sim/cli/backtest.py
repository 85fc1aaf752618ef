"""The ``backtest`` subcommand of ``race-replay``: the reliability model of a timesheet race, tried year by year on
the record it learns from (leave one year out), beside the baselines of ``score``; with --out, backtest.md,
backtest.json and the charts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sim.cli.common import whole_number

DEFAULT_DRAWS = 2000


def add_backtest_parser(subparsers) -> None:
    parser = subparsers.add_parser("backtest", help="backtest a timesheet race's reliability model on its record "
                                                    "(leave one year out)")
    parser.add_argument("race", help="a race id of kind timesheet whose race data names a [record]")
    parser.add_argument("--draws", type=whole_number(1), default=DEFAULT_DRAWS,
                        help=f"simulated races per held-out year (default {DEFAULT_DRAWS})")
    parser.add_argument("--seed", type=whole_number(0), default=0, help="seed, 0 or more (default 0)")
    parser.add_argument("--workers", type=whole_number(1), default=1, help="processes (default 1)")
    parser.add_argument("--year", type=whole_number(0), action="append", default=None,
                        help="hold out only this year (repeatable; default every year the race data names)")
    parser.add_argument("--out", type=Path, default=None, help="write backtest.md, backtest.json and the charts here")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(handler=cmd_backtest)


def cmd_backtest(args: argparse.Namespace) -> int:
    """Run the backtest; print the pooled and per-year scores (or the JSON); with --out write its files."""
    from sim.kinds import forecast_kind, load_race  # the race's kind: not for --help
    from sim.timesheet.backtest import backtest
    from sim.timesheet.backtest_report import files

    race = load_race(args.race)
    forecast_kind(race)  # a race that is not a timesheet: one clear line
    result = backtest(race, args.draws, args.seed, args.workers, args.year)
    if args.out is not None:
        from sim.output import output_folder

        written = files(result)
        with output_folder(args.out, race=result["race"], seed=args.seed, runs=args.draws,
                           command=["race-replay", *args.argv]) as folder:
            for name, data in written.items():
                folder.write_bytes(name, data)
    print(json.dumps(result, indent=2, ensure_ascii=True) if args.format == "json" else _table(result))
    return 0


def _table(result: dict) -> str:
    keys = ("p_finish_brier", "p_class_win_brier", "winner_logloss", "spearman")
    lines = [f"{result['race']}: backtest on the record, leave one year out (lower Brier and log-loss are better)",
             f"{'year':<7}{'model':<26}" + "".join(f"{k:>20}" for k in keys)]
    for y in result["years"] + [{"year": "pooled", "scores": result["pooled"]}]:
        for name, entry in y["scores"].items():
            lines.append(f"{y['year']!s:<7}{name:<26}" + "".join(f"{entry[k]:>20.4f}" for k in keys))
    return "\n".join(lines)


SUBCOMMANDS = (add_backtest_parser,)
