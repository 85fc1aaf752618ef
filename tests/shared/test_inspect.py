"""Every quirk that `race-replay inspect` reports, each found at its line of the source.

Lines are looked up in the seed by the text they hold, so the tests say which row is meant.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.anomalies import find_anomalies, ordinal, positions
from sim.kinds import load_race
from sim.records import Anomaly, Entry, Race

SEEDS = Path(__file__).parents[2] / "seeds"


def line_of(file: str, fragment: str) -> int:
    lines = [n for n, text in enumerate((SEEDS / file).read_text(encoding="utf-8").splitlines(), 1) if fragment in text]
    assert len(lines) == 1, (fragment, lines)
    return lines[0]


def lemans(fragment: str) -> int:
    return line_of("000_04c9cf36cbb82ecf.txt", fragment)


def mille(fragment: str) -> int:
    return line_of("001_e8a38369d577c846.txt", fragment)


def found(race: Race, line: int, kind: str) -> Anomaly:
    matches = [a for a in find_anomalies(race) if (a.line, a.kind) == (line, kind)]
    assert len(matches) == 1, [(a.line, a.kind) for a in find_anomalies(race)]
    return matches[0]


@pytest.fixture(scope="module")
def le_mans() -> Race:
    return load_race("le-mans-1957")


@pytest.fixture(scope="module")
def mm() -> Race:
    return load_race("mille-miglia-1957")


def test_le_mans_anomalies_are_exactly_these(le_mans: Race) -> None:
    assert [(a.line, a.kind) for a in find_anomalies(le_mans)] == sorted([
        (lemans("number of starters was fixed at 55"), "count-mismatch"),
        (lemans("A total of 82 racing cars"), "count-mismatch"),
        (lemans("A total of 82 racing cars"), "count-mismatch"),
        (lemans("A total of 82 racing cars"), "count-mismatch"),
        (lemans("comfortably leading the S-2000 class"), "text-table-conflict"),
        (lemans("| 8 | S1.5 | 35 |"), "inconsistent-engine"),
        (lemans("| N/C * |"), "note-marker"),
        (lemans("| N/C * |"), "inconsistent-code"),
        (lemans("| DNF | S5.0 | 10 |"), "inconsistent-code"),
        (lemans("ITA Umberto Maglioli Edgar Barth"), "driver-split"),
        (lemans("| DNF | S3.0 | 19 |"), "typo"),
        (lemans("FRA Clarence de Rinen Robert La Caze"), "driver-split"),
        (lemans("| DNS | S5.0 | 8 |"), "duplicate-number"),
        (lemans("ITA Jean Blanc Georges Burggraff"), "driver-split"),
        (lemans("| 7 | S750 | 46 |"), "source-conflict"),
        (lemans("- Fastest Lap: Hawthorn"), "unit-conflict"),
    ], key=lambda item: item[0])
    assert {Path(a.file).name for a in le_mans.anomalies} == {"000_04c9cf36cbb82ecf.txt"}


def test_car_8_fifth_and_did_not_start(le_mans: Race) -> None:
    anomaly = found(le_mans, lemans("| DNS | S5.0 | 8 |"), "duplicate-number")
    assert anomaly.message == (
        f"car 8 appears 2 times: 5th (line {lemans('| 5 | S5.0 | 8 |')}), DNS (line {lemans('| DNS | S5.0 | 8 |')}, "
        f"'Practice - Piston'); all rows are kept and the starter is line {lemans('| 5 | S5.0 | 8 |')}; "
        f"the text explains it at line {lemans('Severi & Lewis-Evans were allowed')}: "
        "'Severi & Lewis-Evans were allowed to change to the Type 315 S that had won that fateful Mille Miglia.'"
    )


def test_starters_fixed_at_55_but_54_started(le_mans: Race) -> None:
    anomaly = found(le_mans, lemans("number of starters was fixed at 55"), "count-mismatch")
    assert anomaly.message == ("the text says 'number of starters was fixed at 55' (starters: 55) but the tables "
                               "list 54 rows that started (classified, NC, DNF, DSQ)")
    messages = [a.message for a in find_anomalies(le_mans) if a.line == lemans("A total of 82 racing cars")]
    assert [m.split(" but ")[0] for m in messages] == [
        "the text says '55 starting places' (starters: 55)",
        "the text says 'total of 82 racing cars were registered' (entries: 82)",
        "the text says '58 were allowed to practice' (practised: 58)",
    ]
    assert messages[1].endswith("the tables list 59 car numbers in the result, DNF, DNS and DNA tables (60 rows)")
    assert messages[2].endswith("the tables list 57 cars that practised (starters and DNS rows)")


def test_maglioli_leading_s2000_but_car_32_is_s15(le_mans: Race) -> None:
    anomaly = found(le_mans, lemans("comfortably leading the S-2000 class"), "text-table-conflict")
    assert anomaly.message == (f"the text has Maglioli 'leading the S-2000 class' (S2.0) but Maglioli's car 32 is in "
                               f"class S1.5 in the table (line {lemans('ITA Umberto Maglioli Edgar Barth')})")


def test_storez_nc_star_explained_by_note(le_mans: Race) -> None:
    anomaly = found(le_mans, lemans("| N/C * |"), "note-marker")
    assert anomaly.message == (f"car 34 is 'N/C *': NC with a note marker, explained by the note at line "
                               f"{lemans('- Note *:')}: 'Ran out of fuel; Not classified because last lap too slow'")


def test_dr1_300_is_a_typo_for_dbr1_300(le_mans: Race) -> None:
    anomaly = found(le_mans, lemans("| DNF | S3.0 | 19 |"), "typo")
    assert anomaly.message == ("chassis 'Aston Martin DR1/300' of car 19 is probably 'Aston Martin DBR1/300' "
                               "(as for car 20 and in the text); kept as written")


def test_ned_and_nld_deu_and_frg(le_mans: Race) -> None:
    ned = found(le_mans, lemans("| DNF | S5.0 | 10 |"), "inconsistent-code")
    assert ned.message == "NED (car 10) and NLD (car 35) are codes for the same country; kept as written"
    frg = found(le_mans, lemans("| N/C * |"), "inconsistent-code")
    assert frg.message == ("DEU (car 45, car 32, car 33, car 61) and FRG (car 34) are codes for the same country; "
                           "kept as written")


def test_drivers_split_without_codes_are_reported(le_mans: Race) -> None:
    anomaly = found(le_mans, lemans("ITA Umberto Maglioli Edgar Barth"), "driver-split")
    assert anomaly.message == ("car 32: split 'Umberto Maglioli Edgar Barth' into 'Umberto Maglioli' and "
                               "'Edgar Barth': no nationality code between the names")


def test_porsche_flat_four_written_s4_once(le_mans: Race) -> None:
    anomaly = found(le_mans, lemans("| 8 | S1.5 | 35 |"), "inconsistent-engine")
    assert anomaly.message == ("car 35: engine 'Porsche 1498cc S4' has layout 'S4' where 5 other Porsche 1498cc "
                               "engines have 'F4'; kept as written")


def test_fastest_lap_kph_disagrees_with_mph(le_mans: Race) -> None:
    anomaly = found(le_mans, lemans("- Fastest Lap: Hawthorn"), "unit-conflict")
    assert anomaly.message == "Fastest Lap: 203.2 km/h but 126.15 mph = 203.02 km/h; kept 203.2 as written"


def test_mille_miglia_anomalies_are_exactly_these(mm: Race) -> None:
    got = [(a.line, a.kind) for a in find_anomalies(mm)]
    assert got == sorted([
        (mille("310 cars started"), "count-mismatch"), (mille("310 cars started"), "count-mismatch"),
        (mille("Of the 310 starters"), "count-mismatch"), (mille("Of the 310 starters"), "count-mismatch"),
        (mille("| Pos. | No. |"), "short-header"),
        (mille("11hr 26.58"), "typo"),
        (mille("| 33rd | 121 |"), "position-gap"),
        (mille("| 68th | 40 |"), "same-start"),
        (mille("| 81st | 73 |"), "number-not-a-time"), (mille("| 83rd | 64 |"), "number-not-a-time"),
        (mille("| 93rd | 212 |"), "position-order"),
        (mille("| 99th | 032 |"), "position-order"), (mille("| 99th | 032 |"), "equal-time"),
        (mille("| 110th | 71 |"), "number-not-a-time"), (mille("| 141st | 63 |"), "number-not-a-time"),
        (mille("| 172nd | 77 |"), "number-not-a-time"), (mille("| DNF | 69 |"), "number-not-a-time"),
        (mille("| 040 | Peugeot 403 | Delageneste |"), "typo"),
        (mille("| 006 | Fiat 1100/103 |"), "source-conflict"),
        (mille("| 244 | Alfa Romeo 1900 TI |"), "source-conflict"),
        (mille("| 032 | Alf Romeo Giulietta |"), "typo"), (mille("| 032 | Alf Romeo Giulietta |"), "source-conflict"),
    ], key=lambda item: item[0])


def test_mm_header_has_fewer_named_cells_than_its_rows(mm: Race) -> None:
    anomaly = found(mm, mille("| Pos. | No. |"), "short-header")
    assert anomaly.message == (
        "the header row names 8 columns (Pos., No., Class, Driver, Entrant, Car - Engine, Time, Reason Out) but its "
        "data rows fill 9: the co-driver column has no header, so every header from 'Entrant' on sits one column "
        "left of its data; read as position, number, class, driver, co-driver, entrant, car, time, reason"
    )


def test_luglio_11hr_26_58(mm: Race) -> None:
    anomaly = found(mm, mille("11hr 26.58"), "typo")
    assert anomaly.message == "time '11hr 26.58' of car 441 has '.' for ':'; read as 11:26:58"


def test_only_a_selection_of_172_is_listed(mm: Race) -> None:
    gap = found(mm, mille("| 33rd | 121 |"), "position-gap")
    assert gap.message == ("positions jump from 31 to 33 (car 121), and 25 more gaps: 109 of the positions 1-172 "
                           "are not listed (63 are)")
    counts = [a.message for a in find_anomalies(mm) if a.kind == "count-mismatch"]
    assert counts == [
        ("the text says '310 cars started' (starters: 310) but the tables list 84 starters; "
         "the text says only a selection is listed"),
        ("the text says 'total of 391 cars were entered' (entries: 391) but the tables list 84 cars; "
         "the text says only a selection is listed"),
        ("the text says 'Of the 310 starters' (starters: 310) but the tables list 84 starters; "
         "the text says only a selection is listed"),
        ("the text says '172 were classified' (classified: 172) but the tables list 63 classified cars; "
         "the text says only a selection is listed"),
    ]


def test_91st_slower_than_93rd_and_99th_equal_to_95th(mm: Race) -> None:
    assert found(mm, mille("| 93rd | 212 |"), "position-order").message == (
        "93rd (car 212, 14:06:16) is faster than 91st (car 006, 14:16:55) above it")
    assert found(mm, mille("| 99th | 032 |"), "position-order").message == (
        "99th (car 032, 14:12:28) is faster than 98th (car 257, 14:15:16) above it")
    assert found(mm, mille("| 99th | 032 |"), "equal-time").message == (
        "99th (car 032) has the same time 14:12:28 as 95th (car 206)")


def test_numbers_that_are_not_start_times(mm: Race) -> None:
    assert found(mm, mille("| 81st | 73 |"), "number-not-a-time").message == (
        "car number 73 does not read as a start time")
    assert found(mm, mille("| 68th | 40 |"), "same-start").message == (
        f"cars 040 (line {mille('| 66th | 040 |')}) and 40 both read as a start at 00:40 on 12 May")


def test_class_winner_spellings(mm: Race) -> None:
    assert found(mm, mille("| 040 | Peugeot 403 | Delageneste |"), "typo").message == (
        f"class winners name 'Delageneste' for car 040 where the results (line {mille('| 66th | 040 |')}) have "
        "'Roger Delagenste'; kept as written")
    assert found(mm, mille("| 032 | Alf Romeo Giulietta |"), "typo").message == (
        "class winners write 'Alf Romeo Giulietta' for car 032: make 'Alf' is probably 'Alfa'; kept as written")
    assert found(mm, mille("| 032 | Alf Romeo Giulietta |"), "source-conflict").message == (
        f"class winners give car 032 as 'Alf Romeo Giulietta' but the results (line {mille('| 99th | 032 |')}) "
        "as 'Peugeot 403'")
    assert found(mm, mille("| 244 | Alfa Romeo 1900 TI |"), "source-conflict").message == (
        f"class winners name 'Della Tore' for car 244 where the results (line {mille('| 87th | 244 |')}) have "
        "'Achille Fona / Amletto Della Fona'; kept as written")
    assert found(mm, mille("| 006 | Fiat 1100/103 |"), "source-conflict").message == (
        f"class winners give car 006 as 'Fiat 1100/103' but the results (line {mille('| 91st | 006 |')}) "
        "as 'Alfa Romeo Giulietta'")


def test_1961_rodriguez_time_columns_differ() -> None:
    [anomaly] = find_anomalies(load_race("le-mans-1961"))
    assert (anomaly.line, anomaly.kind, anomaly.message) == (
        1, "time-conflict",
        "car 17: the time columns disagree (3:59.900 and 4:03.000) while they are equal on 54 of 55 rows")


def entry(number: str, position: int | None, line: int, status: str = "classified") -> Entry:
    return Entry(race="t", number=number, status=status, line=line, position=position)


def test_repeated_and_missing_positions() -> None:
    race = Race("t", "circuit", "T", "t.txt", (entry("1", 2, 10), entry("2", 2, 11), entry("3", 4, 12)))
    assert positions(race) == [
        Anomaly("t.txt", 11, "duplicate-position", "position 2 is given to more than one car (car 2)"),
        Anomaly("t.txt", 10, "position-gap",
                "positions jump to 2 at the start (car 1), and 1 more gaps: "
                "2 of the positions 1-4 are not listed (2 are)"),
    ]


def test_find_anomalies_is_idempotent(le_mans: Race) -> None:
    assert find_anomalies(le_mans) == list(le_mans.anomalies)
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 93, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "93rd", "111th"]
