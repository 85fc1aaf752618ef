"""The ``race-replay`` command line (also ``python -m sim``).

Each subcommand is a pair of functions, ``add_<name>_parser(subparsers)`` and
``cmd_<name>(args) -> int``, listed once in SUBCOMMANDS; add a subcommand by writing the pair and
adding it there. Output for machines (``--format csv|json``) goes to stdout; every
:class:`~sim.errors.RaceReplayError` is printed as one line on stderr, ``race-replay: error: ...``,
with exit status 2 (never a traceback). So is a mistake in the arguments (no usage block), an output
file that cannot be written (``race-replay: error: out/x/positions.png: No space left on device``);
Ctrl-C stops with ``race-replay: interrupted`` and exit status 130, leaving no half-written file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence

from sim.cli import backtest as cli_backtest  # noqa: I001
from sim.cli import forecast as cli_forecast
from sim.cli import html as cli_html
from sim.cli import montecarlo as cli_montecarlo
from sim.cli import replay as cli_replay
from sim.cli.common import race_name
from sim.errors import RaceReplayError
from sim.sources import race_ids

PROG = "race-replay"
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C


class UsageError(Exception):
    """A mistake in the arguments, found by argparse; :func:`main` prints it as one line."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser, but a mistake raises :class:`UsageError` (one line) instead of printing the usage block."""

    def error(self, message: str):
        raise UsageError(f"{message} (try {self.prog} --help)")

    def _check_value(self, action, value):
        # argparse's own text quotes the choices differently from one Python version to the next
        if action.choices is not None and value not in action.choices:
            choices = ", ".join(map(str, action.choices))
            raise argparse.ArgumentError(action, f"invalid choice: {value!r} (choose from {choices})")


def _race_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("race", type=race_name,
                        help="a race id (" + ", ".join(race_ids()) + ") or the path of a source document")


def add_entries_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("entries", help="list every entry of a race, as parsed from its source")
    _race_argument(parser)
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.set_defaults(handler=cmd_entries)


def cmd_entries(args: argparse.Namespace) -> int:
    """Print the race's entries as a table, CSV or a JSON list of objects."""
    from sim.frames import as_text, entries_frame, to_json  # pandas: not for --help
    from sim.kinds import load_race  # the registry loads every kind: not for --help

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
    from sim.anomalies import find_anomalies
    from sim.kinds import load_race  # the registry loads every kind: not for --help

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
    add_entries_parser, add_inspect_parser, *cli_replay.SUBCOMMANDS, *cli_html.SUBCOMMANDS,
    *cli_forecast.SUBCOMMANDS, *cli_montecarlo.SUBCOMMANDS, *cli_backtest.SUBCOMMANDS)


class VersionAction(argparse.Action):
    """``--version``: the installed version is read only when asked for (reading it costs a tenth of a second)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show program's version number and exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from sim.version import version  # the package's metadata: only for --version

        print(f"{parser.prog} {version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog=PROG, description="Replay historical motor races from their source documents.")
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("-v", "--verbose", action="store_true", help="log the library's warnings and progress")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=ArgumentParser)
    for add in SUBCOMMANDS:
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0; 2 for an error; 130 when interrupted)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        args.argv = argv  # run.json records the command
        # anomalies are shown by 'inspect'; the per-race warning only with --verbose
        logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format=f"{PROG}: %(message)s")
        return args.handler(args)
    except (UsageError, RaceReplayError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:  # output files are written atomically, so nothing is left half-written
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `race-replay entries ... | head`
        _silence_stdout()
        return 0
    # an output folder that cannot be written, a full disk, a scenario path that is a folder, ...
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{PROG}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    except UnicodeEncodeError as exc:  # a path given with a byte that is not UTF-8, met where text is written
        text = exc.object[exc.start:exc.end] if isinstance(exc.object, str) else ""
        print(f"{PROG}: error: a path or name holds a byte that is not UTF-8 ({text!r}): rename it", file=sys.stderr)
        return EXIT_ERROR
    except SystemExit as exc:  # --help and --version print and exit 0; return it like every other status
        return exc.code if isinstance(exc.code, int) else 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null: Python flushes it again at exit and would print a BrokenPipeError there."""
    with contextlib.suppress(OSError, ValueError):  # a stdout without a file descriptor (a test's capture)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
