"""A time-trial document (1957 Mille Miglia): selected results with elapsed times, class winners.

The car number is the start time: 532 left at 05:32 on race day; numbers that read as a time at or
after ``previous_day_from`` (12:00) started the evening before (2348 -> 23:48 on 11 May).
The results header names one column fewer than its rows fill (the co-driver column has none), so
the real layout is worked out from the data: see :func:`layout`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from sim.document import Document, Row, Table
from sim.errors import ParseError, excerpt
from sim.records import Anomaly, Entry, Race
from sim.sources import checks, fields, published, winners
from sim.sources.layout import first_table, label
from sim.sources.manifest import DEFAULT_PREVIOUS_DAY_FROM, YEARS, RaceInfo
from sim.sources.names import person

FIELDS = {
    "position": ("pos", "position"),
    "number": ("no", "number"),
    "class": ("class",),
    "driver": ("driver",),
    "co-driver": ("co-driver", "co driver", "navigator"),
    "entrant": ("entrant",),
    "car": ("car - engine", "car"),
    "time": ("time",),
    "reason": ("reason out", "reason"),
}
_MONTHS = "January February March April May June July August September October November December".split()
_DATE = re.compile(rf"(?:[0-9]{{1,2}}\s*[–-]\s*)?([0-9]{{1,2}}) ({'|'.join(_MONTHS)}) ([0-9]{{4}})")


def parse(doc: Document, info: RaceInfo) -> Race:
    """The race in ``doc``. Raises ParseError without an "Official results" table or for a bad cell."""
    section = doc.require_section("Official results")
    table = first_table(section, doc.file, having="time")
    cols, anomalies = layout(table, doc.file)
    race_day, date_note = _race_day(doc, info)
    anomalies += date_note
    evening = info.previous_day_from or DEFAULT_PREVIOUS_DAY_FROM
    entries = []
    for row in table.rows:
        entry, found = _entry(row, cols, doc.file, info.id, race_day, evening)
        entries.append(entry)
        anomalies += found
    checks.one_car_per_number(doc.file, entries, "No.")
    anomalies += _same_start(doc.file, entries)
    listed, class_lines = winners.class_winners(doc.find_section("Class winners"), doc.file)
    anomalies += winners.check(doc.file, listed, class_lines, entries)
    note = "the text says only a selection is listed" if doc.search(r"\bselection\b") else ""
    counts = {
        "starters": (sum(e.started for e in entries), "starters"),
        "entries": (len(entries), "cars"),
        "classified": (sum(e.status == "classified" for e in entries), "classified cars"),
    }
    if listed:
        counts["classes"] = (len(listed), "class-winner rows")
    anomalies += checks.count_claims(doc, counts, note)
    return Race(
        id=info.id,
        kind="time-trial",
        title=info.title or doc.title or info.id,
        source_file=doc.file,
        entries=tuple(entries),
        anomalies=tuple(anomalies),
        published={
            "class_winners": listed,
            "championship": published.standings(doc.find_section("Standings after the race")),
            "source_lines": {"class_winners": class_lines},
        },
    )


def layout(table: Table, file: str) -> tuple[dict[str, int], list[Anomaly]]:
    """{field: cell index} for the results table, and an anomaly if the header had to be corrected.

    The time column is found in the data (cells like "10hr 27:47"). If the header's "Time" is one
    column left of it and the header has no co-driver column, the co-driver column is the one
    after "Driver" and every later header moves one column right.
    Raises ParseError if the header is missing a field or the layout cannot be worked out.
    """
    if table.header is None:
        raise ParseError("results table has no header row", file=file, line=table.line, column=1)
    labels = [label(c) for c in table.header]
    cols = {}
    for index, text in enumerate(labels):
        name = next((n for n, aliases in FIELDS.items() if text in aliases), None)
        if name:
            cols[name] = index
        elif text:
            raise ParseError("unknown column in results header", file=file, line=table.header_line,
                             column=index + 1, value=excerpt(table.header[index]))
    for name in ("position", "number", "driver", "time"):
        if name not in cols:
            raise ParseError(f"results header has no {FIELDS[name][0]!r} column", file=file,
                             line=table.header_line, column=1, value=excerpt(" | ".join(table.header)))
    width = len(table.rows[0].cells) if table.rows else len(labels)
    in_data = _time_column(table)
    if in_data is None or in_data == cols["time"]:
        if max(cols.values()) >= width:  # a header wider than its rows: some fields have no cell
            name = max(cols, key=cols.get)
            raise ParseError(f"results header puts {table.header[cols[name]]!r} in column {cols[name] + 1} but its "
                             f"rows have {width} cells", file=file, line=table.header_line, column=1,
                             value=excerpt(" | ".join(table.header)))
        return cols, []
    if in_data != cols["time"] + 1 or "co-driver" in cols or max(cols.values()) + 1 >= width:
        raise ParseError(
            f"cannot work out the columns: the times are in column {in_data + 1} but the header puts 'Time' "
            f"in column {cols['time'] + 1}", file=file, line=table.header_line, column=1,
            value=excerpt(" | ".join(table.header)),
        )
    driver = cols["driver"]
    fixed = {name: i + (i > driver) for name, i in cols.items()} | {"co-driver": driver + 1}
    named = [c for c in table.header if c]
    real = [n for n, _ in sorted(fixed.items(), key=lambda item: item[1])]
    message = (
        f"the header row names {len(named)} columns ({', '.join(named)}) but its data rows fill {width}: "
        f"the co-driver column has no header, so every header from {table.header[driver + 1]!r} on sits one "
        f"column left of its data; read as {', '.join(real)}"
    )
    return fixed, [Anomaly(file, table.header_line, "short-header", message)]


def _time_column(table: Table) -> int | None:
    hits: dict[int, int] = {}
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            if re.match(r"^[0-9]+\s*hr\b", cell):
                hits[index] = hits.get(index, 0) + 1
    return max(hits, key=hits.get) if hits else None


def _race_day(doc: Document, info: RaceInfo) -> tuple[date | None, list[Anomaly]]:
    if info.date:
        return info.date, []
    for text, match in doc.search(_DATE):
        return _date(doc.file, text.line, match), []
    return None, [Anomaly(doc.file, 1, "no-date", "no race date in the manifest or the text: start times are unknown")]


def _date(file: str, line: int, match: re.Match[str]) -> date:
    """The date of a "11–12 May 1957" match. Raises ParseError for "31 February 1957" or year 0."""
    year, month, day = int(match.group(3)), _MONTHS.index(match.group(2)) + 1, int(match.group(1))
    try:
        if year not in YEARS:
            raise ValueError(f"year must be from {YEARS.start} to {YEARS.stop - 1}")
        return date(year, month, day)
    except ValueError as exc:
        raise ParseError(f"race date does not exist: {exc}", file=file, line=line, column=match.start(1) + 1,
                         value=f"{match.group(1)} {match.group(2)} {match.group(3)}") from None


def start_time(number: str, race_day: date, evening: time) -> datetime | None:
    """Car number as the start time: "532" -> 05:32 on race day; "2348" -> 23:48 the day before.

    None if the number does not read as a time of day (minutes over 59, hours over 23).
    """
    if not number.isdigit():
        return None
    hours, minutes = divmod(int(number), 100)
    if hours > 23 or minutes > 59:
        return None
    clock = time(hours, minutes)
    day = race_day - timedelta(days=1) if clock >= evening else race_day
    return datetime.combine(day, clock)


def _same_start(file: str, entries: list[Entry]) -> list[Anomaly]:
    """Cars whose numbers read as the same start time ("40" and "040"): the text says one a minute."""
    first: dict[datetime, Entry] = {}
    found = []
    for entry in entries:
        if entry.start_time is None:
            continue
        other = first.setdefault(entry.start_time, entry)
        if other is not entry:
            found.append(Anomaly(file, entry.line, "same-start", f"cars {other.number} (line {other.line}) and "
                                 f"{entry.number} both read as a start at {entry.start_time:%H:%M} on "
                                 f"{entry.start_time:%d %B}"))
    return found


def _entry(row: Row, cols: dict[str, int], file: str, race: str, race_day: date | None,
           evening: time) -> tuple[Entry, list[Anomaly]]:
    def cell(name: str) -> str:
        return row.cells[cols[name]] if name in cols else ""

    anomalies = []
    status, position, _ = fields.read(fields.position, file, row, cols["position"], "Pos.")
    number, reserve = fields.read(fields.car_number, file, row, cols["number"], "No.")
    elapsed, typo = fields.read(fields.race_time, file, row, cols["time"], "Time")
    if typo:
        anomalies.append(Anomaly(file, row.line, "typo", f"time {cell('time')!r} of car {number} has '.' for ':'; "
                                 f"read as {fields.clock(elapsed)}"))
    if status == "classified" and elapsed is None:
        anomalies.append(Anomaly(file, row.line, "missing-time",
                                 f"car {number} is classified {position} without a time"))
    start = start_time(number, race_day, evening) if race_day else None
    if start is None and race_day:
        anomalies.append(Anomaly(file, row.line, "number-not-a-time",
                                 f"car number {number} does not read as a start time"))
    reason = cell("reason") or None
    crew = tuple(d for d in (person(cell("driver")), person(cell("co-driver"))) if d)
    entry = Entry(
        race=race, number=number, status=status, line=row.line, position=position, reserve=reserve,
        car_class=cell("class") or None, drivers=crew, chassis=cell("car") or None,
        entrant=cell("entrant") or None, reason=None if reason == status else reason,
        start_time=start, elapsed=elapsed,
        finish_time=start + elapsed if start and elapsed and status == "classified" else None,
    )
    return entry, anomalies


def recognises(doc: Document) -> bool:
    """A time trial's results: a table with a "Time" column of elapsed times ("10hr 27:47")."""
    for _, table in doc.tables():
        labels = {label(c) for c in table.header or ()}
        if "time" in labels and any("hr" in cell for row in table.rows for cell in row.cells):
            return True
    return False
