"""The three seed runs write the bytes they wrote before issue 18's module moves.

tests/data/outputs_before_refactor.json holds the sha256 of every file of `race-replay run le-mans-1957 --draws 200`,
`run mille-miglia-1957` and `forecast le-mans-1961`, recorded at commit 36b351d. The text files (.csv, .json, .md)
must be the same bytes. The images (.png, .svg) and replay.html also depend on the installed matplotlib and plotly:
they are compared only with the versions they were recorded with, and skipped, saying so, with others.
A change meant to change the output records them again: `python benchmarks/compare_outputs.py --record --why ...`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

RECORDED = json.loads((Path(__file__).parents[1] / "data" / "outputs_before_refactor.json").read_text(encoding="utf-8"))
RACES = tuple(RECORDED["races"])
TEXT = (".csv", ".json", ".md")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def output(request, tmp_path_factory) -> Path:
    """The output folder of the race `request.param`: each race runs once for the module (le-mans-1957's 200 draws
    take about 15 s), in the session's fresh calibration cache (conftest sets RACE_REPLAY_CACHE)."""
    race = request.param
    folder = tmp_path_factory.mktemp("outputs") / race
    done = subprocess.run([sys.executable, "-m", "sim", *RECORDED["races"][race]["args"], "--out", str(folder)],
                          env={**os.environ, "MPLBACKEND": "Agg"}, capture_output=True, text=True)
    assert done.returncode == 0, f"{race}: {done.stderr}"
    return folder


def _written(folder: Path) -> set[str]:
    """The run's outputs: run.json (the command line) and the folder's dot files (its lock) left out."""
    return {p.name for p in folder.iterdir() if p.is_file() and p.name != "run.json" and not p.name.startswith(".")}


def _differing(folder: Path, race: str, names: list[str]) -> list[str]:
    """Those of `names` that were not written or are not the recorded bytes."""
    files = RECORDED["races"][race]["files"]
    return [n for n in names if not (folder / n).is_file() or _sha256(folder / n) != files[n]["sha256"]]


def _recorded(race: str, text: bool) -> list[str]:
    return sorted(name for name in RECORDED["races"][race]["files"] if name.endswith(TEXT) == text)


def _other_versions() -> str:
    """'' if matplotlib and plotly are the recorded versions, else which are not."""
    other = [f"{name} {version(name)} (recorded with {RECORDED[name]})" for name in ("matplotlib", "plotly")
             if version(name) != RECORDED[name]]
    return ", ".join(other)


@pytest.mark.slow
@pytest.mark.parametrize("output", RACES, indirect=True)
def test_the_run_writes_the_recorded_files(output):
    assert _written(output) == set(RECORDED["races"][output.name]["files"])


@pytest.mark.slow
@pytest.mark.parametrize("output", RACES, indirect=True)
def test_text_files_are_the_recorded_bytes(output):
    texts = _recorded(output.name, text=True)
    assert texts
    assert _differing(output, output.name, texts) == []


@pytest.mark.slow
@pytest.mark.parametrize("output", RACES, indirect=True)
def test_images_and_replay_page_are_the_recorded_bytes(output):
    if other := _other_versions():
        pytest.skip(f"images and replay.html depend on the plotting libraries: installed {other}")
    assert _differing(output, output.name, _recorded(output.name, text=False)) == []
