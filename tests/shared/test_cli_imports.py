"""Issue 21, imports by need: each command loads only the libraries it uses.

`race-replay --version` and every --help load no numpy (nor anything heavier); `standings`, `check`, `entries` and
`inspect` of a race whose calibration is cached load no matplotlib, Plotly, Dask or scipy. Each command runs in a
fresh interpreter that writes `sorted(sys.modules)` when it exits, so a module-level import added later anywhere on
the path of these commands fails here.

Still loaded, and why: `standings`, `check` and `entries` load numpy and pandas whatever the --format (the
replay's tables are DataFrames) and `standings`/`check` SimPy (the replay itself); a calibration that is not cached
may load scipy (the calibration's fallback root finder, scipy.optimize.brentq).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from sim.cli.commands import build_parser

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "pandas", "matplotlib", "plotly", "dask", "scipy", "simpy", "tqdm")
DRAWING = ("matplotlib", "plotly", "dask", "distributed", "scipy", "tqdm")
PROBE = """
import json, sys
from sim.cli import main
status = main(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(sorted(sys.modules), out)
sys.exit(status)
"""


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


@pytest.fixture(scope="module")
def cache_folder(tmp_path_factory) -> Path:
    """A calibration cache holding the two replayed seeds' calibrations (a cached command is what users wait for)."""
    folder = tmp_path_factory.mktemp("cache")
    for race in ("le-mans-1957", "mille-miglia-1957"):
        _modules(["standings", race, "--format", "json"], folder)
    return folder


def _modules(argv: list[str], cache: Path | None = None) -> set[str]:
    """The top-level packages loaded by `race-replay ARGV` run in a fresh interpreter (exit status 0 asserted)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    if cache is not None:
        env["RACE_REPLAY_CACHE"] = str(cache)
    with tempfile.TemporaryDirectory() as folder:
        listing = Path(folder) / "modules.json"
        done = subprocess.run([sys.executable, "-c", PROBE, str(listing), *argv], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return {name.partition(".")[0] for name in json.loads(listing.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("argv", [["--version"], ["--help"]] + [[name, "--help"] for name in _subcommands()],
                         ids=" ".join)
def test_version_and_help_load_no_numpy(argv):
    assert sorted(_modules(argv) & set(HEAVY)) == []


@pytest.mark.parametrize("argv", [
    ["standings", "le-mans-1957"],
    ["standings", "le-mans-1957", "--format", "json"],
    ["standings", "mille-miglia-1957", "--format", "csv", "--at", "Roma"],
    ["check", "le-mans-1957", "--format", "json"],
    ["check", "mille-miglia-1957"],
    ["entries", "le-mans-1957", "--format", "csv"],
    ["entries", "le-mans-1961"],
    ["inspect", "le-mans-1957"],
], ids=" ".join)
def test_reading_commands_load_no_plotting_sweeping_or_scipy(argv, cache_folder):
    assert sorted(_modules(argv, cache_folder) & set(DRAWING)) == []


def test_the_probe_sees_a_drawing_command_load_matplotlib(cache_folder, tmp_path):
    """The test above can fail: `plot` draws, and loads matplotlib."""
    assert "matplotlib" in _modules(["plot", "le-mans-1957", "--out", str(tmp_path / "positions")], cache_folder)


def test_the_command_lines_copies_of_library_constants_are_the_librarys():
    """The CLI keeps its own copies of two constants (importing their modules would load pandas for --help)."""
    from sim.cli import common, replay
    from sim.replays import DEFAULT_SEED
    from sim.standings import ORDERS

    assert (common.DEFAULT_SEED, replay.ORDERS) == (DEFAULT_SEED, ORDERS)


def test_the_version_is_read_from_the_installed_metadata():
    from importlib import metadata

    from sim.version import version

    assert version() == metadata.version("race-replay")
