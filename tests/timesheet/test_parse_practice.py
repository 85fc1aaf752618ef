"""1961 Le Mans practice timesheet: no header row, 55 rows, nominated drivers, two time columns."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sim.kinds import load_race
from sim.records import Driver, Race


@pytest.fixture(scope="module")
def race() -> Race:
    return load_race("le-mans-1961")


def test_55_rows_in_order(race: Race) -> None:
    assert len(race.entries) == 55
    assert [e.position for e in race.entries] == list(range(1, 56))
    assert {e.status for e in race.entries} == {"classified"}


def test_52T_is_kept(race: Race) -> None:
    last = race.entries[-1]
    assert (last.number, last.line) == ("52T", 55)
    assert last.drivers == (Driver("Caillaud"), Driver("Mougin"), Driver("van der Bruwaene", nominated=True))


def test_nominated_drivers(race: Race) -> None:
    nominated = [(e.number, d.name) for e in race.entries for d in e.drivers if d.nominated]
    assert nominated == [("11", "von Trips"), ("54", "Balas"), ("52T", "van der Bruwaene")]
    assert race.entry("11").drivers == (Driver("Parkes"), Driver("Mairesse"), Driver("von Trips", nominated=True))


def test_both_time_columns(race: Race) -> None:
    rodriguez = race.entry("17")
    assert [t.total_seconds() for t in rodriguez.times] == [239.9, 243.0]
    assert (rodriguez.chassis, rodriguez.entrant) == ("Ferrari 250 TRI Fantuzzi Spyder 61",
                                                      "North American Racing Team")
    assert race.entry("52T").times == (timedelta(minutes=5, seconds=58),) * 2
    assert race.entry("1").drivers == (Driver('"Franc"'), Driver("Kerguen"))
