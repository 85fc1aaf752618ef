"""The calibration cache: a new process (here: a cleared memory cache) reads the calibration from disk; an edited
race file, another seed or a corrupt entry never serves a stale calibration."""

from __future__ import annotations

import pytest

import sim.circuit.replay
from sim import cache
from sim.pipeline import forget_calibrations, run_replay


def no_calibration(*args, **kwargs):
    raise AssertionError("recalibrated: the cache was not used")


def test_a_new_process_reads_the_calibration_from_disk(replay, monkeypatch):
    forget_calibrations()
    monkeypatch.setattr(sim.circuit.replay, "calibrate", no_calibration)
    again = run_replay("le-mans-1957")
    assert again.log == replay.log


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_no_cache_recalibrates(replay, monkeypatch, how):
    if how == "environment":
        monkeypatch.setenv("RACE_REPLAY_NO_CACHE", "1")
    monkeypatch.setattr(sim.circuit.replay, "calibrate", no_calibration)
    with pytest.raises(AssertionError, match="recalibrated"):
        run_replay("le-mans-1957", use_cache=how == "environment")


def test_an_edited_document_is_recalibrated_in_the_same_process(tmp_path):
    from pathlib import Path

    source = Path(__file__).parents[1] / "data" / "documents" / "le_mans_no_narrative.txt"
    document = tmp_path / "edited.txt"
    document.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert run_replay(document).table.laps_at("3", 24 * 3600) == 310
    document.write_text(document.read_text(encoding="utf-8").replace("| 310 |", "| 305 |"), encoding="utf-8")
    assert run_replay(document).table.laps_at("3", 24 * 3600) == 305


def test_the_key_changes_with_the_document_and_the_seed(tmp_path, replay):
    document = tmp_path / "copy.txt"
    document.write_text(open(replay.race.source_file, encoding="utf-8").read(), encoding="utf-8")
    from sim.kinds import load_race

    race = load_race(document)
    key = cache.key(race, replay.facts, 1957)
    assert key != cache.key(race, replay.facts, 1958)
    document.write_text(document.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    assert cache.key(load_race(document), replay.facts, 1957) != key


def test_a_corrupt_entry_is_recomputed_not_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("RACE_REPLAY_CACHE", str(tmp_path))
    (tmp_path / "abc.json").write_bytes(b"\x80not json")
    assert cache.load("abc") is None
    cache.store("abc", {"x": 1})
    assert cache.load("abc") == {"x": 1}
