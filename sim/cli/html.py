"""``race-replay html``: the interactive replay page, one self-contained HTML file (wired into :mod:`sim.cli`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.common import load_replay, output_folder_path, race_name, whole_number


def add_html_parser(subparsers) -> None:
    parser = subparsers.add_parser("html", help="write the interactive replay: one HTML file that opens offline")
    parser.add_argument("race", type=race_name,
                        help="a race id with replay data, or the path of a document of the same shape")
    parser.add_argument("--seed", type=whole_number(), default=None, help="seed of the lap-time scatter, 0 or more")
    parser.add_argument("--scenario", type=Path,
                        help="a what-if scenario file (TOML) to replay instead of the real race")
    parser.add_argument("--no-cache", action="store_true", help="recalibrate instead of reading the calibration cache")
    parser.add_argument("--out", type=output_folder_path, default=None,
                        help="output file (default out/<race id>/replay.html)")
    parser.set_defaults(handler=cmd_html)


def cmd_html(args: argparse.Namespace) -> int:
    from sim.kinds import kind_of
    from sim.output import write_file
    from sim.sources import resolve

    replay = load_replay(args)
    kind = kind_of(replay.race)
    out = args.out
    if out is None:
        out = Path("out") / resolve(args.race).id / "replay.html"
        out.parent.mkdir(parents=True, exist_ok=True)
    path = write_file(out, kind.page(replay, kind.report(replay)))
    print(f"{path} ({path.stat().st_size / 1e6:.2f} MB)")
    return 0


SUBCOMMANDS = (add_html_parser,)
