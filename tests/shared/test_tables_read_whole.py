"""Issue 23 item 2: a blank, stray or short line inside a table never drops the rows after it in silence.

The incident: one empty line inside the Did Not Finish table gave "replay of 23 starters" (the document has 54),
exit 0; a garbage line in the 1961 timesheet gave a forecast of 34 cars instead of 55. Now a blank or stray line is
an anomaly at its line and the rows after it are read; a short row breaks the table and the document is refused
with that line named.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzzing import SEED_FILES

from sim.document import parse_document
from sim.errors import ParseError
from sim.kinds import load_race

INSERTED = {"blank": "", "garbage": "xq!! a sentence that strayed into the table 123", "bullet": "- a stray note"}
SHORT_ROW = "| 23 | Jaguar |"


def _inside_rows(lines: list[str]) -> list[int]:
    """0-based indexes of the lines that are a table row right after another row (a line put there is inside)."""
    return [i for i, line in enumerate(lines) if i and line.startswith("|") and lines[i - 1].startswith("|")]


def _cars(race) -> list[tuple[str, str, int | None]]:
    return [(e.number, e.status, e.position) for e in race.entries]


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("what", sorted(INSERTED))
def test_a_line_inside_any_table_keeps_every_row(tmp_path: Path, seed: Path, what: str) -> None:
    lines = seed.read_text(encoding="utf-8").split("\n")
    want = _cars(load_race(seed))
    for i in _inside_rows(lines):
        path = tmp_path / f"{seed.stem}_{what}_{i}.txt"
        path.write_text("\n".join([*lines[:i], INSERTED[what], *lines[i:]]), encoding="utf-8")
        race = load_race(path)
        assert _cars(race) == want, f"line {i + 1}"
        gaps = [a for a in race.anomalies if a.kind == "table-gap"]
        assert [(a.line, a.file) for a in gaps] == [(i + 1, str(path))], f"line {i + 1}"
        assert f"{path.name}:{i + 1}" in gaps[0].message


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_a_short_row_inside_any_table_is_refused_at_its_line(tmp_path: Path, seed: Path) -> None:
    lines = seed.read_text(encoding="utf-8").split("\n")
    for i in _inside_rows(lines):
        path = tmp_path / f"{seed.stem}_short_{i}.txt"
        path.write_text("\n".join([*lines[:i], SHORT_ROW, *lines[i:]]), encoding="utf-8")
        with pytest.raises(ParseError) as caught:
            load_race(path)
        assert f"{path.name}:{i + 1}:" in str(caught.value) and "\n" not in str(caught.value)


def test_did_not_finish_with_a_blank_line_still_has_54_starters(tmp_path: Path) -> None:
    """The incident of issue 23: "replay of 23 starters" from one empty line in the Did Not Finish table."""
    lines = SEED_FILES[0].read_text(encoding="utf-8").split("\n")
    start = lines.index("==Did Not Finish==") + 3  # the heading, the header row, the first row
    path = tmp_path / "blank-in-dnf.txt"
    path.write_text("\n".join([*lines[:start], "", *lines[start:]]), encoding="utf-8")
    assert len(load_race(path).starters) == 54


def test_a_header_after_a_blank_line_starts_a_new_table() -> None:
    doc = parse_document("== A ==\n| No | Laps |\n| 1 | 2 |\n\n| Pos | Score |\n| 1 | 3 |\n")
    tables = doc.sections[0].tables
    assert [t.header for t in tables] == [("No", "Laps"), ("Pos", "Score")]
    assert [len(t.rows) for t in tables] == [1, 1] and doc.table_gaps() == []


def test_a_paragraph_after_a_table_stays_a_paragraph() -> None:
    doc = parse_document("== A ==\n| No | Laps |\n| 1 | 2 |\n\n- Note *: a note\nText.\n== B ==\nMore.\n")
    section = doc.sections[0]
    assert [b.text for b in section.bullets] == ["Note *: a note"] and [p.text for p in section.paragraphs] == ["Text."]
    assert doc.table_gaps() == []


def test_rows_after_a_stray_line_join_the_table_and_the_line_is_a_gap() -> None:
    doc = parse_document("== A ==\n| No | Laps |\n| 1 | 2 |\n\nstray\n| 3 | 4 |\n")
    (table,) = doc.sections[0].tables
    assert [r.cells for r in table.rows] == [("1", "2"), ("3", "4")]
    assert [(g.line, g.text) for g in table.gaps] == [(4, ""), (5, "stray")]
    assert doc.sections[0].paragraphs == ()


def test_a_sentence_inside_the_index_target_table_keeps_every_size(tmp_path: Path) -> None:
    """Was refused as 'the table ends after 1 engine size'; now the sizes after the sentence are read."""
    text = SEED_FILES[0].read_text(encoding="utf-8")
    row = "| S-4000 | 3710.8 km | 154.6 km/h |\n"
    path = tmp_path / "index_stray_sentence.txt"
    path.write_text(text.replace(row, row + "The smaller sizes follow.\n"), encoding="utf-8")
    race = load_race(path)
    assert race.index_targets_km == load_race(SEED_FILES[0]).index_targets_km
    assert [(a.line, a.kind) for a in race.anomalies if a.kind == "table-gap"] == [(16, "table-gap")]
