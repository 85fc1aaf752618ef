"""Typed race data from the source documents: ``load_race(race_id)`` -> :class:`~sim.records.Race`.

A race is named by its id in ``seeds/manifest.toml`` or by the path of any document of the same
shape, whose kind is then told from its tables (see :func:`detect_kind`): the kinds, each with its parser and
its recogniser, are handed in by the registry (:func:`sim.kinds.load_race`), so this layer names none. Parsed
races are cached per file and modification time, so repeated loads are free and an edited file is read again.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from sim.anomalies import find_anomalies
from sim.document import Document, read_document
from sim.errors import ParseError, RaceReplayError, excerpt
from sim.records import Anomaly, Race
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


def detect_kind(doc: Document, kinds: Mapping) -> str:
    """The kind of race a document holds, told from its tables: the first of `kinds` (name -> kind) that
    recognises it. Raises ParseError if none does."""
    for name, kind in kinds.items():
        if kind.recognises(doc):
            return name
    raise ParseError(
        "cannot tell the kind of race: no results table with a 'Laps' or 'Time' column and no timesheet",
        file=doc.file, line=1,
    )


def load_race(race: str | Path, kinds: Mapping) -> Race:
    """The race named by a manifest id or a document path, parsed (and cached) by its kind's parser (`kinds`:
    name -> kind, from the registry).

    Raises RaceReplayError for an unknown race and ParseError for a document that cannot be read.
    """
    info = resolve(race)
    try:
        mtime = info.file.stat().st_mtime_ns
    except OSError as exc:
        raise ParseError(f"cannot read the document: {exc.strerror}", file=info.file) from None
    return _load(info, mtime, _Kinds(kinds))


class _Kinds:
    """The registry's kinds as a cache key: the same registry is the same key."""

    def __init__(self, kinds: Mapping):
        self.kinds = kinds

    def __hash__(self) -> int:
        return id(self.kinds)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Kinds) and other.kinds is self.kinds


def table_gaps(doc: Document) -> list[Anomaly]:
    """One anomaly for each line inside a table that is not a row: the rows after it are read all the same."""
    found = []
    for gap in doc.table_gaps():
        what = "a blank line" if not gap.text else f"a line that is not a table row ({excerpt(gap.text)!r})"
        found.append(Anomaly(doc.file, gap.line, "table-gap",
                             f"{what} inside a table at {Path(doc.file).name}:{gap.line}: skipped, and the rows after "
                             f"it are read as the same table's"))
    return found


@lru_cache(maxsize=32)
def _load(info: RaceInfo, mtime_ns: int, registry: _Kinds) -> Race:
    doc = read_document(info.file)
    kinds = registry.kinds
    kind = info.kind or detect_kind(doc, kinds)
    if kind not in kinds:
        raise ParseError(f"unknown race kind (known: {', '.join(kinds)})", file=info.file, key="kind", value=kind)
    race = kinds[kind].parse(doc, dataclasses.replace(info, kind=kind))
    race = dataclasses.replace(race, anomalies=(*race.anomalies, *table_gaps(doc)))
    race = dataclasses.replace(race, anomalies=tuple(find_anomalies(race)))
    if race.anomalies:
        log.info("%s: %d anomalies in %s (see 'race-replay inspect %s')", race.id, len(race.anomalies),
                    Path(race.source_file).name, race.id)
    return race
