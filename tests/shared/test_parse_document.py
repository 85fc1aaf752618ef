"""The generic document parser, tomli-style: valid inputs with their expected tree as JSON, and
invalid inputs with the exact error text, all under tests/data/document/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.document import Document, Section, parse_document, read_document
from sim.errors import ParseError

DATA = Path(__file__).parents[1] / "data" / "document"
VALID = sorted((DATA / "valid").glob("*.txt"))
INVALID = sorted((DATA / "invalid").glob("*.txt"))
SEEDS = Path(__file__).parents[2] / "seeds"


def section_dict(section: Section) -> dict:
    return {
        "title": section.title,
        "level": section.level,
        "line": section.line,
        "paragraphs": [[t.line, t.text] for t in section.paragraphs],
        "bullets": [[t.line, t.text] for t in section.bullets],
        "tables": [
            {"line": t.line, "header": list(t.header) if t.header is not None else None,
             "rows": [[r.line, list(r.cells)] for r in t.rows]}
            for t in section.tables
        ],
        "children": [section_dict(c) for c in section.children],
    }


def document_dict(doc: Document) -> dict:
    return {"title": doc.title, "sections": [section_dict(s) for s in doc.sections]}


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_document(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert document_dict(read_document(path)) == expected


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_document(path: Path) -> None:
    expected = path.with_suffix(".err").read_text(encoding="utf-8").strip()
    with pytest.raises(ParseError) as caught:
        read_document(path)
    assert str(caught.value) == expected


def test_error_carries_its_location() -> None:
    with pytest.raises(ParseError) as caught:
        read_document(DATA / "invalid" / "not_utf8.txt")
    error = caught.value
    assert (Path(error.file).name, error.line, error.column) == ("not_utf8.txt", 3, 5)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"^missing\.txt: cannot read the document: No such file or directory$"):
        read_document(tmp_path / "missing.txt")


def test_cells_keep_their_columns() -> None:
    doc = parse_document("| Pos | No |\n|  1 | 52T |\n", file="t.txt")
    row = doc.sections[0].tables[0].rows[0]
    assert (row.cells, row.columns) == (("1", "52T"), (4, 8))


def test_find_section_ignores_case_and_spacing() -> None:
    doc = read_document(DATA / "valid" / "nested.txt")
    assert doc.find_section("lap  2").line == 8
    assert doc.find_section("Lap") is None
    assert doc.find_section("Lap", partial=True).title == "Lap 1"
    assert [s.title for s in doc.walk()] == ["", "Race", "Start", "Lap 1", "Lap 2", "Finish", "Results", "Citations"]


def test_require_section_names_the_missing_title() -> None:
    doc = read_document(DATA / "valid" / "minimal.txt")
    with pytest.raises(ParseError) as caught:
        doc.require_section("Did Not Finish")
    assert str(caught.value) == "minimal.txt: document has no section with this title (key 'Did Not Finish')"


def test_search_finds_text_and_line() -> None:
    doc = read_document(SEEDS / "000_04c9cf36cbb82ecf.txt")
    [(text, match)] = doc.search(r"number of starters was fixed at (\d+)")
    assert (text.line, match.group(1)) == (12, "55")


def test_the_three_seeds_parse() -> None:
    lemans = read_document(SEEDS / "000_04c9cf36cbb82ecf.txt")
    mille = read_document(SEEDS / "001_e8a38369d577c846.txt")
    practice = read_document(SEEDS / "002_a60c4b6d58e650ef.txt")
    assert lemans.title == "1957 24 Hours of Le Mans"
    assert [s.title for s in lemans.sections][-2:] == ["Statistics", "Standings after the race"]
    assert lemans.find_section("Citations").level == 3
    results = lemans.find_section("Official results").tables[0]
    assert (results.line, len(results.header), len(results.rows)) == (106, 8, 21)
    assert mille.find_section("Official results").level == 3
    assert len(mille.find_section("Official results").tables[0].rows) == 84
    assert practice.title is None
    [table] = practice.sections[0].tables
    assert (table.header, len(table.rows), table.rows[-1].cells[1]) == (None, 55, "52T")
