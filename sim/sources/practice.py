"""A practice timesheet (1961 Le Mans): position, number, drivers, car, entrant, two lap times.

The table may have no header row; its columns are then, in order: position, car number, drivers
("Parkes / Mairesse / *von Trips", a '*' marking a nominated driver), car, entrant, and one or
more time columns ("3:59.900"). Every row becomes an Entry with status "classified" and its
timesheet position.
"""

from __future__ import annotations

from sim.document import Document, Row, Table
from sim.errors import ParseError, excerpt
from sim.records import Anomaly, Entry, Race
from sim.sources import checks, fields
from sim.sources.fields import clock
from sim.sources.manifest import RaceInfo
from sim.sources.names import person

LAYOUT = ("position", "number", "drivers", "car", "entrant")  # then the time columns
NOMINATED = "*"


def timesheet(doc: Document) -> Table:
    """The first table whose rows end in lap times. Raises ParseError if there is none."""
    for _, table in doc.tables():
        if table.rows and _is_time(table.rows[0].cells[-1]):
            return table
    raise ParseError("document has no practice timesheet (a table whose rows end in lap times)", file=doc.file, line=1)


def _is_time(text: str) -> bool:
    try:
        return fields.lap_time(text) is not None
    except fields.FieldError:
        return False


def parse(doc: Document, info: RaceInfo) -> Race:
    """The timesheet in ``doc`` as a Race. Raises ParseError for a short row or a bad cell."""
    table = timesheet(doc)
    entries = tuple(_entry(row, doc.file, info.id) for row in table.rows)
    checks.one_car_per_number(doc.file, entries, "number")
    return Race(
        id=info.id,
        kind="timesheet",
        title=info.title or doc.title or info.id,
        source_file=doc.file,
        entries=entries,
        anomalies=tuple(_time_columns(doc.file, table, entries)),
    )


def _entry(row: Row, file: str, race: str) -> Entry:
    if len(row.cells) < len(LAYOUT) + 1:
        raise ParseError(
            f"timesheet row has {len(row.cells)} cells; it needs {len(LAYOUT) + 1} "
            f"(position, number, drivers, car, entrant, time)",
            file=file, line=row.line, column=row.column(len(row.cells) - 1), value=excerpt(row.cells[-1]),
        )
    status, position, _ = fields.read(fields.position, file, row, 0, "position")
    number, reserve = fields.read(fields.car_number, file, row, 1, "number")
    crew = tuple(d for name in row.cells[2].split("/") if (d := person(name, nominated_marker=NOMINATED)))
    times = tuple(fields.read(fields.lap_time, file, row, i, f"time {i - len(LAYOUT) + 1}")
                  for i in range(len(LAYOUT), len(row.cells)))
    return Entry(
        race=race, number=number, status=status, line=row.line, position=position, reserve=reserve,
        drivers=crew, chassis=row.cells[3] or None, entrant=row.cells[4] or None, times=times,
    )


def _time_columns(file: str, table: Table, entries: tuple[Entry, ...]) -> list[Anomaly]:
    """Rows whose time columns disagree, when most rows have equal times in every column."""
    differing = [e for e in entries if len({t for t in e.times if t is not None}) > 1]
    if not differing or len(differing) * 2 > len(entries):
        return []
    found = []
    for entry in differing:
        shown = " and ".join(clock(t) for t in entry.times if t is not None)
        found.append(Anomaly(file, entry.line, "time-conflict",
                             f"car {entry.number}: the time columns disagree ({shown}) while they are equal "
                             f"on {len(entries) - len(differing)} of {len(entries)} rows"))
    return found


def recognises(doc: Document) -> bool:
    """A practice timesheet: a table whose rows end in lap times ("3:59.900")."""
    try:
        timesheet(doc)
    except ParseError:
        return False
    return True
