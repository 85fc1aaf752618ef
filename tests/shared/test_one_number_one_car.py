"""Issue 23 item 4: one number, one car, in every kind of document.

The incident: duplicate car numbers were refused in a Le Mans document (at the replay) but accepted in the Mille
Miglia (car 024 both 54th and a second time further down) and in the 1961 timesheet (car 5 forecast twice with
different probabilities). Now each parser refuses two rows of cars that started (or practised) under one number,
naming both lines; a Le Mans car that did not start under a starter's number (the seed's car 8) stays an anomaly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzzing import SEED_FILES

from sim.errors import ParseError
from sim.kinds import load_race


def _copy_row(seed: Path, row_start: str, change: tuple[str, str]) -> str:
    """The seed with the row starting ``row_start`` written again below it, ``change`` applied to the copy."""
    lines = seed.read_text(encoding="utf-8").split("\n")
    i = next(k for k, line in enumerate(lines) if line.startswith(row_start))
    return "\n".join([*lines[: i + 1], lines[i].replace(*change), *lines[i + 1 :]]), i + 1


CASES = {
    "le-mans-dnf": (SEED_FILES[0], "| DNF | S2.0 | 29 |", ("Picard", "Picard")),
    "mille-miglia-024": (SEED_FILES[1], "| 54th | 024 |", ("54th", "55th")),
    "timesheet-car-5": (SEED_FILES[2], "| 8th | 5 |", ("8th", "9th")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_two_rows_with_one_number_are_refused_naming_both_lines(name: str, tmp_path: Path) -> None:
    seed, row, change = CASES[name]
    text, line = _copy_row(seed, row, change)
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load_race(path)
    message = str(caught.value)
    assert message.startswith(f"{name}.txt:{line + 1}: car number ")
    assert f"line {line} (" in message and f"line {line + 1} (" in message and "\n" not in message


def test_a_practice_car_that_did_not_start_under_a_starters_number_is_an_anomaly() -> None:
    race = load_race("le-mans-1957")
    rows = [e for e in race.entries if e.number == "8"]
    assert [(e.position, e.status) for e in rows] == [(5, "classified"), (None, "DNS")]
    assert any(a.kind == "duplicate-number" and a.line == rows[1].line for a in race.anomalies)
