"""The small cell readers: positions, numbers, times, engines, reasons, names."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sim.records import Driver, Engine
from sim.sources import fields
from sim.sources.fields import FieldError
from sim.sources.names import drivers, person, split_code, surname


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", ("classified", 1, None)), ("172nd", ("classified", 172, None)), ("N/C *", ("NC", None, "*")),
     ("DNF", ("DNF", None, None)), ("DSQ", ("DSQ", None, None)), ("DNS", ("DNS", None, None)),
     ("DNA", ("DNA", None, None))],
)
def test_position(text: str, expected: tuple) -> None:
    assert fields.position(text) == expected


def test_unknown_status() -> None:
    known = r"DISQ, DNA, DNF, DNP, DNQ, DNS, DQ, DSQ, EX, EXC, N\.C\., N/C, NC, RES, RET"
    with pytest.raises(FieldError, match=rf"^unknown status \(expected {known} or a position\)$"):
        fields.position("Gone")


@pytest.mark.parametrize(("text", "expected"),
                         [("62 (reserve)", ("62", True)), ("012", ("012", False)), ("52T", ("52T", False))])
def test_car_number(text: str, expected: tuple) -> None:
    assert fields.car_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Jaguar 3.8L S6", Engine("Jaguar 3.8L S6", "Jaguar", 3800, "S6")),
     ("Coventry Climax FWA 1098cc S4", Engine("Coventry Climax FWA 1098cc S4", "Coventry Climax FWA", 1098, "S4")),
     ("DKW 994cc S3 (2-Stroke)", Engine("DKW 994cc S3 (2-Stroke)", "DKW", 994, "S3 (2-Stroke)")),
     ("Aston Martin 2.9L S6", Engine("Aston Martin 2.9L S6", "Aston Martin", 2900, "S6")),
     ("Panhard", Engine("Panhard", "Panhard"))],
)
def test_engine(text: str, expected: Engine) -> None:
    assert fields.engine(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Piston (10hr)", ("Piston", 10)), ("Transmission, accident (3hr)", ("Transmission, accident", 3)),
     ("withdrawn", ("withdrawn", None)), ("", (None, None))],
)
def test_reason(text: str, expected: tuple) -> None:
    assert fields.reason(text) == expected


def test_times() -> None:
    assert fields.race_time("10hr 27:47") == (timedelta(hours=10, minutes=27, seconds=47), False)
    assert fields.race_time("11hr 26.58") == (timedelta(hours=11, minutes=26, seconds=58), True)
    assert fields.race_time("") == (None, False)
    assert fields.lap_time("3:59.900").total_seconds() == 239.9
    assert fields.lap_time("4:03.0000") == timedelta(minutes=4, seconds=3)
    with pytest.raises(FieldError, match=r"^not an elapsed time like '10hr 27:47'$"):
        fields.race_time("10:27:47")
    with pytest.raises(FieldError, match=r"^not a lap time like '3:59.900'$"):
        fields.lap_time("3m 59s")


@pytest.mark.parametrize(
    ("value", "iso", "clock"),
    [(timedelta(hours=10, minutes=27, seconds=47), "PT10H27M47S", "10:27:47"),
     (timedelta(minutes=3, seconds=59.9), "PT3M59.9S", "3:59.900"), (timedelta(0), "PT0S", "0:00.000"),
     (timedelta(hours=5), "PT5H", "5:00:00")],
)
def test_duration_formats(value: timedelta, iso: str, clock: str) -> None:
    assert (fields.iso_duration(value), fields.clock(value)) == (iso, clock)


def test_whole_number() -> None:
    assert (fields.whole_number("327"), fields.whole_number("")) == (327, None)
    with pytest.raises(FieldError, match="^not a whole number$"):
        fields.whole_number("2OO")


def test_names() -> None:
    assert split_code("GBR Ecurie Ecosse") == ("GBR", "Ecurie Ecosse")
    assert split_code("BMW Motorsport") == (None, "BMW Motorsport")  # a make, not a country
    assert person("*von Trips", nominated_marker="*") == Driver("von Trips", nominated=True)
    assert person("") is None
    assert (drivers("GBR Ron Flockhart GBR Ivor Bueb")
            == ((Driver("Ron Flockhart", "GBR"), Driver("Ivor Bueb", "GBR")), []))
    crew, notes = drivers("FRA Clarence de Rinen Robert La Caze")
    assert crew == (Driver("Clarence de Rinen", "FRA"), Driver("Robert La Caze"))
    assert notes == ["split 'Clarence de Rinen Robert La Caze' into 'Clarence de Rinen' and 'Robert La Caze': "
                     "no nationality code between the names"]
    assert drivers("NLD Carel Godin de Beaufort") == ((Driver("Carel Godin de Beaufort", "NLD"),), [])
    assert surname("”Mary” (Jean Brussin)") == "”Mary”"
    assert surname("Richard von Frankenberg") == "Frankenberg"
