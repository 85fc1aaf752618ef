"""Typed race data: what the source documents say, one immutable record per car.

The parsers (``sim.sources``) build these; the replay, reports and notebooks read them.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

STATUSES = ("classified", "NC", "DNF", "DSQ", "DNS", "DNA")
STARTED = ("classified", "NC", "DNF", "DSQ")


@dataclass(frozen=True)
class Driver:
    name: str
    nationality: str | None = None  # three-letter code as written (GBR, USA, ...), None when absent
    nominated: bool = False  # 1961 practice: a '*' marks a nominated (reserve) driver


@dataclass(frozen=True)
class Engine:
    text: str  # as written: "Jaguar 3.8L S6"
    make: str | None = None
    displacement_cc: int | None = None  # 3.8L -> 3800, 1098cc -> 1098
    layout: str | None = None  # "S6", "V12", "F4", "S3 (2-Stroke)"


@dataclass(frozen=True)
class Entry:
    """One car of one race as the source document states it."""

    race: str
    number: str  # as written, without a reserve note: "62", "52T", "012"
    status: str  # one of STATUSES
    line: int  # line of the row in the source file
    position: int | None = None
    reserve: bool = False
    car_class: str | None = None
    team: str | None = None
    team_nationality: str | None = None
    drivers: tuple[Driver, ...] = ()
    chassis: str | None = None
    engine: Engine | None = None
    laps: int | None = None
    reason: str | None = None
    retirement_hour: int | None = None
    # Mille Miglia
    entrant: str | None = None
    start_time: datetime | None = None
    elapsed: timedelta | None = None
    finish_time: datetime | None = None
    # 1961 practice timesheet: both time columns, as durations
    times: tuple[timedelta | None, ...] = ()

    @property
    def started(self) -> bool:
        return self.status in STARTED

    @property
    def make(self) -> str | None:
        """The car's make: first word of the chassis (Jaguar, Ferrari, Aston, ...)."""
        if not self.chassis:
            return None
        first = self.chassis.split()[0]
        return _make_aliases().get(first, first)


@dataclass(frozen=True)
class Anomaly:
    """Something odd in a source, handled and reported (never silently dropped)."""

    file: str
    line: int
    kind: str  # short slug: "duplicate-number", "short-header", "typo", "count-mismatch", ...
    message: str


@dataclass(frozen=True)
class Race:
    """A parsed source document: entries plus the race's other tables."""

    id: str
    kind: str  # "circuit", "time-trial", "timesheet"
    title: str
    source_file: str
    entries: tuple[Entry, ...]
    anomalies: tuple[Anomaly, ...] = ()
    # Le Mans: the regulations' Index of Performance targets, nominal cc -> km
    index_targets_km: dict[int, float] = field(default_factory=dict)
    # published tables kept for checks: e.g. {"index_of_performance": [(pos, number, score)], ...}
    published: dict[str, object] = field(default_factory=dict)
    # statistics as numbers: {"distance_km": 4397.11, "winner_average_kph": 183.22, ...}
    statistics: dict[str, float] = field(default_factory=dict)

    def entry(self, number: str) -> Entry:
        """The starter (or, failing that, any entry) with this number; KeyError if none."""
        matches = [e for e in self.entries if e.number == number]
        if not matches:
            raise KeyError(number)
        started = [e for e in matches if e.started]
        return (started or matches)[0]

    @property
    def starters(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.started)


@functools.lru_cache(maxsize=1)
def _make_aliases() -> dict[str, str]:
    """The first word of a chassis that is not the make's own name ("Aston" -> "Aston Martin"): data in makes.toml."""
    with Path(__file__).with_name("makes.toml").open("rb") as fh:
        return tomllib.load(fh)["aliases"]
