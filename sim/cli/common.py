"""What the subcommands share: the argument types (whole numbers with their bounds, output paths, a Dask scheduler's
address, a race or document), the replay arguments and loading the replay a command asks for (the race, or a what-if
of it). Every mistake is one line naming the option and the value (exit status 2).

The upper bounds on counts keep a mistyped number from running for days or filling the memory:

* ``MAX_DRAWS`` = 1,000,000 recalibrated Monte Carlo draws (``run --draws``, ``montecarlo --runs``, ``plot --runs``):
  at 10 to 50 draws a second, 6 to 28 hours of work; the draws are tallied as they come (the memory stays flat),
  and the 10th-90th percentile bands are settled long before (the README's figures use 300 to 10,000).
* ``MAX_FORECAST_RUNS`` = 100,000 simulated races (``forecast --runs``): the forecast keeps about 1.6 KB of tables a
  run (a 55-car, 24-hour race), so 160 MB, twice that while the chunks are joined, and about two minutes on two cores.
* ``MAX_WORKERS`` = 64 processes on this machine (``--workers``): each holds the interpreter, numpy, pandas and the
  calibrated race (about 150 MB), so 64 are about 10 GB; more processes than cores only wait for each other.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
from pathlib import Path

from sim.errors import RaceReplayError

DEFAULT_SEED = 1957  # as sim.replays' (a test keeps them equal); importing it loads pandas, which --help does not need

# ASCII digits only: int() also reads other scripts' digits ("١٢" is 12)
INTEGER = re.compile(r"-?[0-9]+")
MAX_DRAWS = 1_000_000
MAX_FORECAST_RUNS = 100_000
MAX_WORKERS = 64
# a Dask scheduler's address: [tcp|tls|ucx|ws|wss://]HOST:PORT, HOST a name, an IPv4 address or an [IPv6] one
SCHEDULER = re.compile(r"(?:(?:tcp|tls|ucx|ws|wss)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
                       r":(?P<port>[0-9]{1,5})")
NOT_OUTPUT = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"),
              (stat.S_ISSOCK, "a socket"))


def whole_number(minimum: int | None = None, maximum: int | None = None):
    """An argparse type: a whole number in the digits 0-9, at least `minimum` (the sign is otherwise checked by the
    command, so its error names the option) and at most `maximum` (see the module's docstring for why)."""
    def parse(text: str) -> int:
        # compared through a stand-in of the same sign when long: int() refuses a text of more than 4,300 digits
        size = None if not INTEGER.fullmatch(text) else (
            int(text) if len(text.lstrip("-0")) <= 20 else -(10 ** 21) if text.startswith("-") else 10 ** 21)
        if size is None or (minimum is not None and size < minimum):
            least = "" if minimum is None else f" of {minimum} or more"
            raise argparse.ArgumentTypeError(f"must be a whole number{least} in the digits 0-9 (value {text!r})")
        if maximum is not None and size > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,} (value {text!r})")
        return int(text)

    return parse


def output_path(text: str) -> str:
    """An argparse type for --out: a path that is absent (it will be made) or names a folder or a regular file; an
    empty path, a device, a FIFO or a socket is refused (a run would replace it, or write into the current folder)."""
    if not text:
        raise argparse.ArgumentTypeError("must name a folder or a regular file, not an empty path (value '')")
    try:
        mode = os.stat(text).st_mode
    except OSError:  # absent (to be made), or unreadable: the write names the trouble
        return text
    for test, what in NOT_OUTPUT:
        if test(mode):
            raise argparse.ArgumentTypeError(f"must name a folder or a regular file, not {what} (value {text!r})")
    return text


def output_folder_path(text: str) -> Path:
    """:func:`output_path`, as a Path (the commands whose --out is a folder, or html's file)."""
    return Path(output_path(text))


def scheduler_address(text: str) -> str:
    """An argparse type: a Dask scheduler's address, [tcp|tls|ucx|ws|wss://]HOST:PORT with a port from 1 to 65535."""
    found = SCHEDULER.fullmatch(text)
    if not found or not 1 <= int(found["port"]) <= 65535:
        raise argparse.ArgumentTypeError("must be a Dask scheduler's address, [tcp://]HOST:PORT with a port from 1 to "
                                         f"65535 (value {text!r})")
    return text


def race_name(text: str) -> str:
    """An argparse type for a race id or a document's path: text a report can hold (a path whose name is not UTF-8
    would end up, undecodable, in the files written)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(f"holds a byte that is not UTF-8: rename the file (value {text!r})") from None
    return text


def replay_arguments(parser: argparse.ArgumentParser, several: bool = False) -> None:
    if several:  # `run`: one race, or several documents (a list of them in args.race)
        parser.add_argument("race", nargs="+", type=race_name,
                            help="a race id with replay data, or the path of a document of the same shape; several of "
                                 "them, or a folder of documents (*.txt)")
    else:
        parser.add_argument("race", type=race_name,
                            help="a race id with replay data, or the path of a document of the same shape")
    parser.add_argument("--seed", type=whole_number(), default=None,
                        help=f"seed of the lap-time scatter, 0 or more (default {DEFAULT_SEED})")
    parser.add_argument("--no-cache", action="store_true", help="recalibrate instead of reading the calibration cache")


def seed_of(args) -> int:
    if args.seed is not None and args.seed < 0:
        raise RaceReplayError("must be 0 or more", key="--seed", value=str(args.seed))
    return DEFAULT_SEED if args.seed is None else args.seed


def load_replay(args):
    """The replay the arguments ask for: the race, or a what-if of it with --scenario."""
    from sim.pipeline import run_replay, what_if  # the replay's libraries: not for --help

    use_cache = not getattr(args, "no_cache", False)
    if getattr(args, "scenario", None) is None:
        return run_replay(args.race, seed_of(args), use_cache=use_cache)
    return what_if(args.race, Path(args.scenario), seed_of(args), use_cache=use_cache)


def check_class(replay, car_class: str | None) -> str | None:
    """The class --class names, in the tables' spelling or the text's (S-2000 is S2.0)."""
    if not car_class:
        return None
    try:
        return replay.car_class(car_class)
    except RaceReplayError as exc:
        raise RaceReplayError(exc.message, key="--class", value=car_class) from None
