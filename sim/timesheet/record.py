"""The public record a forecast learns reliability from, and the entry list of the race it forecasts.

Two CSV files of the race's folder, copied with their columns from ``shared/reference`` (the race data's ``[record]``
names them and their source):

- the results of earlier years (``year, pos, class, number, team_country, team, chassis, engine, laps,
  retired_after, reason``): one row per car entered. A starter is a row whose ``pos`` is a number (classified),
  ``NC`` (running at the end, not classified), ``DNF`` or ``DSQ``; the others (``DNS``, ``DNA``, ``DNQ``, ``RES``,
  ``DNP``) did not start.
- the entry list of the race to forecast (``number, class, chassis, engine``): facts known before the race.

What the model reads of a car, from either file alike: its engine displacement (litres, parsed from the engine text,
"Jaguar 3.4L S6" or "Porsche 1498cc F4"), its class family (the class's letters: ``S`` sports, ``GT``), and its make
(the chassis text's first word, spelt as the race data's ``[record.makes]`` says). Errors name file, line and value.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

from sim.errors import RaceDataError

STARTED = ("NC", "DNF", "DSQ")  # with a number: the statuses of a car that started
FELL_OUT = ("DNF", "DSQ")  # a car that stopped before the end (NC ran to the end, unclassified)
RESULT_COLUMNS = ("year", "pos", "class", "number", "chassis", "engine", "laps", "retired_after")
ENTRY_COLUMNS = ("number", "class", "chassis", "engine")
_LITRES = re.compile(r"(\d+(?:\.\d+)?)\s*L\b")
_CC = re.compile(r"(\d+)\s*cc?\b")
_FAMILY = re.compile(r"^([A-Z]+)")


@dataclass(frozen=True)
class Car:
    """One car-race of the record (or one entry of the race to forecast: no outcome)."""

    year: int
    number: str
    car_class: str
    family: str
    litres: float
    make: str
    chassis: str
    engine: str
    pos: int | None = None  # classified position, None if not classified
    status: str = ""  # the record's pos text: a number, NC, DNF or DSQ
    laps: int = 0
    end_h: float = 0.0  # race hours to the car's end (the race's length if it ran to the end)
    end_known: bool = True  # False: the record gives no retirement time, estimated from laps (an assumption)

    @property
    def classified(self) -> bool:
        return self.pos is not None

    @property
    def fell_out(self) -> bool:
        return self.status in FELL_OUT


def litres(engine: str, where: str = "") -> float:
    """The displacement in litres written in an engine text ("3.4L", "1498cc", "988c")."""
    m = _LITRES.search(engine)
    if m:
        return float(m.group(1))
    m = _CC.search(engine)
    if m:
        return int(m.group(1)) / 1000.0
    raise RaceDataError("gives no displacement (like 3.4L or 1498cc)", file=where or None, key="engine", value=engine)


def family(car_class: str) -> str:
    """A class's family: its leading letters (S2.0 -> S, GT1.6 -> GT); a class without letters is a sports car."""
    m = _FAMILY.match(car_class.strip())
    return m.group(1) if m else "S"


def make_of(chassis: str, spelling: dict) -> str:
    """The make: the chassis text's first word, in the spelling `spelling` gives (the record spells some two ways)."""
    first = chassis.split()[0] if chassis.strip() else "Other"
    return spelling.get(first, first)


def _hours(text: str) -> float | None:
    if not text.strip():
        return None
    h, m, s = (int(p) for p in text.split(":"))
    return h + m / 60 + s / 3600


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in columns if c not in (reader.fieldnames or ())]
            if missing:
                raise RaceDataError("lacks the columns " + ", ".join(missing), file=path)
            return list(reader)
    except FileNotFoundError:
        raise RaceDataError("not found (named by the race data's [record])", file=path) from None


def read_results(path: Path, spelling: dict, duration_h: float) -> list[Car]:
    """Every starter of the results file, with its end: a car that fell out ends at its retirement time, or, where
    the record gives none, at `duration_h` x its laps / the year's most laps (an assumption the race data states);
    every other car runs to `duration_h`."""
    rows = _rows(Path(path), RESULT_COLUMNS)
    most = {}
    for r in rows:
        if r["laps"].strip().isdigit():
            most[r["year"]] = max(most.get(r["year"], 0), int(r["laps"]))
    cars = []
    for line, r in enumerate(rows, start=2):
        status = r["pos"].strip()
        if not (status.isdigit() or status in STARTED):
            continue
        try:
            year, laps = int(r["year"]), int(r["laps"] or 0)
            retired = _hours(r["retired_after"])
        except ValueError:
            raise RaceDataError("has a year, laps or retired_after that is not a number or h:mm:ss", file=path,
                                line=line, value=f"{r['year']},{r['laps']},{r['retired_after']}") from None
        where = f"{path}:{line}"
        end, known = duration_h, True
        if status in FELL_OUT:
            known = retired is not None
            end = min(retired, duration_h) if known else duration_h * laps / max(most.get(r["year"], 1), 1)
        cars.append(Car(year, r["number"].strip(), r["class"].strip(), family(r["class"]), litres(r["engine"], where),
                        make_of(r["chassis"], spelling), r["chassis"].strip(), r["engine"].strip(),
                        int(status) if status.isdigit() else None, status, laps, end, known))
    if not cars:
        raise RaceDataError("holds no starter", file=path)
    return cars


def read_entries(path: Path, spelling: dict, year: int) -> dict[str, Car]:
    """The entry list by car number: class, family, displacement and make (no outcome)."""
    out = {}
    for line, r in enumerate(_rows(Path(path), ENTRY_COLUMNS), start=2):
        number = r["number"].strip()
        out[number] = Car(year, number, r["class"].strip(), family(r["class"]), litres(r["engine"], f"{path}:{line}"),
                          make_of(r["chassis"], spelling), r["chassis"].strip(), r["engine"].strip())
    return out


def finish_shares(cars: list[Car]) -> dict[int, tuple[int, int]]:
    """Per year: (starters, classified finishers)."""
    out: dict[int, list[int]] = {}
    for c in cars:
        n = out.setdefault(c.year, [0, 0])
        n[0] += 1
        n[1] += c.classified
    return {y: (n[0], n[1]) for y, n in sorted(out.items())}


def log2_litres(cars) -> list[float]:
    return [math.log2(max(c.litres, 0.1)) for c in cars]
