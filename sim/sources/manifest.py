"""Where the source documents live and what seeds/manifest.toml says about each race."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sim.document import decode
from sim.errors import ParseError

SEEDS_ENV = "RACE_REPLAY_SEEDS"  # overrides the seeds directory (tests, other checkouts)
MANIFEST = "manifest.toml"
YEARS = range(1850, 2150)  # race dates; pandas holds times from 1677 to 2262 only
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
    return Path(override) if override else Path(__file__).resolve().parent.parent.parent / "seeds"


def read_manifest(directory: Path | None = None) -> dict[str, RaceInfo]:
    """The races of ``directory/manifest.toml`` by id; {} if there is no manifest.

    Raises ParseError naming the manifest (and the line, or the key) for a manifest that cannot
    be read, is not UTF-8, is not valid TOML, or has a bad date, time, file, kind or title entry.
    """
    directory = directory or seeds_dir()
    path = directory / MANIFEST
    if not path.exists():
        return {}
    data = _load_toml(path)
    races = {}
    for race_id, table in data.items():
        if not isinstance(table, dict) or "file" not in table:
            raise ParseError("manifest race has no 'file'", file=path, key=race_id)
        races[race_id] = RaceInfo(
            id=race_id,
            file=directory / _text(table, "file", path, race_id),
            kind=_text(table, "kind", path, race_id),
            title=_text(table, "title", path, race_id),
            date=_parse(date.fromisoformat, table.get("date"), path, f"{race_id}.date"),
            start=_parse(datetime.fromisoformat, table.get("start"), path, f"{race_id}.start"),
            previous_day_from=_parse(time.fromisoformat, table.get("previous_day_from"), path,
                                     f"{race_id}.previous_day_from"),
        )
    return races


def _load_toml(path: Path) -> dict:
    """The TOML table of ``path``. Raises ParseError for a directory, an unreadable file, bad UTF-8 or bad TOML."""
    if path.is_dir():
        raise ParseError("cannot read the manifest: it is a directory, not a file", file=path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read the manifest: {exc.strerror or exc}", file=path) from None
    text = decode(data, str(path), what="manifest")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # the message ends "(at line 3, column 5)": keep the line in the error's location too
        where = re.search(r"\(at line ([0-9]+), column ([0-9]+)\)$", str(exc))
        line, column = (int(where.group(1)), int(where.group(2))) if where else (None, None)
        reason = str(exc)[: where.start()].strip() if where else str(exc)
        raise ParseError(f"manifest is not valid TOML: {reason}", file=path, line=line, column=column) from None


def _text(table: dict, key: str, path: Path, race_id: str) -> str | None:
    """An optional string entry of a race ("file" is required by the caller). Raises ParseError if it is not text."""
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value or "\0" in value:
        raise ParseError("manifest value must be a non-empty string", file=path, key=f"{race_id}.{key}", value=value)
    return value


def _parse(convert, value, path: Path, key: str):
    if value is None:
        return None
    try:
        parsed = convert(str(value))
    except ValueError:
        raise ParseError("manifest value is not an ISO date or time", file=path, key=key, value=value) from None
    if isinstance(parsed, date) and parsed.year not in YEARS:  # datetime is a date too
        raise ParseError(f"manifest date is out of range: the year must be from {YEARS.start} to {YEARS.stop - 1}",
                         file=path, key=key, value=value)
    return parsed
