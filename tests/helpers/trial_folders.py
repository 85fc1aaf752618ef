"""A copy of the Mille Miglia's race folder to break one value at a time, and its facts loaded from the copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import sim
from sim.timetrial.facts import load_facts

RACE = "mille-miglia-1957"
FOLDER = Path(sim.__file__).parent / "races" / RACE


def copy_folder(tmp_path) -> Path:
    folder = tmp_path / RACE
    shutil.copytree(FOLDER, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load(folder):
    race = sim.load_race(RACE)
    return load_facts(race, Path(race.source_file).read_text(encoding="utf-8"), folder)
