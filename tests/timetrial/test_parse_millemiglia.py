"""1957 Mille Miglia as typed data: 84 result rows, start times from car numbers, elapsed times."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from sim.kinds import load_race
from sim.records import Driver, Race
from sim.sources.millemiglia import start_time

SEED = Path(__file__).parents[2] / "seeds" / "001_e8a38369d577c846.txt"


@pytest.fixture(scope="module")
def race() -> Race:
    return load_race("mille-miglia-1957")


def test_counts(race: Race) -> None:
    assert len(race.entries) == 84
    assert Counter(e.status for e in race.entries) == {"classified": 63, "DNF": 21}


def test_taruffi_535_left_at_0535_and_finished_at_160247(race: Race) -> None:
    taruffi = race.entry("535")
    assert (taruffi.position, taruffi.drivers, taruffi.entrant) == (1, (Driver("Piero Taruffi"),), "Scuderia Ferrari")
    assert taruffi.start_time == datetime(1957, 5, 12, 5, 35)
    assert taruffi.elapsed == timedelta(hours=10, minutes=27, seconds=47)
    assert taruffi.finish_time == datetime(1957, 5, 12, 16, 2, 47)


def test_2348_started_the_evening_before(race: Race) -> None:
    assert race.entry("2348").start_time == datetime(1957, 5, 11, 23, 48)


def test_car_3_started_just_after_midnight(race: Race) -> None:
    assert race.entry("3").start_time == datetime(1957, 5, 12, 0, 3)
    assert race.entry("532").start_time == datetime(1957, 5, 12, 5, 32)


def test_numbers_are_kept_as_written(race: Race) -> None:
    numbers = [e.number for e in race.entries]
    assert {"012", "024", "006", "040", "40", "52", "2348"} <= set(numbers)
    assert race.entry("012").start_time == datetime(1957, 5, 12, 0, 12)


def test_luglio_typo_time_is_read(race: Race) -> None:
    assert race.entry("441").elapsed == timedelta(hours=11, minutes=26, seconds=58)


def test_co_driver_and_entrant_columns(race: Race) -> None:
    gendebien = race.entry("417")
    assert gendebien.drivers == (Driver("Olivier Gendebien"), Driver("Jacques Washer"))
    assert gendebien.entrant == "Scuderia Ferrari"
    assert gendebien.chassis == "Ferrari 250 GT LWB Scaglietti"
    moss = race.entry("537")
    assert moss.drivers == (Driver("Stirling Moss", "GBR"), Driver("Denis Jenkinson", "GBR"))
    assert (moss.status, moss.reason, moss.elapsed, moss.finish_time) == ("DNF", "Broken brake pedal", None, None)


def test_dnf_rows(race: Race) -> None:
    collins = race.entry("534")
    assert ((collins.status, collins.elapsed, collins.reason)
            == ("DNF", timedelta(hours=5, minutes=3, seconds=11), "Drive shaft"))
    assert race.entry("448").reason is None  # "DNF" repeated in the reason column says nothing more
    assert sum(e.elapsed is None for e in race.entries if e.status == "DNF") == 14


def test_every_classified_car_finishes_after_it_starts(race: Race) -> None:
    for entry in race.entries:
        if entry.status == "classified" and entry.start_time:
            assert entry.finish_time == entry.start_time + entry.elapsed
    assert [e.position for e in race.entries if e.status == "classified"][:5] == [1, 2, 3, 4, 5]


def test_numbers_that_are_not_clock_times_have_no_start(race: Race) -> None:
    assert (sorted((e.number for e in race.entries if e.start_time is None), key=int)
            == ["63", "64", "69", "71", "73", "77"])


@pytest.mark.parametrize(
    ("number", "expected"),
    [("532", datetime(1957, 5, 12, 5, 32)), ("2348", datetime(1957, 5, 11, 23, 48)),
     ("3", datetime(1957, 5, 12, 0, 3)), ("1159", datetime(1957, 5, 12, 11, 59)),
     ("1200", datetime(1957, 5, 11, 12, 0)), ("73", None), ("2400", None), ("52T", None)],
)
def test_start_time(number: str, expected: datetime | None) -> None:
    assert start_time(number, date(1957, 5, 12), time(12, 0)) == expected


def test_class_winners_and_standings(race: Race) -> None:
    winners = race.published["class_winners"]
    assert len(winners) == 25
    assert winners[0] == ("Sport +2000", "535", "Ferrari 315 S", ("Taruffi",))
    assert winners[15] == ("Touring Special 1300", "040", "Peugeot 403", ("Delageneste",))
    assert race.published["championship"] == [
        ("1", "Ferrari", "19"), ("2", "Maserati", "17"), ("3", "GBR Jaguar", "7"), ("4", "Porsche", "2"),
        ("5", "O.S.C.A.", "1"),
    ]
