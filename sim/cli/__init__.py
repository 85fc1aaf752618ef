"""The ``race-replay`` command line (also ``python -m sim``).

Each subcommand is a pair of functions, ``add_<name>_parser(subparsers)`` and
``cmd_<name>(args) -> int``, listed once in SUBCOMMANDS; add a subcommand by writing the pair and
adding it there. Output for machines (``--format csv|json``) goes to stdout; every
:class:`~sim.errors.RaceReplayError` is printed as one line on stderr, ``race-replay: error: ...``,
with exit status 2 (never a traceback).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence

from sim.cli import replay as cli_replay
from sim.errors import RaceReplayError
from sim.frames import as_text, entries_frame, to_json
from sim.anomalies import find_anomalies
from sim.sources import load_race, race_ids

PROG = "race-replay"
EXIT_ERROR = 2


def _race_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("race", help="a race id (" + ", ".join(race_ids()) + ") or the path of a source document")


def add_entries_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("entries", help="list every entry of a race, as parsed from its source")
    _race_argument(parser)
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.set_defaults(handler=cmd_entries)


def cmd_entries(args: argparse.Namespace) -> int:
    """Print the race's entries as a table, CSV or a JSON list of objects."""
    frame = entries_frame(load_race(args.race))
    if args.format == "json":
        print(to_json(frame))
    elif args.format == "csv":
        print(as_text(frame).to_csv(index=False), end="")
    else:
        print(as_text(frame, drop_empty=True).to_string(index=False))
    return 0


def add_inspect_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("inspect", help="list what is odd in a race's source document")
    _race_argument(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(handler=cmd_inspect)


def cmd_inspect(args: argparse.Namespace) -> int:
    """Print the race's anomalies, one per line (or as JSON)."""
    race = load_race(args.race)
    anomalies = find_anomalies(race)
    if args.format == "json":
        print(json.dumps([vars(a) for a in anomalies], ensure_ascii=False, indent=2))
        return 0
    print(f"{race.title} ({race.source_file}): {len(anomalies)} anomalies")
    for anomaly in anomalies:
        print(f"{anomaly.line:>5}  {anomaly.kind:<20} {anomaly.message}")
    return 0


SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    add_entries_parser, add_inspect_parser, *cli_replay.SUBCOMMANDS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Replay historical motor races from their source documents.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log the library's warnings and progress")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 for an error)."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        # anomalies are shown by 'inspect'; the per-race warning only with --verbose
        logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format=f"{PROG}: %(message)s")
        return args.handler(args)
    except RaceReplayError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `race-replay entries ... | head`
        return 0
    except OSError as exc:  # an output folder that cannot be written, a scenario path that is a folder, ...
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{PROG}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
