"""Pure functions that read one table cell: positions, car numbers, laps, times, engines, reasons.

Each takes the cell's text and returns a value, or raises :class:`FieldError` (a ValueError with a
message only); :func:`cell_error` turns that into a ParseError with the file, line, column and
text, so the functions stay small and testable on their own.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sim.document import Row
from sim.errors import ParseError
from sim.records import Engine

_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)?$")
_MARKER = re.compile(r"\s*([*†‡#]+)$")  # a note marker after a status: "N/C *"
_STATUS_WORDS = {"N/C": "NC", "NC": "NC", "DNF": "DNF", "RET": "DNF", "DSQ": "DSQ", "DISQ": "DSQ", "DNS": "DNS", "DNA": "DNA"}
_NUMBER = re.compile(r"^([0-9A-Za-z]+)(?:\s*\((reserve)\))?$")
_RACE_TIME = re.compile(r"^(\d+)\s*hr\s+(\d{1,2})([:.])(\d{2})$")  # "10hr 27:47" (or the typo "11hr 26.58")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$")  # "3:59.900", "1:02:03"
_DISPLACEMENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(L|cc)(?![\w])")
_HOUR = re.compile(r"^(.*?)\s*\((\d+)\s*hr\)$")


class FieldError(ValueError):
    """A cell cannot be read; the message says why, the caller adds where."""


def cell_error(exc: FieldError, file: str, row: Row, index: int, field: str) -> ParseError:
    """A ParseError for cell ``index`` of ``row``: file:line:column, the field and the cell text."""
    return ParseError(f"{field}: {exc}", file=file, line=row.line, column=row.column(index), value=row.cells[index])


def read(parse, file: str, row: Row, index: int, field: str):
    """``parse(row.cells[index])``, with a FieldError turned into a ParseError for that cell."""
    try:
        return parse(row.cells[index])
    except FieldError as exc:
        raise cell_error(exc, file, row, index, field) from None


def position(text: str) -> tuple[str, int | None, str | None]:
    """"1" or "1st" -> ("classified", 1, None); "N/C *" -> ("NC", None, "*"); "DNF" -> ("DNF", None, None).

    Raises FieldError for anything else (an unknown status).
    """
    marker = None
    found = _MARKER.search(text)
    if found:
        marker, text = found.group(1), text[: found.start()]
    ordinal = _ORDINAL.match(text.strip())
    if ordinal:
        return "classified", int(ordinal.group(1)), marker
    status = _STATUS_WORDS.get(text.strip().upper())
    if status is None:
        known = ", ".join(sorted(set(_STATUS_WORDS))) + " or a position"
        raise FieldError(f"unknown status (expected {known})")
    return status, None, marker


def car_number(text: str) -> tuple[str, bool]:
    """"62 (reserve)" -> ("62", True); "012" -> ("012", False); "52T" -> ("52T", False).

    Raises FieldError if the cell is not a car number.
    """
    match = _NUMBER.match(text.strip())
    if not match:
        raise FieldError("not a car number")
    return match.group(1), match.group(2) is not None


def whole_number(text: str) -> int | None:
    """"327" -> 327; "" -> None. Raises FieldError if the cell is not a whole number."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise FieldError("not a whole number")
    return int(text)


def decimal(text: str) -> float:
    """"1.308" -> 1.308. Raises FieldError if the cell is not a number."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise FieldError("not a number") from None


def race_time(text: str) -> tuple[timedelta | None, bool]:
    """"10hr 27:47" -> (10:27:47, False); "11hr 26.58" -> (11:26:58, True: '.' written for ':').

    "" -> (None, False). Raises FieldError for any other text.
    """
    text = text.strip()
    if not text:
        return None, False
    match = _RACE_TIME.match(text)
    if not match:
        raise FieldError("not an elapsed time like '10hr 27:47'")
    hours, minutes, sep, seconds = match.groups()
    if int(minutes) >= 60 or int(seconds) >= 60:
        raise FieldError("minutes and seconds must be below 60")
    return timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds)), sep == "."


def lap_time(text: str) -> timedelta | None:
    """"3:59.900" -> 0:03:59.900000; "" -> None. Raises FieldError for any other text."""
    text = text.strip()
    if not text:
        return None
    match = _CLOCK.match(text)
    if not match:
        raise FieldError("not a lap time like '3:59.900'")
    hours, minutes, seconds = match.groups()
    if float(seconds) >= 60 or (hours and int(minutes) >= 60):
        raise FieldError("minutes and seconds must be below 60")
    return timedelta(hours=int(hours or 0), minutes=int(minutes), seconds=float(seconds))


def engine(text: str) -> Engine:
    """"Jaguar 3.8L S6" -> Engine(make="Jaguar", displacement_cc=3800, layout="S6").

    The make is the text before the displacement and the layout the text after it
    ("DKW 994cc S3 (2-Stroke)" -> layout "S3 (2-Stroke)"). Without a displacement only the make
    is filled. Never raises: an engine cell is free text.
    """
    text = text.strip()
    match = _DISPLACEMENT.search(text)
    if not match:
        return Engine(text=text, make=text or None)
    value, unit = match.groups()
    cc = int(value) if unit == "cc" else round(float(value) * 1000)
    make = text[: match.start()].strip() or None
    layout = text[match.end() :].strip() or None
    return Engine(text=text, make=make, displacement_cc=cc, layout=layout)


def reason(text: str) -> tuple[str | None, int | None]:
    """"Piston (10hr)" -> ("Piston", 10); "withdrawn" -> ("withdrawn", None); "" -> (None, None)."""
    text = text.strip()
    match = _HOUR.match(text)
    if match:
        return match.group(1) or None, int(match.group(2))
    return text or None, None


def iso_duration(value: timedelta) -> str:
    """ISO 8601 duration: 10:27:47 -> "PT10H27M47S"; 0:03:59.9 -> "PT3M59.9S"; 0 -> "PT0S"."""
    micros = round(value.total_seconds() * 1_000_000)
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    hours, rest = divmod(micros, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds = f"{rest / 1_000_000:.6f}".rstrip("0").rstrip(".")
    text = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    text += f"{seconds}S" if seconds != "0" or not text else ""
    return f"{sign}PT{text}"


def clock(value: timedelta) -> str:
    """A duration as the sources write lap times: 0:03:59.9 -> "3:59.900"; 14:16:55 -> "14:16:55"."""
    millis = round(value.total_seconds() * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}" + (f".{millis:03d}" if millis else "")
    return f"{minutes}:{seconds:02d}.{millis:03d}"
