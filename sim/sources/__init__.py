"""Typed race data from the source documents: ``load_race(race_id)`` -> :class:`~sim.records.Race`.

A race is named by its id in ``seeds/manifest.toml`` or by the path of any document of the same
shape, whose kind is then told from its tables (see :func:`detect_kind`). Parsed races are cached
per file and modification time, so repeated loads are free and an edited file is read again.
"""

from __future__ import annotations

import dataclasses
import logging
from functools import lru_cache
from pathlib import Path

from sim.document import Document, read_document
from sim.errors import ParseError, RaceReplayError
from sim.anomalies import find_anomalies
from sim.records import Race
from sim.sources import lemans, millemiglia, practice
from sim.sources.layout import label
from sim.sources.manifest import RaceInfo, read_manifest, seeds_dir

log = logging.getLogger(__name__)


__all__ = ["detect_kind", "load_race", "race_ids", "resolve", "seeds_dir"]


def race_ids() -> list[str]:
    """The race ids of the manifest, in its order."""
    return list(read_manifest())


def resolve(race: str | Path) -> RaceInfo:
    """What is known of ``race``: a manifest id, or a document path (a manifest file keeps its id).

    Raises RaceReplayError for an id that is neither in the manifest nor an existing file (the
    message lists the known ids), ParseError for a directory.
    """
    manifest = read_manifest()
    if isinstance(race, str) and race in manifest:
        return manifest[race]
    path = Path(race)
    if path.is_dir():
        raise ParseError("cannot read the document: it is a directory, not a file", file=path)
    if not path.is_file():
        known = ", ".join(manifest) or "none"
        raise RaceReplayError(f"unknown race {str(race)!r}: not a race id (known: {known}) nor a file")
    for info in manifest.values():
        if info.file.resolve() == path.resolve():
            return info
    return RaceInfo(id=path.stem, file=path)


def detect_kind(doc: Document) -> str:
    """The kind of race a document holds, told from its tables.

    "circuit" if a table has a "Laps" column, "time-trial" if one has a "Time" column of
    elapsed times ("10hr 27:47"), "timesheet" if a table's rows end in lap times ("3:59.900").
    Raises ParseError if no table says.
    """
    for _, table in doc.tables():
        labels = {label(c) for c in table.header or ()}
        if "laps" in labels and ({"no", "number"} & labels):
            return "circuit"
        if "time" in labels and any("hr" in cell for row in table.rows for cell in row.cells):
            return "time-trial"
    try:
        practice.timesheet(doc)
    except ParseError:
        raise ParseError(
            "cannot tell the kind of race: no results table with a 'Laps' or 'Time' column and no timesheet",
            file=doc.file, line=1,
        ) from None
    return "timesheet"


def load_race(race: str | Path) -> Race:
    """The race named by a manifest id or a document path, parsed (and cached).

    Raises RaceReplayError for an unknown race and ParseError for a document that cannot be read.
    """
    info = resolve(race)
    try:
        mtime = info.file.stat().st_mtime_ns
    except OSError as exc:
        raise ParseError(f"cannot read the document: {exc.strerror}", file=info.file) from None
    return _load(info, mtime)


@lru_cache(maxsize=32)
def _load(info: RaceInfo, mtime_ns: int) -> Race:
    doc = read_document(info.file)
    kind = info.kind or detect_kind(doc)
    from sim.kinds import KINDS  # the registry of race kinds holds each kind's parser

    if kind not in KINDS:
        raise ParseError(f"unknown race kind (known: {', '.join(KINDS)})", file=info.file, key="kind", value=kind)
    race = KINDS[kind].parse(doc, dataclasses.replace(info, kind=kind))
    race = dataclasses.replace(race, anomalies=tuple(find_anomalies(race)))
    if race.anomalies:
        log.info("%s: %d anomalies in %s (see 'race-replay inspect %s')", race.id, len(race.anomalies),
                    Path(race.source_file).name, race.id)
    return race
