"""Finding races: manifest ids, document paths, $RACE_REPLAY_SEEDS, the cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sim.document import read_document
from sim.errors import RaceReplayError
from sim.kinds import KINDS, load_race
from sim.sources import detect_kind, race_ids

SEEDS = Path(__file__).parents[2] / "seeds"
VALID = Path(__file__).parents[1] / "data" / "sources" / "valid"


def test_race_ids() -> None:
    assert race_ids() == ["le-mans-1957", "mille-miglia-1957", "le-mans-1961"]


def test_kinds_are_told_from_the_tables() -> None:
    files = ["000_04c9cf36cbb82ecf.txt", "001_e8a38369d577c846.txt", "002_a60c4b6d58e650ef.txt"]
    assert [detect_kind(read_document(SEEDS / f), KINDS) for f in files] == ["circuit", "time-trial", "timesheet"]


def test_a_seed_path_keeps_its_race_id() -> None:
    race = load_race(SEEDS / "000_04c9cf36cbb82ecf.txt")
    assert (race.id, race.kind) == ("le-mans-1957", "circuit")


def test_unknown_race_lists_the_known_ids() -> None:
    with pytest.raises(RaceReplayError) as caught:
        load_race("le-mans-1958")
    assert str(caught.value) == (
        "unknown race 'le-mans-1958': not a race id (known: le-mans-1957, mille-miglia-1957, le-mans-1961) nor a file"
    )


def test_other_documents_of_the_same_shape() -> None:
    small = load_race(VALID / "mini_24h.txt")
    assert (small.id, small.kind, small.title) == ("mini_24h", "circuit", "A Small 24 Hours")
    assert [(e.number, e.status, e.laps) for e in small.entries] == [
        ("5", "classified", 300), ("9", "NC", 200), ("7", "DNF", 150), ("3", "DNA", None)]
    trial = load_race(VALID / "mini_trial.txt")
    assert [(e.number, e.start_time.isoformat()) for e in trial.entries] == [
        ("601", "1958-06-02T06:01:00"), ("2330", "1958-06-01T23:30:00"), ("015", "1958-06-02T00:15:00")]
    practice = load_race(VALID / "mini_practice.txt")
    assert [(e.number, [d.nominated for d in e.drivers]) for e in practice.entries] == [
        ("4", [False, True]), ("7T", [False, False])]


def test_seeds_directory_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(VALID / "mini_24h.txt", tmp_path / "small.txt")
    (tmp_path / "manifest.toml").write_text('[small-race]\nfile = "small.txt"\nkind = "circuit"\ntitle = "Small"\n')
    monkeypatch.setenv("RACE_REPLAY_SEEDS", str(tmp_path))
    assert race_ids() == ["small-race"]
    assert load_race("small-race").title == "Small"


def test_cache_is_per_file_and_mtime(tmp_path: Path) -> None:
    path = tmp_path / "race.txt"
    shutil.copy(VALID / "mini_24h.txt", path)
    first = load_race(path)
    assert load_race(path) is first
    path.write_text(path.read_text(encoding="utf-8").replace("| 300 |", "| 301 |"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert load_race(path).entries[0].laps == 301
