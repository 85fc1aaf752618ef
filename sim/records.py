"""Typed race data: what the source documents say, one immutable record per car.

The parsers (``sim.sources``) build these; the replay, reports and notebooks read them.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

# What a status means in the data model: each code of Entry.status has exactly one of these.
FINISHED = "finished"
NOT_CLASSIFIED = "not classified"
RETIRED = "retired"
DISQUALIFIED = "disqualified"
DID_NOT_START = "did not start"


@dataclass(frozen=True)
class Status:
    """One status of the record: the code kept in ``Entry.status``, its meaning, and the forms the sources write.

    ``written`` is matched without regard to case, after a trailing note marker ("N/C *", "DNF†", "DNF[a]")
    is read apart; a position ("1", "1st") is the status "classified".
    """

    code: str
    meaning: str  # FINISHED, NOT_CLASSIFIED, RETIRED, DISQUALIFIED or DID_NOT_START
    written: tuple[str, ...]
    description: str


# The one table of the statuses (the parser reads its ``written`` forms; the replay reads ``meaning``).
STATUS_TABLE = (
    Status("classified", FINISHED, (), "a position: ran to the flag and was classified in that place"),
    Status("NC", NOT_CLASSIFIED, ("NC", "N/C", "N.C."),
           "started but was not classified (too short a distance, or a last lap too slow)"),
    Status("DNF", RETIRED, ("DNF", "RET"), "started and retired ('Ret' in some tables)"),
    Status("DSQ", DISQUALIFIED, ("DSQ", "DISQ", "DQ", "EX", "EXC"),
           "started and was disqualified ('EX': excluded, which the record uses for the same thing)"),
    Status("DNS", DID_NOT_START, ("DNS",), "entered and practised (or was due to) but did not start"),
    Status("DNA", DID_NOT_START, ("DNA",), "entered but did not arrive"),
    Status("DNQ", DID_NOT_START, ("DNQ",), "practised but did not qualify"),
    Status("DNP", DID_NOT_START, ("DNP",), "entered but did not practise, so did not start"),
    Status("RES", DID_NOT_START, ("RES",), "a reserve entry, not called up to start"),
)
STATUSES = tuple(s.code for s in STATUS_TABLE)
STARTED = tuple(s.code for s in STATUS_TABLE if s.meaning != DID_NOT_START)
MEANINGS = {s.code: s.meaning for s in STATUS_TABLE}


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
    status: str  # one of STATUSES (see STATUS_TABLE)
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
    status_text: str | None = None  # the status cell as written when it is not the code itself ("Ret", "EX", "N/C *")

    @property
    def started(self) -> bool:
        return self.status in STARTED

    @property
    def meaning(self) -> str:
        """What the status means: "finished", "not classified", "retired", "disqualified" or "did not start"."""
        return MEANINGS[self.status]

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
