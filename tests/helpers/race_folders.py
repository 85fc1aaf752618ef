"""The 1957 Le Mans race folder with one edit, for tests of bad race data (race facts, checkpoints, anchors)."""

from __future__ import annotations

import shutil
from pathlib import Path

from sim.factfile import RACES_DIR

RACE_DIR = RACES_DIR / "le-mans-1957"


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "le-mans-1957"
    shutil.copytree(RACE_DIR, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text, old
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder
