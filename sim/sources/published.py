"""The published side tables of a Le Mans document, kept for checks.

Index of Performance targets (regulations), the published Index and Biennial Cup standings, the
championship standings and the statistics bullets ("Distance - 4397.11 km") as numbers.
"""

from __future__ import annotations

import logging
import re

from sim.document import Document, Row, Section, Table
from sim.errors import ParseError, excerpt
from sim.records import Anomaly
from sim.sources import fields
from sim.sources.fields import FieldError, cell_error
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
    Raises ParseError for a capacity or a distance that is not a number.
    """
    for _, table in doc.tables():
        labels = [label(c) for c in table.header or ()]
        if "engine capacity" in labels and "total distance" in labels:
            return _targets(table, labels, doc.file)
    return {}, {}


def _targets(table: Table, labels: list[str], file: str) -> tuple[dict[int, float], dict[int, float]]:
    capacity, distance = labels.index("engine capacity"), labels.index("total distance")
    speed = labels.index("average speed") if "average speed" in labels else None
    km, kph = {}, {}
    for row in table.rows:
        cc = re.search(r"([0-9]+)", row.cells[capacity]) if capacity < len(row.cells) else None
        dist = _KM.search(row.cells[distance]) if distance < len(row.cells) else None
        if not cc:
            raise _cell(FieldError("not an engine capacity like 'S-4000'"), file, row, capacity, "Engine Capacity")
        if not dist:
            raise _cell(FieldError("not a distance like '3710.8 km'"), file, row, distance, "Total Distance")
        try:
            size = fields.integer(cc.group(1), fields.MAX_CC, minimum=1, what="an engine capacity in cc")
            km[size] = _bounded(dist.group(1), "a distance in km")
            if speed is not None and speed < len(row.cells) and (found := _KPH.search(row.cells[speed])):
                kph[size] = _bounded(found.group(1), "a speed in km/h")
        except FieldError as exc:
            raise cell_error(exc, file, row, capacity, "Index targets") from None
    if len(km) < 2:
        raise ParseError(
            f"Index of Performance targets: the table has {len(km)} engine size{'s' * (len(km) != 1)}, "
            f"at least two are needed to interpolate (a stray line after line {table.rows[-1].line if table.rows else table.line} "
            "may have cut the table short)", file=file, line=table.line, value=excerpt(" | ".join(table.header or ())),
        )
    return dict(sorted(km.items())), dict(sorted(kph.items()))


def _cell(exc: FieldError, file: str, row: Row, index: int, field: str) -> ParseError:
    """cell_error, or a short-row error when the row has no cell ``index``."""
    if index < len(row.cells):
        return cell_error(exc, file, row, index, field)
    return ParseError(f"{field}: the row has {len(row.cells)} cells, too few to have this field (cell {index + 1})",
                      file=file, line=row.line, column=row.column(len(row.cells) - 1), value=excerpt(row.cells[-1]))


def _bounded(text: str, what: str, *, zero: bool = False) -> float:
    """A decimal written in digits and '.', above 0 (or 0 with ``zero``) and below fields.MAX_DECIMAL.

    Raises FieldError otherwise (a 400-digit number reads as inf, and is out of range too).
    """
    value = float(text)
    if not (0 <= value if zero else 0 < value) or not value < fields.MAX_DECIMAL:
        lowest = "from 0" if zero else "above 0"
        raise FieldError(f"out of range: {what} must be {lowest} and below {fields.MAX_DECIMAL:,.0f}")
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
            raise ParseError(f"statistic: {exc}", file=file, line=note.line, key=match.group(1), value=excerpt(value)) from None
        if not found:
            raise ParseError("statistic has no number", file=file, line=note.line, key=match.group(1), value=value)
        stats.update(found)
        kph, mph = found.get(f"{key}_kph"), found.get(f"{key}_mph")
        if kph is not None and mph is not None and abs(kph - mph * KM_PER_MILE) > 0.05:
            anomalies.append(Anomaly(
                file, note.line, "unit-conflict",
                f"{match.group(1)}: {kph} km/h but {mph} mph = {mph * KM_PER_MILE:.2f} km/h; kept {kph} as written",
            ))
    return stats, anomalies


def _key(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.casefold().replace("'s", "")).strip("_")
    if slug.endswith("_in_practice"):
        slug = "practice_" + slug[: -len("_in_practice")]
    return slug.removesuffix("_speed")


def _values(key: str, text: str) -> dict[str, float | str]:
    """The numbers of one statistic. Raises FieldError for a number out of range."""
    found: dict[str, float | str] = {}
    if lap := _LAP.search(text):
        minutes = fields.integer(lap.group(1), what="the minutes of a lap time")
        found[f"{key}_s"] = round(minutes * 60 + _bounded(lap.group(2), "the seconds of a lap time", zero=True), 3)
    if kph := _KPH.search(text):
        found[f"{key}_kph"] = _bounded(kph.group(1), "a speed in km/h")
    if mph := _MPH.search(text):
        found[f"{key}_mph"] = _bounded(mph.group(1), "a speed in mph")
    if car := _CAR.search(text):
        found[f"{key}_car"] = car.group(1)
    if not found and (km := _KM.search(text)):
        found[f"{key}_km"] = _bounded(km.group(1), "a distance in km")
    if not found and (count := _COUNT.match(text)):
        found[key] = _bounded(re.sub(r"[ ,]", "", count.group(1)), "a count", zero=True)
    return found
