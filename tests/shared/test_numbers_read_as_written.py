"""Issue 23 item 3: numbers read as written, never part of a number.

The incident: `Distance - 1e308 km` was read as 308 km (exit 0, every distance wrong); a retirement hour `(-1hr)`,
`(4.5hr)` or written in Arabic-Indic digits became "no hour" in silence. Now each is a ParseError naming
file:line:column and the text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzzing import SEED_FILES

from sim.errors import ParseError
from sim.kinds import load_race
from sim.sources import fields

LE_MANS = SEED_FILES[0].read_text(encoding="utf-8")
DISTANCE = "- Distance - 4397.11 km"
DISTANCE_LINE = LE_MANS.split("\n").index(DISTANCE) + 1
HOUR = "Oil pipe (10hr)"
HOUR_LINE = next(i for i, line in enumerate(LE_MANS.split("\n"), 1) if HOUR in line)


@pytest.mark.parametrize("written", ["1e308", "-1", "+5", "4397.1.1", "43٩7.11", "1_000", "٣٠٨"])
def test_a_distance_that_is_not_plain_digits_is_refused_at_its_column(written: str, tmp_path: Path) -> None:
    path = tmp_path / "distance.txt"
    path.write_text(LE_MANS.replace(DISTANCE, f"- Distance - {written} km"), encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load_race(path)
    message = str(caught.value)
    assert message.startswith(f"distance.txt:{DISTANCE_LINE}:") and written in message and "\n" not in message


@pytest.mark.parametrize("written", ["-1", "4.5", "٤", "0", "1e1", "", "ten"])
def test_a_retirement_hour_that_is_not_a_whole_hour_is_refused(written: str, tmp_path: Path) -> None:
    path = tmp_path / "hour.txt"
    path.write_text(LE_MANS.replace(HOUR, f"Oil pipe ({written}hr)"), encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load_race(path)
    message = str(caught.value)
    assert message.startswith(f"hour.txt:{HOUR_LINE}:") and f"({written}hr)" in message
    assert "retirement hour" in message and "\n" not in message


def test_the_seed_hours_and_statistics_are_read_as_before() -> None:
    race = load_race("le-mans-1957")
    assert race.statistics["distance_km"] == 4397.11
    hours = sorted({e.retirement_hour for e in race.entries if e.retirement_hour})
    assert hours == [1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 21, 22, 24]


@pytest.mark.parametrize("text, expected", [("Piston (10hr)", ("Piston", 10)), ("withdrawn", ("withdrawn", None)),
                                            ("Crash (24 hr)", ("Crash", 24)), ("", (None, None))])
def test_reason_reads_whole_hours(text: str, expected: tuple) -> None:
    assert fields.reason(text) == expected


@pytest.mark.parametrize("text", ["5 (-1hr)", "x (4.5hr)", "x (١٢hr)", "x (0hr)", "x (1e3hr)", "x (+3hr)"])
def test_reason_refuses_other_hours(text: str) -> None:
    with pytest.raises(fields.FieldError, match="retirement hour"):
        fields.reason(text)
