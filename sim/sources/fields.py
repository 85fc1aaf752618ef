"""Pure functions that read one table cell: positions, car numbers, laps, times, engines, reasons.

Each takes the cell's text and returns a value, or raises :class:`FieldError` (a ValueError with a
message only); :func:`cell_error` turns that into a ParseError with the file, line, column and
text, so the functions stay small and testable on their own.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sim.document import Row
from sim.errors import ParseError, excerpt
from sim.records import STATUS_TABLE, Engine

# Only the ASCII digits 0-9 are digits: '\d', str.isdigit() and int() also accept '²' and '١٢'.
_ORDINAL = re.compile(r"^([0-9]+)(st|nd|rd|th)?$")
_MARKER = re.compile(r"\s*([*†‡§¶#]+|\[[0-9A-Za-z]{1,3}\])$")  # a note marker after a status: "N/C *", "DNF[a]"
_STATUS_WORDS = {form: status.code for status in STATUS_TABLE for form in status.written}
_NUMBER = re.compile(r"^([0-9A-Za-z]+)(?:\s*\((reserve)\))?$", re.IGNORECASE)
_RACE_TIME = re.compile(r"^([0-9]+)\s*hr\s+([0-9]{1,2})([:.])([0-9]{2})$")  # "10hr 27:47" (or the typo "11hr 26.58")
_CLOCK = re.compile(r"^(?:([0-9]+):)?([0-9]{1,2}):([0-9]{2}(?:\.[0-9]{1,9})?)$")  # "3:59.900", "1:02:03"
_DISPLACEMENT = re.compile(r"(?<![\w.])([0-9]+(?:\.[0-9]+)?)\s*(L|cc)(?![\w])")
_HOUR = re.compile(r"^(.*?)\s*\(([^()]*?)\s*hrs?\)$", re.IGNORECASE)  # "(10hr)"; also "(-1hr)", "(4.5hr)": errors
# Characters that, right before a number, make it another number: a sign, a decimal point, an exponent's 'e', a digit
_GLUED = ".,+-−_'"
_INTEGER = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
# Sane bounds for the numbers of a race document: anything beyond is a typo or garbage, not a race.
MAX_COUNT = 10_000  # laps, positions, counts of cars
MAX_CC = 100_000  # engine displacement
MAX_HOURS = 1_000  # elapsed hours, retirement hours
MAX_NUMBER_LENGTH = 6  # a car number ("2348", "52T", "012")
MAX_DECIMAL = 1_000_000.0  # scores, distances, speeds


class FieldError(ValueError):
    """A cell cannot be read; the message says why, the caller adds where."""


def cell_error(exc: FieldError, file: str, row: Row, index: int, field: str) -> ParseError:
    """A ParseError for cell ``index`` of ``row``: file:line:column, the field and the cell text."""
    return ParseError(f"{field}: {exc}", file=file, line=row.line, column=row.column(index),
                      value=excerpt(row.cells[index]))


def read(parse, file: str, row: Row, index: int, field: str):
    """``parse(row.cells[index])``, with a FieldError turned into a ParseError for that cell.

    Raises ParseError too if the row has no cell ``index`` (a row with too few cells).
    """
    if index >= len(row.cells):
        raise short_row(file, row, index, field)
    try:
        return parse(row.cells[index])
    except FieldError as exc:
        raise cell_error(exc, file, row, index, field) from None


def short_row(file: str, row: Row, index: int, field: str) -> ParseError:
    """A ParseError for a row that has no cell ``index``, at its last cell."""
    last = len(row.cells) - 1
    return ParseError(f"{field}: the row has {len(row.cells)} cells, too few to have this field (cell {index + 1})",
                      file=file, line=row.line, column=row.column(last), value=excerpt(row.cells[last]))


def integer(text: str, maximum: int = MAX_COUNT, *, minimum: int = 0, what: str = "the number") -> int:
    """ASCII digits as an int from ``minimum`` to below ``maximum``: "0327" -> 327.

    Raises FieldError for other text (also '24²' or '١٢': only the digits 0-9 count) and for a
    number out of range; never converts a 5,000-digit string (int() would refuse it anyway).
    """
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        odd = any(not char.isascii() and char.isnumeric() for char in text)
        raise FieldError("not a whole number" + (" (only the digits 0-9 count)" if odd else ""))
    significant = text.lstrip("0") or "0"
    if len(significant) > len(str(maximum)) or not minimum <= int(significant) < maximum:
        raise FieldError(f"{what} must be from {minimum:,} to {maximum - 1:,}")
    return int(significant)


def position(text: str) -> tuple[str, int | None, str | None]:
    """"1" or "1st" -> ("classified", 1, None); "N/C *" -> ("NC", None, "*"); "DNF" -> ("DNF", None, None).

    Any form of :data:`sim.records.STATUS_TABLE`, in any case ("Ret" -> "DNF", "ex" -> "DSQ", "res" -> "RES").
    Raises FieldError for anything else (an unknown status, a position out of 1-9,999).
    """
    marker = None
    found = _MARKER.search(text)
    if found:
        marker, text = found.group(1), text[: found.start()]
    ordinal = _ORDINAL.match(text.strip())
    if ordinal:
        return "classified", integer(ordinal.group(1), minimum=1, what="a position"), marker
    status = _STATUS_WORDS.get(text.strip().upper())
    if status is None:
        known = ", ".join(sorted(set(_STATUS_WORDS))) + " or a position"
        raise FieldError(f"unknown status (expected {known})")
    return status, None, marker


def car_number(text: str) -> tuple[str, bool]:
    """"62 (reserve)" -> ("62", True); "012" -> ("012", False); "52T" -> ("52T", False).

    Raises FieldError if the cell is not a car number (of at most MAX_NUMBER_LENGTH characters).
    """
    match = _NUMBER.match(text.strip())
    if not match:
        raise FieldError("not a car number")
    if len(match.group(1)) > MAX_NUMBER_LENGTH:
        raise FieldError(f"not a car number: longer than {MAX_NUMBER_LENGTH} characters")
    return match.group(1), match.group(2) is not None


def whole_number(text: str) -> int | None:
    """A lap count: "327" -> 327; "" -> None. Raises FieldError if it is not one below MAX_COUNT."""
    text = text.strip()
    if not text:
        return None
    return integer(text, MAX_COUNT, what="a lap count")


def decimal(text: str) -> float:
    """"1.308" or "1,308" -> 1.308. Raises FieldError if the cell is not a number below MAX_DECIMAL.

    float() is not used on the raw text: it would take "nan", "inf", "1e9", "1_000" and Unicode digits.
    """
    text = text.strip()
    if not _DECIMAL.fullmatch(text):
        raise FieldError("not a number")
    value = float(text.replace(",", "."))
    if not value < MAX_DECIMAL:
        raise FieldError(f"the number must be below {MAX_DECIMAL:,.0f}")
    return value


def race_time(text: str) -> tuple[timedelta | None, bool]:
    """"10hr 27:47" -> (10:27:47, False); "11hr 26.58" -> (11:26:58, True: '.' written for ':').

    "" -> (None, False). Raises FieldError for any other text and for MAX_HOURS hours or more.
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
    hours = integer(hours, MAX_HOURS, what="the hours")
    return timedelta(hours=hours, minutes=int(minutes), seconds=int(seconds)), sep == "."


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
    hours = integer(hours, MAX_HOURS, what="the hours") if hours else 0
    return timedelta(hours=hours, minutes=int(minutes), seconds=float(seconds))


def engine(text: str) -> Engine:
    """"Jaguar 3.8L S6" -> Engine(make="Jaguar", displacement_cc=3800, layout="S6").

    The make is the text before the displacement and the layout the text after it
    ("DKW 994cc S3 (2-Stroke)" -> layout "S3 (2-Stroke)"). Without a displacement only the make
    is filled. Raises FieldError only for a displacement out of 1-99,999 cc or a fraction of a cc.
    """
    text = text.strip()
    match = _DISPLACEMENT.search(text)
    if not match:
        return Engine(text=text, make=text or None)
    value, unit = match.groups()
    if unit == "cc":
        cc = integer(value, MAX_CC, minimum=1, what="a displacement in cc")
    else:
        litres = float(value)  # at most inf for a very long number; never an exception
        cc = round(litres * 1000) if litres < MAX_CC / 1000 else MAX_CC
        if not 1 <= cc < MAX_CC:
            raise FieldError(f"a displacement must be from 0.001 L to {(MAX_CC - 1) / 1000:.3f} L")
    make = text[: match.start()].strip() or None
    layout = text[match.end() :].strip() or None
    return Engine(text=text, make=make, displacement_cc=cc, layout=layout)


def unsized_engine(text: str) -> Engine:
    """An engine whose displacement cannot be read ("Renault 747L S4"): its make and layout around it, no size.

    Never raises; without anything like a displacement the whole text is the make.
    """
    text = text.strip()
    match = _DISPLACEMENT.search(text)
    if not match:
        return Engine(text=text, make=text or None)
    return Engine(text=text, make=text[: match.start()].strip() or None, layout=text[match.end() :].strip() or None)


def reason(text: str) -> tuple[str | None, int | None]:
    """"Piston (10hr)" -> ("Piston", 10); "withdrawn" -> ("withdrawn", None); "" -> (None, None).

    Raises FieldError for an hour that is not a whole number of the digits 0-9 from 1 to MAX_HOURS - 1
    ("(-1hr)", "(4.5hr)", "(0hr)", Arabic-Indic digits): never "no hour" in silence. Whether the hour falls
    within the race is checked where the race's length is known (the circuit's plan).
    """
    text = text.strip()
    match = _HOUR.match(text)
    if match:
        try:
            hour = integer(match.group(2), MAX_HOURS, minimum=1, what="it")
        except FieldError as exc:
            raise FieldError(f"the retirement hour {excerpt(match.group(2), 40)!r} is {_hour_problem(exc)}: an hour "
                             f"is a whole number of the digits 0-9 from 1 to the race's length") from None
        return match.group(1) or None, hour
    return text or None, None


def _hour_problem(exc: FieldError) -> str:
    text = str(exc)
    return "not a whole number" + (" of the digits 0-9" if "0-9" in text else "") if "whole" in text else \
        f"out of range ({text})"


def plain_number(text: str, match: re.Match[str], group: int = 1) -> str:
    """The digits of ``match.group(group)``, a number found inside ``text``, if they are the whole number written.

    Raises FieldError if a sign, a decimal point, an exponent or another digit (of any script) is glued to it:
    "1e308 km" would be read as 308 km, "-5 km" as 5 km, "12.5.3 km" as 5.3 km.
    """
    start, end = match.span(group)
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before and (before.isalnum() or before in _GLUED) or after.isnumeric() or (after in ".," and
                                                                                  text[end + 1 : end + 2].isnumeric()):
        shown = excerpt(text[max(0, start - 12) : end + 12].strip(), 60)
        raise FieldError(f"a number written with a sign, an exponent, a decimal point or other digits around it "
                         f"({shown!r}): only plain digits 0-9 are read")
    return match.group(group)


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
