"""Issue 19: every status of the record, crews of any size, any class label, car numbers with suffixes, and cells
the replay does not need that cannot be read.

Each fixture is a small synthetic document written here (tests/helpers/documents.py builds the rows). Each asserts
what is parsed (statuses, starters, drivers, classes, anomalies) and that the document replays end to end: at the
flag every car has its table laps, the classified order is the table's and every retirement falls in its hour
(:func:`helpers.documents.assert_acceptance`). The retirement hours of these fixtures can all be met; impossible
hours (named conflicts) are item 2 of the issue.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.documents import assert_acceptance, end_event, modern_document, race_document, row
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.anomalies import find_anomalies
from sim.cli import main
from sim.index import index_of_performance, skipped
from sim.log import EventKind
from sim.records import DID_NOT_START, DISQUALIFIED, NOT_CLASSIFIED, RETIRED, STARTED, STATUS_TABLE, STATUSES
from sim.sources import fields
from sim.sources.names import drivers

TITLE = "1958 24 Hours of Le Mans"
LEADERS = [row(1, "S5.0", "1", 300), row(2, "S2.0", "2", 290)]

# (as written, code kept, meaning): every form of the record, also lower case and with a note marker
WRITTEN = [
    ("RES", "RES", DID_NOT_START), ("res", "RES", DID_NOT_START), ("DNQ", "DNQ", DID_NOT_START),
    ("DNP", "DNP", DID_NOT_START), ("DNS", "DNS", DID_NOT_START), ("DNA", "DNA", DID_NOT_START),
    ("dna", "DNA", DID_NOT_START),
    ("DSQ", "DSQ", DISQUALIFIED), ("DISQ", "DSQ", DISQUALIFIED), ("EX", "DSQ", DISQUALIFIED),
    ("Ex", "DSQ", DISQUALIFIED),
    ("NC", "NC", NOT_CLASSIFIED), ("N/C", "NC", NOT_CLASSIFIED), ("N/C *", "NC", NOT_CLASSIFIED),
    ("nc", "NC", NOT_CLASSIFIED),
    ("DNF", "DNF", RETIRED), ("RET", "DNF", RETIRED), ("Ret", "DNF", RETIRED), ("DNF†", "DNF", RETIRED),
    ("dnf", "DNF", RETIRED), ("Ret[a]", "DNF", RETIRED),
]
# The pos column of /work/shared/reference/le-mans-1949-1960-results.csv (735 rows, 1949-1960), each distinct
# value other than a position: every one must parse (RES is on 20 rows, DNQ on 1).
REFERENCE_POS = ("DNF", "DNS", "NC", "DNA", "RES", "DSQ", "DNQ")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path


# -- the one table of statuses ----------------------------------------------------------------------------------


def test_every_status_has_one_meaning_and_only_those_that_did_not_start_are_not_starters():
    meanings = {s.code: s.meaning for s in STATUS_TABLE}
    assert set(meanings.values()) == {"finished", NOT_CLASSIFIED, RETIRED, DISQUALIFIED, DID_NOT_START}
    assert len(meanings) == len(STATUS_TABLE) == len(STATUSES)
    assert set(STARTED) == {code for code, meaning in meanings.items() if meaning != DID_NOT_START}
    assert set(STARTED) == {"classified", "NC", "DNF", "DSQ"}
    forms = [form for s in STATUS_TABLE for form in s.written]
    assert len(forms) == len(set(forms)), "a written form has one status"
    assert all(s.description for s in STATUS_TABLE)


@pytest.mark.parametrize(("written", "code", "meaning"), WRITTEN, ids=[w for w, _, _ in WRITTEN])
def test_a_status_as_the_record_writes_it_is_read_as_its_code(written, code, meaning):
    status, position, _ = fields.position(written)
    assert (status, position) == (code, None)
    assert next(s.meaning for s in STATUS_TABLE if s.code == status) == meaning


FORMS = [(form, s.code) for s in STATUS_TABLE for form in s.written]


@given(st.sampled_from(FORMS), st.lists(st.booleans(), min_size=5, max_size=5),
       st.sampled_from(["", "*", " *", "†", " ‡", "[a]", "[12]", " #"]))
def test_any_casing_and_note_marker_of_a_written_status_reads_as_its_code(form, upper, marker):
    written = "".join(c.upper() if up else c.lower() for c, up in zip(form[0], upper + [True] * len(form[0])))
    assert fields.position(written + marker) == (form[1], None, marker.strip() or None)


@pytest.mark.parametrize("written", REFERENCE_POS)
def test_every_status_of_the_reference_results_1949_1960_is_read(written):
    assert fields.position(written)[0] in STATUSES


@pytest.mark.parametrize(("written", "marker"), [("N/C *", "*"), ("DNF†", "†"), ("Ret[a]", "[a]"), ("DSQ ‡", "‡")])
def test_a_note_marker_is_read_apart_from_the_status(written, marker):
    assert fields.position(written)[2] == marker


# -- one small document per status ------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "code", "meaning"), WRITTEN, ids=[w for w, _, _ in WRITTEN])
def test_a_document_with_each_status_parses_and_replays(tmp_path, written, code, meaning):
    if meaning == DID_NOT_START:
        text = race_document(TITLE, LEADERS, dns=[row(written, "S750", "40", "", "withdrawn")])
    elif meaning == NOT_CLASSIFIED:
        text = race_document(TITLE, [*LEADERS, row(written, "S1.5", "40", 250)])
    else:
        text = race_document(TITLE, LEADERS, dnf=[row(written, "S750", "40", 100, "Engine (12hr)")])
    replay = sim.replay(write(tmp_path, "status", text))
    entry = next(e for e in replay.race.entries if e.number == "40")
    assert (entry.status, entry.meaning, entry.started) == (code, meaning, meaning != DID_NOT_START)
    assert entry.status_text == (None if written == code else written)
    assert entry.reserve == (code == "RES")
    assert [e.number for e in replay.race.starters] == ["1", "2"] + (["40"] if entry.started else [])
    assert_acceptance(replay)
    if entry.started:
        end = end_event(replay, "40")
        flag = replay.facts.duration_s
        expected = {RETIRED: (EventKind.RETIRED, 100), DISQUALIFIED: (EventKind.DISQUALIFIED, 100),
                    NOT_CLASSIFIED: (EventKind.FINISHED, 250)}[meaning]
        assert (end.kind, end.mark) == expected
        status_at_flag = replay.standings(seconds=flag).set_index("car").loc["40", "status"]
        assert status_at_flag == {RETIRED: "retired", DISQUALIFIED: "DSQ", NOT_CLASSIFIED: "NC"}[meaning]
    else:
        assert "40" not in set(replay.standings(hour=1).car)


def test_every_status_in_one_document(tmp_path):
    """One document with every form: the entries keep the table's order, and the starters are the cars that ran."""
    dnf = [row(w, "S750", str(10 + k), 100 + k, "Engine (12hr)") for k, (w, _, m) in enumerate(WRITTEN)
           if m in (RETIRED, DISQUALIFIED)]
    nc = [row("NC", "S1.5", "3", 200)]
    dns = [row(w, "S750", str(50 + k) + (" (reserve)" if c == "RES" else ""), "", "withdrawn")
           for k, (w, c, m) in enumerate(WRITTEN) if m == DID_NOT_START]
    replay = sim.replay(write(tmp_path, "every", race_document(TITLE, [*LEADERS, *nc], dnf, dns)))
    race = replay.race
    assert [e.status for e in race.entries] == (["classified", "classified", "NC"]
                                                + ["DSQ"] * 4 + ["DNF"] * 6
                                                + ["RES", "RES", "DNQ", "DNP", "DNS", "DNA", "DNA"])
    assert len(race.starters) == 13 and len(race.entries) == 20
    assert [e.number for e in race.entries if e.reserve] == ["50", "51"]
    assert_acceptance(replay)
    kinds = {e.number: end_event(replay, e.number).kind for e in race.starters if e.status in ("DNF", "DSQ")}
    assert sorted(set(kinds.values())) == sorted({EventKind.RETIRED, EventKind.DISQUALIFIED})


def test_a_started_status_in_the_did_not_start_table_is_taken_as_not_started(tmp_path):
    """An 'EX' (excluded) row in the Did Not Start table: the table says the car did not start."""
    path = write(tmp_path, "ex", race_document(TITLE, LEADERS, dns=[row("EX", "S750", "40", "", "Excluded")]))
    replay = sim.replay(path)
    entry = replay.race.entry("40")
    assert (entry.status, entry.status_text, entry.started) == ("DNS", "EX", False)
    assert [(a.line, a.kind) for a in find_anomalies(replay.race)] == [(10, "status-section")]
    assert "car 40 is 'EX' (disqualified) in the Did Not Start table" in find_anomalies(replay.race)[0].message
    assert_acceptance(replay)


def test_the_note_of_a_footnoted_status_is_its_reason(tmp_path):
    text = race_document(TITLE, [*LEADERS, row("N/C *", "S1.5", "3", 250)],
                         sections=["- Note *: Not classified because last lap too slow"])
    replay = sim.replay(write(tmp_path, "note", text))
    assert replay.race.entry("3").reason == "Not classified because last lap too slow"
    assert_acceptance(replay)


# -- crews, classes and car numbers -----------------------------------------------------------------------------


def test_a_crew_of_four_drivers_is_four_drivers_in_the_written_order(tmp_path):
    results = [row(1, "LMP2", "38", 300, drivers=4), row(2, "LMP2", "52T", 290, drivers=3),
               row(3, "GTE Am", "62 (reserve)", 280, drivers=5)]
    replay = sim.replay(write(tmp_path, "crews", race_document("2015 24 Hours of Le Mans", results)))
    crew = replay.race.entry("38").drivers
    assert [(d.nationality, d.name) for d in crew] == [("GBR", "Ann Able38"), ("FRA", "Bob Baker38"),
                                                       ("USA", "Cyd Cole38"), ("DEU", "Dan Dorn38")]
    assert [len(replay.race.entry(n).drivers) for n in ("38", "52T", "62")] == [4, 3, 5]
    assert replay.race.entry("62").reserve
    assert not [a for a in find_anomalies(replay.race) if a.kind == "driver-split"]
    assert_acceptance(replay)


def test_modern_nationality_codes_start_a_driver():
    crew, notes = drivers("JPN Kamui Kobayashi CHN Ho-Pin Tung RUS Vitaly Petrov ARE Ed Jones")
    assert [(d.nationality, d.name) for d in crew] == [("JPN", "Kamui Kobayashi"), ("CHN", "Ho-Pin Tung"),
                                                       ("RUS", "Vitaly Petrov"), ("ARE", "Ed Jones")]
    assert notes == []


@pytest.mark.parametrize(("written", "number", "reserve"),
                         [("1", "1", False), ("999", "999", False), ("52T", "52T", False),
                          ("62 (reserve)", "62", True), ("62 (Reserve)", "62", True), ("007", "007", False)])
def test_car_numbers_of_the_record(written, number, reserve):
    assert fields.car_number(written) == (number, reserve)


# -- a modern race: 62 starters, 387 laps, Hypercar/LMP2/LMGTE, no Index, no statistics --------------------------

def test_a_modern_race_of_62_cars_and_387_laps_replays(tmp_path):
    replay = sim.replay(write(tmp_path, "modern", modern_document()))
    race = replay.race
    assert len(race.starters) == 62
    assert {e.car_class for e in race.starters} == {"Hypercar", "LMP2", "LMGTE Pro", "LMGTE Am"}
    assert {e.laps for e in race.starters if e.position in (1, 2)} == {387}
    assert {len(e.drivers) for e in race.starters if e.car_class == "LMP2"} == {4}
    assert race.statistics == {} and race.index_targets_km == {} and index_of_performance(race) == {}
    assert "999" in {e.number for e in race.starters}
    assert find_anomalies(race) == []
    assert_acceptance(replay)
    final = replay.standings(seconds=replay.facts.duration_s)
    assert list(final.car[:2]) == ["1", "2"]  # equal laps: the table's order
    assert list(final.laps[:2]) == [387, 387]


# -- an early race: 120 laps, classes 3.0 and 1.1 -----------------------------------------------------------------


def test_a_1920s_race_of_120_laps_with_classes_3_0_and_1_1_replays(tmp_path):
    results = [row(1, "3.0", "9", 120, engine="Bentley 3.0L S4", chassis="Bentley 3 Litre Sport"),
               row(2, "3.0", "1", 118, engine="Lorraine-Dietrich 3.5L S6", chassis="Lorraine-Dietrich B3-6"),
               row(3, "1.1", "45", 104, engine="Salmson 1.1L S4", chassis="Salmson VAL 3"),
               row(4, "1.1", "46", 101, engine="Amilcar 1.1L S4", chassis="Amilcar CGS")]
    dnf = [row("DNF", "3.0", "8", 30, "Fuel tank (6hr)", engine="Bentley 3.0L S4", chassis="Bentley 3 Litre"),
           row("Ret", "1.1", "47", 12, "Engine (3hr)", engine="Amilcar 1.1L S4", chassis="Amilcar CGS")]
    replay = sim.replay(write(tmp_path, "early", race_document("1925 24 Hours of Le Mans", results, dnf)))
    assert {e.car_class for e in replay.race.starters} == {"3.0", "1.1"}
    assert replay.race.entry("9").laps == 120
    assert_acceptance(replay)
    assert 5 * 3600 <= end_event(replay, "8").time <= 6 * 3600


# -- cells the replay does not need -------------------------------------------------------------------------------

INDEX_SECTIONS = [
    "", "==Regulations==", "| Engine Capacity | Total Distance | Average Speed |",
    "| S-4000 | 3710.8 km | 154.6 km/h |", "| S-1500 | 3272.7 km | 136.4 km/h |", "| S-750 | 2666.7 km | 111.1 km/h |",
    "", "==Index of Performance==", "| Pos | Class | No | Score |", "| 1 | S750 | 55 | 1.300 |",
]


def test_an_unreadable_engine_is_an_anomaly_and_the_index_skips_the_car(tmp_path, capsys):
    """'Renault 747L S4': a typo for 747 cc in a real results table, refused before issue 19."""
    results = [*LEADERS, row(3, "S750", "55", 250, engine="Renault 747L S4", chassis="Renault 4CV")]
    path = write(tmp_path, "engine", race_document(TITLE, results, statistics=["Distance - 4000.0 km"],
                                                   sections=INDEX_SECTIONS))
    replay = sim.replay(path)
    engine = replay.race.entry("55").engine
    assert (engine.text, engine.make, engine.displacement_cc, engine.layout) == ("Renault 747L S4", "Renault", None,
                                                                                "S4")
    found = [a for a in find_anomalies(replay.race) if a.kind == "unreadable-cell"]
    assert [(a.line, a.message) for a in found] == [(7, (
        "car 55: Engine 'Renault 747L S4' at engine.txt:7:80 cannot be read (a displacement must be from 0.001 L to "
        "99.999 L); kept as written; the Index of Performance skips this car"))]
    assert set(index_of_performance(replay.race)) == {"1", "2"}
    assert skipped(replay.race) == {"55": "engine 'Renault 747L S4' gives no readable displacement"}
    mismatch = next(a for a in find_anomalies(replay.race) if a.kind == "index-mismatch")
    assert mismatch.message == ("Index 1: car 55 published 1.300, computed no index (engine 'Renault 747L S4' gives "
                                "no readable displacement)")
    assert_acceptance(replay)
    assert main(["inspect", str(path)]) == 0
    assert "car 55: Engine 'Renault 747L S4' at engine.txt:7:80 cannot be read" in capsys.readouterr().out


def test_an_unreadable_lap_count_still_refuses_the_document(tmp_path):
    """The bounds stay for the numbers the replay uses."""
    path = write(tmp_path, "laps", race_document(TITLE, [*LEADERS, row(3, "S750", "55", "2x0")]))
    with pytest.raises(sim.errors.ParseError, match=r"laps\.txt:7:.*Laps: not a whole number"):
        sim.replay(path)
