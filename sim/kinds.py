"""The race kinds, named in one place: the registry the command line, the API and the orchestrator dispatch through.

Each kind's folder fills in the contract of :class:`sim.racekind.RaceKind` (``sim/<kind>/kind.py``); this module
lists them. A race's kind comes from its source (the seeds manifest, or the first kind that recognises its
document's tables). A kind that cannot do something says so in one clear error (:class:`~sim.racekind.Refusal`).
"""

from __future__ import annotations

from pathlib import Path

from sim.circuit.kind import KIND as CIRCUIT
from sim.errors import RaceDataError
from sim.racekind import RaceKind, refuses
from sim.records import Race
from sim.sources import load_race as _load_race
from sim.timesheet.kind import KIND as TIMESHEET
from sim.timetrial.kind import KIND as TIME_TRIAL

KINDS: dict[str, RaceKind] = {kind.name: kind for kind in (CIRCUIT, TIME_TRIAL, TIMESHEET)}


def load_race(race: str | Path) -> Race:
    """The race named by a manifest id or a document path, parsed by its kind (and cached)."""
    return _load_race(race, KINDS)


def kind_of(race: Race) -> RaceKind:
    """The kind of a parsed race."""
    if race.kind in KINDS:
        return KINDS[race.kind]
    raise RaceDataError(f"is not a known race kind ({', '.join(KINDS)})", file=race.source_file, key="kind",
                        value=race.kind)


def replay_kind(race: Race) -> RaceKind:
    """The kind of a race that is to be replayed; RaceDataError if its kind cannot be."""
    kind = kind_of(race)
    if refuses(kind.replay):
        kind.replay(race)
    return kind


def forecast_kind(race: Race) -> RaceKind:
    """The kind of a race that is to be forecast; RaceDataError if its kind cannot be."""
    kind = kind_of(race)
    if refuses(kind.forecast):
        kind.forecast(race)
    return kind
