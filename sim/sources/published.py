"""The published side tables of a Le Mans document, kept for checks.

Index of Performance targets (regulations), the published Index and Biennial Cup standings, the
championship standings and the statistics bullets ("Distance - 4397.11 km") as numbers.
"""

from __future__ import annotations

import logging
import re

from sim.document import Document, Section, Table, Text
from sim.errors import ParseError, excerpt
from sim.records import Anomaly
from sim.sources import fields
from sim.sources.fields import FieldError
from sim.sources.layout import column_map, label

log = logging.getLogger(__name__)

KM_PER_MILE = 1.609344
_KM = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*km(?!/)")
_KPH = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(?:kp/h|kph|km/h)")
_MPH = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*mph")
_LAP = re.compile(r"([0-9]+)(?:m\s*|:)([0-9]+(?:\.[0-9]+)?)\s*s")  # "3m 58.1s", "3:58.7secs"
_CAR = re.compile(r"#(\w+)")
_COUNT = re.compile(r"^([0-9]{1,3}(?:[ ,][0-9]{3})+|[0-9]+)")
_LABEL = re.compile(r"^(.+?)(?:\s+[–-]\s+|:\s+)(.*)$")
_SCORE_FIELDS = {"position": ("pos",), "number": ("no", "number"), "score": ("score",)}


def index_targets(doc: Document) -> tuple[dict[int, float], dict[int, float]]:
    """The regulations' target distances and speeds by nominal cc: ({750: 2666.7, ...}, {750: 111.1, ...}).

    Found as the table whose header has "Engine Capacity" and "Total Distance"; ({}, {}) if none.
    Raises ParseError for a capacity or a distance that is not a number or out of range, and for
    a table of fewer than two sizes (a stray line inside the table cuts it in two).
    """
    for _, table in doc.tables():
        labels = [label(c) for c in table.header or ()]
        if "engine capacity" in labels and "total distance" in labels:
            km, kph = _targets(table, labels, doc.file)
            if len(km) < 2:
                raise _too_few_sizes(doc, table, len(km))
            return km, kph
    return {}, {}


def _targets(table: Table, labels: list[str], file: str) -> tuple[dict[int, float], dict[int, float]]:
    capacity, distance = labels.index("engine capacity"), labels.index("total distance")
    speed = labels.index("average speed") if "average speed" in labels else None
    km, kph = {}, {}
    for row in table.rows:
        size = fields.read(_capacity, file, row, capacity, "Engine Capacity")
        km[size] = fields.read(_distance, file, row, distance, "Total Distance")
        if speed is not None and speed < len(row.cells):
            if (found := fields.read(_speed, file, row, speed, "Average Speed")) is not None:
                kph[size] = found
    return dict(sorted(km.items())), dict(sorted(kph.items()))


def _capacity(text: str) -> int:
    """"S-4000" -> 4000. Raises FieldError without a size or for one out of 1-99,999 cc."""
    if not (found := re.search(r"[0-9]+", text)):
        raise FieldError("not an engine capacity like 'S-4000'")
    class_code = found.start() >= 2 and text[found.start() - 1] == "-" and text[found.start() - 2].isalpha()
    digits = found.group(0) if class_code else fields.plain_number(text, found, 0)
    if class_code:
        fields.plain_number(text[found.start():], re.match(r"[0-9]+", text[found.start():]), 0)  # nothing after it
    return fields.integer(digits, fields.MAX_CC, minimum=1, what="an engine capacity in cc")


def _distance(text: str) -> float:
    """"3710.8 km" -> 3710.8. Raises FieldError without one or for one out of range."""
    if not (found := _KM.search(text)):
        raise FieldError("not a distance like '3710.8 km'")
    return _bounded(fields.plain_number(text, found), "a distance in km")


def _speed(text: str) -> float | None:
    """"154.6 km/h" -> 154.6; None without a speed. Raises FieldError for one out of range."""
    found = _KPH.search(text)
    return _bounded(fields.plain_number(text, found), "a speed in km/h") if found else None


def _too_few_sizes(doc: Document, table: Table, sizes: int) -> ParseError:
    """The error for a target table of fewer than two sizes, at the stray line that cut it short if there is one."""
    end = table.rows[-1].line if table.rows else table.line
    stray = next((t for t in doc.texts() if t.line == end + 1), None)
    sizes_text = f"{sizes} engine size{'s' * (sizes != 1)}"
    if stray is not None:
        return ParseError(f"stray line inside the Index of Performance target table: the table ends after {sizes_text} "
                          "(the Index needs at least two)", file=doc.file, line=stray.line, column=1,
                          value=excerpt(stray.text))
    return ParseError(f"the Index of Performance target table has {sizes_text} (the Index needs at least two)",
                      file=doc.file, line=table.line, column=1, value=excerpt(" | ".join(table.header or ())))


def _bounded(text: str, what: str, *, zero: bool = False) -> float:
    """A decimal written in digits and '.', above 0 (or 0 with ``zero``) and below fields.MAX_DECIMAL.

    Raises FieldError otherwise (a 400-digit number reads as inf, and is out of range too).
    """
    value = float(text)
    if not (0 <= value if zero else 0 < value) or not value < fields.MAX_DECIMAL:
        lowest = "from 0" if zero else "above 0"
        raise FieldError(f"{what} must be {lowest} and below {fields.MAX_DECIMAL:,.0f}")
    return value


def scores(section: Section | None, file: str) -> tuple[list[tuple[int, str, float]], dict[str, int]]:
    """A published score table as [(position, number, score)] and {number: line}; ([], {}) if absent.

    Raises ParseError for a position, number or score that cannot be read.
    """
    if section is None or not section.tables:
        return [], {}
    table = section.tables[0]
    cols = column_map(table, _SCORE_FIELDS, ("position", "number", "score"), file)
    found, lines = [], {}
    for row in table.rows:
        _, position, _ = fields.read(fields.position, file, row, cols["position"], "Pos")
        number, _ = fields.read(fields.car_number, file, row, cols["number"], "No")
        score = fields.read(fields.decimal, file, row, cols["score"], "Score")
        found.append((position, number, score))
        lines[number] = row.line
    return found, lines


def standings(section: Section | None) -> list[tuple[str, str, str]]:
    """A championship table as written: [("1", "ITA Ferrari", "25 (27)"), ...]; [] if absent."""
    if section is None or not section.tables:
        return []
    return [tuple(row.cells[:3]) for row in section.tables[0].rows]


def statistics(section: Section | None, file: str) -> tuple[dict[str, float | str], list[Anomaly]]:
    """The statistics bullets as numbers, and anomalies where a km/h and its mph disagree.

    "Fastest Lap: Hawthorn, #7 Ferrari 335 S - 3:58.7secs 203.20 kp/h (126.15 mph)" gives
    fastest_lap_s=238.7, fastest_lap_kph=203.2, fastest_lap_mph=126.15, fastest_lap_car="7".
    "... in practice" labels get the prefix "practice_"; "Distance - 4397.11 km" gives distance_km.
    Raises ParseError for a known statistic without a number.
    """
    stats: dict[str, float | str] = {}
    anomalies: list[Anomaly] = []
    for note in section.bullets if section else ():
        match = _LABEL.match(note.text)
        if not match:
            log.debug("%s:%d: statistic without a label: %r", file, note.line, note.text)
            continue
        key = _key(match.group(1))
        value = match.group(2)
        try:
            found = _values(key, value)
        except FieldError as exc:
            raise ParseError(f"statistic {match.group(1)!r}: {exc}", file=file, line=note.line,
                             column=_column(note, value), value=excerpt(value)) from None
        if not found:
            raise ParseError("statistic has no number", file=file, line=note.line, key=excerpt(match.group(1)),
                             value=excerpt(value))
        stats.update(found)
        kph, mph = found.get(f"{key}_kph"), found.get(f"{key}_mph")
        if kph is not None and mph is not None and abs(kph - mph * KM_PER_MILE) > 0.05:
            anomalies.append(Anomaly(
                file, note.line, "unit-conflict",
                f"{match.group(1)}: {kph} km/h but {mph} mph = {mph * KM_PER_MILE:.2f} km/h; kept {kph} as written",
            ))
    return stats, anomalies


def _column(note: Text, value: str) -> int | None:
    """The 1-based column of the statistic's value in its line (the note's text is held without its '- ')."""
    return note.column + note.text.rfind(value) if note.column else None


def _key(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.casefold().replace("'s", "")).strip("_")
    if slug.endswith("_in_practice"):
        slug = "practice_" + slug[: -len("_in_practice")]
    return slug.removesuffix("_speed")


def _values(key: str, text: str) -> dict[str, float | str]:
    """The numbers of one statistic. Raises FieldError for a number out of range."""
    found: dict[str, float | str] = {}
    if lap := _LAP.search(text):
        minutes = fields.integer(fields.plain_number(text, lap, 1), what="the minutes of a lap time")
        seconds = _bounded(fields.plain_number(text, lap, 2), "the seconds of a lap time", zero=True)
        found[f"{key}_s"] = round(minutes * 60 + seconds, 3)
    if kph := _KPH.search(text):
        found[f"{key}_kph"] = _bounded(fields.plain_number(text, kph), "a speed in km/h")
    if mph := _MPH.search(text):
        found[f"{key}_mph"] = _bounded(fields.plain_number(text, mph), "a speed in mph")
    if car := _CAR.search(text):
        found[f"{key}_car"] = car.group(1)
    if not found and (km := _KM.search(text)):
        found[f"{key}_km"] = _bounded(fields.plain_number(text, km), "a distance in km")
    if not found and (count := _COUNT.match(text)):
        found[key] = _bounded(re.sub(r"[ ,]", "", fields.plain_number(text, count)), "a count", zero=True)
    return found
