"""Odd numbers and unreadable files in source documents (issue 8): one ParseError each, with its exact text.

Each document is a seed with one edit, written under tmp_path; the CLI prints the same message as
exactly one line on stderr, with exit status 2.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim.anomalies import find_anomalies
from sim.cli import main
from sim.errors import ParseError, RaceReplayError
from sim.frames import entries_frame
from sim.kinds import load_race
from sim.sources.manifest import read_manifest

SEEDS = Path(__file__).parents[2] / "seeds"
LE_MANS = (SEEDS / "000_04c9cf36cbb82ecf.txt").read_text(encoding="utf-8")
MILLE_MIGLIA = (SEEDS / "001_e8a38369d577c846.txt").read_text(encoding="utf-8")
PRACTICE = (SEEDS / "002_a60c4b6d58e650ef.txt").read_text(encoding="utf-8")
WINNER = "| 1 | S5.0 | 3 | GBR Ecurie Ecosse | GBR Ron Flockhart GBR Ivor Bueb | Jaguar D-Type | Jaguar 3.8L S6 | 327 |"
TARGET_4000 = "| S-4000 | 3710.8 km | 154.6 km/h |\n"


def _laps(laps: str) -> str:
    return LE_MANS.replace(WINNER, WINNER.replace("| 327 |", f"| {laps} |"))


def _one_class_winner() -> str:
    """The Mille Miglia with a class-winners table of one row of one cell (no number cell at all)."""
    lines = MILLE_MIGLIA.split("\n")
    start = lines.index("| Class | Winners | | |")
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    return "\n".join([*lines[:start], "| Class | Winners | | |", "| Sport +2000 |", *lines[end:]])


# name -> (document text, the error's exact text)
CASES = {
    "laps_superscript": (_laps("24²"), "laps_superscript.txt:107:105: Laps: not a whole number "
                                       "(only the digits 0-9 count) (value '24²')"),
    "laps_arabic_digits": (_laps("١٢"), "laps_arabic_digits.txt:107:105: Laps: not a whole number "
                                        "(only the digits 0-9 count) (value '١٢')"),
    "laps_20_digits": (_laps("12345678901234567890"),
                       "laps_20_digits.txt:107:105: Laps: a lap count must be from 0 to 9,999 "
                       "(value '12345678901234567890')"),
    "laps_5000_digits": (_laps("9" * 5000), "laps_5000_digits.txt:107:105: Laps: a lap count must be from 0 to 9,999 "
                                            "(value '" + "9" * 50 + "... (5,000 characters)')"),
    "february_31": (MILLE_MIGLIA.replace("11–12 May 1957", "31 February 1957"),
                    "february_31.txt:3:213: race date does not exist: day is out of range for month "
                    "(value '31 February 1957')"),
    "row_too_few_cells": (_one_class_winner(),
                          "row_too_few_cells.txt:129:3: Winners: the row has 1 cells, too few to have "
                          "this field (cell 2) (value 'Sport +2000')"),
    "position_huge": (PRACTICE.replace("| 1st | 17 |", "| 12345678901234567890th | 17 |"),
                      "position_huge.txt:1:3: position: a position must be from 1 to 9,999 "
                      "(value '12345678901234567890th')"),
    "class_size_in_text": (LE_MANS.replace("leading the S-2000 class", "leading the S-99999999999999999999 class"),
                           "class_size_in_text.txt:74:581: a class size in cc must be from 1 to 99,999 "
                           "(value 'leading the S-99999999999999999999 class')"),
    "count_in_text": (LE_MANS.replace("fixed at 55.", "fixed at 99999999999999999999."),
                      "count_in_text.txt:12:37: a count of starters must be from 0 to 9,999 "
                      "(value 'number of starters was fixed at 99999999999999999999')"),
}


def test_an_impossible_displacement_is_an_anomaly_on_the_car_not_a_refusal(tmp_path: Path) -> None:
    """Issue 19: the displacement feeds only the Index of Performance (it refused the document before)."""
    race = load_race(_write(tmp_path, "displacement", LE_MANS.replace(WINNER, WINNER.replace("3.8L", "250000cc"))))
    found = [a for a in find_anomalies(race) if a.kind == "unreadable-cell"]
    assert [(a.line, a.message) for a in found] == [(107, (
        "car 3: Engine 'Jaguar 250000cc S6' at displacement.txt:107:88 cannot be read (a displacement in cc must be "
        "from 1 to 99,999); kept as written; the Index of Performance skips this car"))]
    assert race.entry("3").engine.displacement_cc is None


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize("name", CASES)
def test_odd_number_is_a_parse_error_with_its_text(name: str, tmp_path: Path) -> None:
    text, message = CASES[name]
    with pytest.raises(ParseError) as caught:
        load_race(_write(tmp_path, name, text))
    assert str(caught.value) == message


@pytest.mark.parametrize("name", CASES)
def test_cli_prints_exactly_one_line_and_exits_2(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, message = CASES[name]
    path = _write(tmp_path, name, text)
    for command in ("entries", "inspect"):
        assert main([command, str(path)]) == 2
        out, err = capsys.readouterr()
        assert (out, err) == ("", f"race-replay: error: {message}\n")


def test_non_utf8_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = LE_MANS.encode("utf-8").replace(b"Ecurie Ecosse", b"Ecurie \xe9cosse", 1)
    path = _write(tmp_path, "latin1", data)
    expected = "latin1.txt:35:149: document is not UTF-8: byte 0xe9 at offset 3732"
    with pytest.raises(ParseError) as caught:
        load_race(path)
    assert str(caught.value) == expected
    assert main(["entries", str(path)]) == 2
    assert capsys.readouterr().err == f"race-replay: error: {expected}\n"


def test_directory_given_as_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "notes.txt"
    folder.mkdir()
    with pytest.raises(ParseError) as caught:
        load_race(folder)
    assert str(caught.value) == "notes.txt: cannot read the document: it is a directory, not a file"
    assert main(["entries", str(folder)]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", "race-replay: error: notes.txt: cannot read the document: "
                              "it is a directory, not a file\n")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a user that file permissions apply to")
def test_unreadable_document(tmp_path: Path) -> None:
    path = _write(tmp_path, "locked", LE_MANS)
    path.chmod(0)
    with pytest.raises(ParseError) as caught:
        load_race(path)
    assert str(caught.value) == "locked.txt: cannot read the document: Permission denied"


def test_a_valid_odd_document_still_reads(tmp_path: Path) -> None:
    """Leading zeros and the largest sane values are numbers, not errors."""
    race = load_race(_write(tmp_path, "zeros", _laps("0327")))
    assert race.entries[0].laps == 327
    assert find_anomalies(race) is not None and len(entries_frame(race)) == len(race.entries)


# --- the seeds manifest -----------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "expected"), [
    (b'[le-mans-1957\nfile = "a.txt"\n',
     "manifest.toml:1:14: manifest is not valid TOML: Expected ']' at the end of a table declaration"),
    (b'[le-mans-1957]\nfile = "a.txt"\ntitle = "Le Mans \xff"\n',
     "manifest.toml:3:18: manifest is not UTF-8: byte 0xff at offset 47"),
    (b'[le-mans-1957]\nfile = "a.txt"\nkind = 5\n',
     "manifest.toml: manifest value must be a non-empty string (key 'le-mans-1957.kind', value 5)"),
    (b'[le-mans-1957]\nfile = "a.txt"\ndate = 1957-02-31\n',
     "manifest.toml:3:8: manifest is not valid TOML: Invalid date or datetime"),
    (b'[le-mans-1957]\nfile = "a.txt"\ndate = 0001-06-22\n',
     "manifest.toml: manifest date is out of range: the year must be from 1850 to 2149 "
     "(key 'le-mans-1957.date', value datetime.date(1, 6, 22))"),
], ids=["not-toml", "not-utf8", "kind-not-text", "impossible-date", "year-1"])
def test_bad_manifest(content: bytes, expected: str, tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_bytes(content)
    with pytest.raises(ParseError) as caught:
        read_manifest(tmp_path)
    assert str(caught.value) == expected


def test_manifest_that_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").mkdir()
    with pytest.raises(ParseError) as caught:
        read_manifest(tmp_path)
    assert str(caught.value) == "manifest.toml: cannot read the manifest: it is a directory, not a file"


def test_cli_names_a_bad_manifest_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "manifest.toml").write_bytes(b"[oops\n")
    monkeypatch.setenv("RACE_REPLAY_SEEDS", str(tmp_path))
    with pytest.raises(RaceReplayError):
        load_race("le-mans-1957")
    assert main(["entries", "le-mans-1957"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("race-replay: error: manifest.toml:1:")
