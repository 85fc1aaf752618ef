"""Bad source documents: each raises ParseError naming file, line, column or field, and the bad text.

The documents live in tests/data/sources/invalid/, each with its exact message in a .err file;
the CLI prints the same message as one line on stderr with exit status 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import ParseError
from sim.kinds import load_race

INVALID = sorted((Path(__file__).parents[1] / "data" / "sources" / "invalid").glob("*.txt"))
DOCUMENT_INVALID = Path(__file__).parents[1] / "data" / "document" / "invalid"


def expected(path: Path) -> str:
    return path.with_suffix(".err").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_bad_document_raises_with_location(path: Path) -> None:
    with pytest.raises(ParseError) as caught:
        load_race(path)
    assert str(caught.value) == expected(path)


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_cli_prints_one_line_and_exits_2(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["entries", str(path), "--format", "json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"race-replay: error: {expected(path)}\n"


@pytest.mark.parametrize("name", ["empty", "not_utf8", "ragged_row"])
def test_cli_reports_document_errors(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = DOCUMENT_INVALID / f"{name}.txt"
    assert main(["inspect", str(path)]) == 2
    assert capsys.readouterr().err == f"race-replay: error: {expected(path)}\n"


def test_error_messages_name_the_field_and_value() -> None:
    with pytest.raises(ParseError) as caught:
        load_race(INVALID[0].parent / "bad_laps.txt")
    error = caught.value
    assert (error.line, error.column, error.value) == (13, 68, "2OO")
    assert error.message == "Laps: not a whole number"
