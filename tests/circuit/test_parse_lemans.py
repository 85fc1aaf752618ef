"""1957 Le Mans as typed data: every row of the results, DNF and DNS tables is an Entry.

Expected values are built independently of the parser: a literal table for some cars, and for all
cars a structural cross-check against the raw table lines of the seed.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from sim.kinds import load_race
from sim.records import Driver, Race

SEED = Path(__file__).parents[2] / "seeds" / "000_04c9cf36cbb82ecf.txt"


@pytest.fixture(scope="module")
def race() -> Race:
    return load_race("le-mans-1957")


def raw_rows() -> list[dict]:
    """The seed's result/DNF/DNS rows read with nothing but str.split."""
    rows, header, keep = [], None, False
    for number, line in enumerate(SEED.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("=="):
            keep = line.strip("= ") in ("Official results", "Did Not Finish", "Did Not Start")
            continue
        if not keep or not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "Pos":
            header = cells
            continue
        row = dict(zip(header, cells), line=number)
        engine = re.search(r"(\d+(?:\.\d+)?)(L|cc)", row["Engine"])
        row["cc"] = int(engine[1]) if engine[2] == "cc" else int(float(engine[1]) * 1000)
        hour = re.search(r"\((\d+)hr\)", row.get("Reason", ""))
        row["hour"] = int(hour[1]) if hour else None
        rows.append(row)
    return rows


def test_counts_by_status(race: Race) -> None:
    assert Counter(e.status for e in race.entries) == {
        "classified": 20, "NC": 1, "DNF": 32, "DSQ": 1, "DNS": 3, "DNA": 3,
    }
    assert len(race.starters) == 54


def test_every_row_matches_the_document(race: Race) -> None:
    raw = raw_rows()
    assert len(raw) == len(race.entries) == 60
    for row, entry in zip(raw, race.entries):
        assert entry.line == row["line"]
        assert entry.number == row["No"].removesuffix(" (reserve)")
        assert entry.reserve == row["No"].endswith("(reserve)")
        assert entry.car_class == row["Class"]
        assert entry.chassis == row["Chassis"]
        assert entry.engine.text == row["Engine"]
        assert entry.engine.displacement_cc == row["cc"]
        assert entry.laps == (int(row["Laps"]) if "Laps" in row else None)
        assert entry.retirement_hour == row["hour"]
        assert entry.position == (int(row["Pos"]) if row["Pos"].isdigit() else None)


@pytest.mark.parametrize(
    ("number", "status", "position", "car_class", "cc", "layout", "laps", "hour", "reason"),
    [
        ("3", "classified", 1, "S5.0", 3800, "S6", 327, None, None),
        ("55", "classified", 14, "S750", 744, "S4", 259, None, None),
        ("58", "classified", 20, "S750", 741, "S4", 214, None, None),
        ("34", "NC", None, "S1.5", 1498, "F4", 275, None, "Ran out of fuel; Not classified because last lap too slow"),
        ("45", "DNF", None, "S1.1", 994, "S3 (2-Stroke)", 151, 21, "Engine"),
        ("60", "DSQ", None, "S1.5", 1498, "F4", 70, 8, "Premature refuel"),
        ("2", "DNF", None, "S5.0", 4500, "V8", 28, 3, "Transmission, accident"),
        ("23", "DNF", None, "S3.0", 2500, "S6", 0, 1, "Transmission"),
        ("22", "DNS", None, "S3.0", 2500, "S6", None, None, "Practice - Mechanical"),
        ("43", "DNA", None, "S1.1", 1098, "S4", None, None, "withdrawn"),
    ],
)
def test_literal_cars(race: Race, number, status, position, car_class, cc, layout, laps, hour, reason) -> None:
    entry = race.entry(number)
    got = (entry.status, entry.position, entry.car_class, entry.engine.displacement_cc, entry.engine.layout,
           entry.laps, entry.retirement_hour, entry.reason)
    assert got == (status, position, car_class, cc, layout, laps, hour, reason)


def test_car_8_finished_fifth_and_also_did_not_start(race: Race) -> None:
    rows = [e for e in race.entries if e.number == "8"]
    assert ([(e.status, e.position, e.reason) for e in rows]
            == [("classified", 5, None), ("DNS", None, "Practice - Piston")])
    assert race.entry("8") is rows[0]


def test_reserves_keep_their_number(race: Race) -> None:
    assert sorted((e.number for e in race.entries if e.reserve), key=int) == ["57", "58", "60", "61", "62"]
    assert race.entry("62").position == 9


@pytest.mark.parametrize(
    ("number", "drivers"),
    [
        ("3", [("Ron Flockhart", "GBR"), ("Ivor Bueb", "GBR")]),
        ("32", [("Umberto Maglioli", "ITA"), ("Edgar Barth", None)]),
        ("30", [("Clarence de Rinen", "FRA"), ("Robert La Caze", None)]),
        ("22", [("Jean Blanc", "ITA"), ("Georges Burggraff", None)]),
        ("43", [("Cabianca", "ITA"), ("Colin Davis", "GBR")]),
        ("17", [("Jean Lucas", "FRA"), ("”Mary” (Jean Brussin)", "FRA")]),
        ("48", [("”Franc” (Jacques Dewez)", "FRA"), ("Robert Schollmann", "FRA")]),
        ("35", [("Ed Hugus", "USA"), ("Carel Godin de Beaufort", "NLD")]),
        ("15", [("Ninian Sanderson", "GBR"), ("John ‘Jock’ Lawrence", "GBR")]),
        ("37", [("Jay Chamberlain", "USA"), ("Herbert MacKay-Fraser", "USA"), ("Colin Chapman", "GBR")]),
    ],
)
def test_drivers_are_split(race: Race, number: str, drivers: list) -> None:
    entry = next(e for e in race.entries if e.number == number)
    assert entry.drivers == tuple(Driver(name, code) for name, code in drivers)


def test_every_car_has_two_or_three_drivers(race: Race) -> None:
    assert Counter(len(e.drivers) for e in race.entries) == {2: 59, 3: 1}


def test_teams_and_their_codes(race: Race) -> None:
    assert (race.entry("3").team_nationality, race.entry("3").team) == ("GBR", "Ecurie Ecosse")
    assert (race.entry("35").team_nationality, race.entry("35").team) == (None, "E. Hugus (private entrant)")
    assert (race.entry("34").team_nationality, race.entry("33").team_nationality) == ("FRG", "DEU")
    assert race.entry("19").chassis == "Aston Martin DR1/300"  # kept as written, reported by inspect


def test_index_targets(race: Race) -> None:
    assert race.index_targets_km == {
        750: 2666.7, 1000: 2956.5, 1100: 3040.0, 1500: 3272.7, 2000: 3441.9,
        2500: 3547.1, 3000: 3619.0, 3500: 3671.2, 4000: 3710.8,
    }


def test_statistics_are_numbers(race: Race) -> None:
    assert race.statistics == {
        "practice_fastest_lap_s": 238.1, "practice_fastest_lap_kph": 203.53, "practice_fastest_lap_mph": 126.46,
        "practice_fastest_lap_car": "2", "fastest_lap_s": 238.7, "fastest_lap_kph": 203.2,
        "fastest_lap_mph": 126.15, "fastest_lap_car": "7", "distance_km": 4397.11,
        "winner_average_kph": 183.22, "attendance": 250000.0,
    }


def test_published_tables(race: Race) -> None:
    assert race.published["index_of_performance"] == [
        (1, "55", 1.308), (2, "62", 1.260), (3, "49", 1.208), (4, "52", 1.201), (5, "3", 1.190),
        (6, "35", 1.176), (7, "46", 1.176), (8, "15", 1.170), (9, "17", 1.161), (10, "42", 1.145),
    ]
    assert race.published["biennial_cup"] == [(1, "62", 1.260), (2, "49", 1.208), (3, "52", 1.201)]
    assert race.published["championship"][0] == ("1", "ITA Ferrari", "25 (27)")
    assert len(race.published["championship"]) == 6
