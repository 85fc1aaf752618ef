"""What every kind's race folder shares: where the folders are, the checkpoint and conflict records, a Monte Carlo
range, and the readers that check a TOML value or a quote against the seed.

Each kind reads its own schema (:mod:`sim.circuit.facts`, :mod:`sim.timetrial.facts`, :mod:`sim.timesheet.race`)
with these; every error names the file, key, value and car (:class:`RaceDataError`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import RaceDataError
from sim.tomlfile import Table, read_toml

RACES_DIR = Path(__file__).parent / "races"


@dataclass(frozen=True)
class Checkpoint:
    id: str
    kind: str
    quote: str
    section: str
    # ("at", s) | ("at_leader_lap", n) | ("at_event", id) | ("during", (lo, hi)) | ("none", None)
    when: tuple[str, object]
    offset_s: float = 0.0
    tolerance: float = 0.0
    fitted: str | None = None
    reason: str | None = None
    claim: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Conflict:
    id: str
    sources: tuple[str, ...]
    chosen: str
    reason: str


@dataclass(frozen=True)
class Range:
    """The distribution of one assumed value the sources do not give: uniform on [low, high], or triangular with
    its peak at `mode`. `target` says what it sets: ("assumptions", field, index in a tuple field or None) or
    ("event", event id, "seconds" | "factor"); `scale` turns the TOML's unit into the target's (minutes: 60)."""

    name: str  # the dotted TOML key of the value: "assumptions.pit_stop_seconds.value", "event.<id>.minutes"
    value: float  # the value the default replay uses, in the TOML's unit
    low: float
    high: float
    mode: float | None
    reason: str
    target: tuple
    scale: float = 1.0


def load_toml(path: Path) -> dict:
    return read_toml(path, RaceDataError, "race-facts file is missing")


def reader(path: Path, table, prefix: str, car: str | None = None) -> Table:
    return Table(path, table, prefix, RaceDataError, car)


def check_quote(path: Path, key: str, quote, seed_text: str, car: str | None = None) -> str:
    if not isinstance(quote, str) or not quote.strip():
        raise RaceDataError("needs the verbatim quote it came from", file=path, key=key, value=quote, car=car)
    if quote not in seed_text:
        raise RaceDataError("quote is not in the seed verbatim", file=path, key=key, value=quote, car=car)
    return quote


CONFLICT_KEYS = ("id", "sources", "chosen", "reason")


def read_conflicts(path: Path, seed_text: str) -> tuple[Conflict, ...]:
    out = []
    for i, item in enumerate(reader(path, load_toml(path), "").tables("conflict")):
        r = reader(path, item, f"conflict[{i}]")
        cid = r.string("id")
        r.prefix = f"conflict.{cid}"
        r.only(CONFLICT_KEYS)
        sources = r.strings("sources")
        for j, quote in enumerate(sources):
            check_quote(path, r.key(f"sources[{j}]"), quote, seed_text)
        out.append(Conflict(cid, sources, r.string("chosen"), r.string("reason")))
    return tuple(out)
