"""What the subcommands share: the whole-number argument types, the replay arguments and loading the replay a
command asks for (the race, or a what-if of it). Every mistake is a RaceReplayError naming the option."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from sim.errors import RaceReplayError

DEFAULT_SEED = 1957  # as sim.replays' (a test keeps them equal); importing it loads pandas, which --help does not need

# ASCII digits only: int() also reads other scripts' digits ("١٢" is 12)
INTEGER = re.compile(r"-?[0-9]+")


def whole_number(minimum: int | None = None):
    """An argparse type: a whole number in the digits 0-9, at least `minimum` (the sign is otherwise checked by the
    command, so its error names the option)."""
    def parse(text: str) -> int:
        if not INTEGER.fullmatch(text) or (minimum is not None and int(text) < minimum):
            least = "" if minimum is None else f" of {minimum} or more"
            raise argparse.ArgumentTypeError(f"must be a whole number{least} in the digits 0-9 (value {text!r})")
        return int(text)

    return parse


def replay_arguments(parser: argparse.ArgumentParser, several: bool = False) -> None:
    if several:  # `run`: one race, or several documents (a list of them in args.race)
        parser.add_argument("race", nargs="+", help="a race id with replay data, or the path of a document of the same "
                                                    "shape; several of them, or a folder of documents (*.txt)")
    else:
        parser.add_argument("race", help="a race id with replay data, or the path of a document of the same shape")
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
