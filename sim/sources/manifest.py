"""Where the source documents live and what seeds/manifest.toml says about each race."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import sim
from sim.errors import ParseError

SEEDS_ENV = "RACE_REPLAY_SEEDS"  # overrides the seeds directory (tests, other checkouts)
MANIFEST = "manifest.toml"
DEFAULT_PREVIOUS_DAY_FROM = time(12, 0)  # Mille Miglia: numbers from 12:00 on started the day before


@dataclass(frozen=True)
class RaceInfo:
    """One race of the manifest, or what is known of a document given by path (id = file stem)."""

    id: str
    file: Path
    kind: str | None = None
    title: str | None = None
    date: date | None = None
    start: datetime | None = None
    previous_day_from: time | None = None


def seeds_dir() -> Path:
    """The seeds directory: $RACE_REPLAY_SEEDS, else ``seeds/`` beside the ``sim`` package."""
    override = os.environ.get(SEEDS_ENV)
    return Path(override) if override else Path(sim.__file__).resolve().parent.parent / "seeds"


def read_manifest(directory: Path | None = None) -> dict[str, RaceInfo]:
    """The races of ``directory/manifest.toml`` by id; {} if there is no manifest.

    Raises ParseError for a manifest that is not valid TOML or has a bad date, time or file entry.
    """
    directory = directory or seeds_dir()
    path = directory / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(f"manifest is not valid TOML: {exc}", file=path) from None
    races = {}
    for race_id, table in data.items():
        if not isinstance(table, dict) or "file" not in table:
            raise ParseError("manifest race has no 'file'", file=path, key=race_id)
        races[race_id] = RaceInfo(
            id=race_id,
            file=directory / str(table["file"]),
            kind=table.get("kind"),
            title=table.get("title"),
            date=_parse(date.fromisoformat, table.get("date"), path, f"{race_id}.date"),
            start=_parse(datetime.fromisoformat, table.get("start"), path, f"{race_id}.start"),
            previous_day_from=_parse(time.fromisoformat, table.get("previous_day_from"), path, f"{race_id}.previous_day_from"),
        )
    return races


def _parse(convert, value, path: Path, key: str):
    if value is None:
        return None
    try:
        return convert(str(value))
    except ValueError:
        raise ParseError("manifest value is not an ISO date or time", file=path, key=key, value=value) from None
