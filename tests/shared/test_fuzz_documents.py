"""Fuzz (issue 8): mutated seed documents are read or refused with one of the project's errors, never a traceback.

A few hundred seeded mutants on every run (``make fuzz`` reads 20,000 of them), through the paths
`race-replay entries` and `inspect` use; and every cell parser, given any text, returns a value or
raises FieldError. The mutation engine is tests/fuzzing.py, shared with benchmarks/fuzz.py.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fuzzing import SEED_FILES, fuzz, fuzz_known
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.sources import fields

MUTANTS = 360
KNOWN = 120  # known-answer mutants (issue 23): stray lines in tables, duplicate numbers, glued numbers
SEED = 2026


def test_seed_documents_are_all_there() -> None:
    assert [p.name[:3] for p in SEED_FILES] == ["000", "001", "002"]


def test_mutated_documents_raise_only_project_errors(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)  # each mutant logs its anomaly count as a warning
    unexpected = fuzz(MUTANTS, SEED, tmp_path)
    assert [f"{u.kind} at {u.where}: {u.message} ({u.document})" for u in unexpected] == []
    assert list(tmp_path.iterdir()) == []  # each mutant was a fresh file, removed after reading


def test_known_answer_mutants_keep_every_row_or_are_refused(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """0 silent row drops: a mutant that keeps every row parses every entry; duplicates and glued numbers refused."""
    caplog.set_level(logging.ERROR)
    wrong = fuzz_known(KNOWN, SEED, tmp_path)
    assert [f"{u.kind} ({u.where}): {u.message} ({u.document})" for u in wrong] == []
    assert list(tmp_path.iterdir()) == []


ODD_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789²³¹١٢٣０１２.:,-+ hrLcc()stndrh", max_size=30),
    st.integers(min_value=0).map(str),
    st.builds(lambda n, suffix: str(n) + suffix, st.integers(0, 10**30),
              st.sampled_from(["", "th", "cc", "L", "hr 00:00", ":00.0"])),
)
CELL_PARSERS = [fields.position, fields.car_number, fields.whole_number, fields.decimal, fields.race_time,
                fields.lap_time, fields.engine, fields.reason, fields.integer]


@pytest.mark.parametrize("parse", CELL_PARSERS, ids=lambda f: f.__name__)
@settings(max_examples=150, derandomize=True, deadline=None)
@given(text=ODD_TEXT)
def test_cell_parsers_raise_only_field_errors(parse, text: str) -> None:
    try:
        parse(text)
    except fields.FieldError:
        pass


@settings(max_examples=200, derandomize=True, deadline=None)
@given(text=ODD_TEXT)
def test_integers_are_ascii_and_bounded(text: str) -> None:
    try:
        value = fields.integer(text)
    except fields.FieldError:
        return
    assert 0 <= value < fields.MAX_COUNT
    assert text.strip().isascii() and text.strip().isdigit()
