"""A 24-hour circuit race document (1957 Le Mans): results, DNF and DNS tables, Index, statistics.

Sections read: "Official results" (required), "Did Not Finish", "Did Not Start", "Index of
Performance", "... Biennial Cup ...", "Statistics", "Standings after the race", and the
regulations' target-distance table wherever it is. Every row of the three result tables becomes an
:class:`~sim.records.Entry`; a car number may appear twice (car 8: 5th, and the practice car that did
not start), both entries are kept and reported.
"""

from __future__ import annotations

import re
from pathlib import Path

from sim.anomalies import ordinal
from sim.document import Document, Row, Section
from sim.errors import ParseError, excerpt
from sim.records import MEANINGS, STARTED, Anomaly, Engine, Entry, Race
from sim.sources import checks, fields, published
from sim.sources.layout import column_map, first_table, label
from sim.sources.manifest import RaceInfo
from sim.sources.names import drivers, split_code, surname

RESULT_SECTIONS = ("Official results", "Did Not Finish", "Did Not Start")
FIELDS = {
    "position": ("pos", "position"),
    "class": ("class",),
    "number": ("no", "number"),
    "team": ("team", "entrant"),
    "drivers": ("drivers", "driver"),
    "chassis": ("chassis",),
    "engine": ("engine",),
    "laps": ("laps",),
    "reason": ("reason",),
}
PRACTISED = ("DNS", "DNQ")  # cars that did not start but practised (a DNQ car practised too slowly)
_ORDINAL_CELL = re.compile(r"^[0-9]+(st|nd|rd|th)?$")
_NOTE = re.compile(r"^Note\s*(\S+?)\s*:\s*(.*)$")


def parse(doc: Document, info: RaceInfo) -> Race:
    """The race in ``doc``. Raises ParseError if there is no "Official results" table or a cell is bad."""
    entries: list[Entry] = []
    anomalies: list[Anomaly] = []
    for title in RESULT_SECTIONS:
        section = doc.require_section(title) if title == RESULT_SECTIONS[0] else doc.find_section(title)
        if section is None:
            continue
        table = first_table(section, doc.file, having="no")
        cols = column_map(table, FIELDS, ("position", "number"), doc.file)
        for row in table.rows:
            entry, found = _entry(row, cols, section, doc.file, info.id, started=title != RESULT_SECTIONS[2])
            entries.append(entry)
            anomalies.extend(found)
    checks.one_car_per_number(doc.file, entries)
    targets, speeds = published.index_targets(doc)
    stats, found = published.statistics(doc.find_section("Statistics"), doc.file)
    anomalies.extend(found)
    index, index_lines = published.scores(doc.find_section("Index of Performance"), doc.file)
    cup, cup_lines = published.scores(doc.find_section("Biennial Cup", partial=True), doc.file)
    anomalies += _duplicates(doc, entries)
    anomalies += _categories(doc, entries)
    anomalies += checks.count_claims(doc, _counts(entries))
    anomalies += checks.narrative_classes(doc, entries)
    anomalies += checks.chassis_typos(doc, entries)
    anomalies += checks.nationality_codes(doc, entries)
    anomalies += checks.engine_layouts(doc, entries)
    return Race(
        id=info.id,
        kind="circuit",
        title=info.title or doc.title or info.id,
        source_file=doc.file,
        entries=tuple(entries),
        anomalies=tuple(anomalies),
        index_targets_km=targets,
        published={
            "index_of_performance": index,
            "biennial_cup": cup,
            "index_target_speeds_kph": speeds,
            "championship": published.standings(doc.find_section("Standings after the race")),
            "source_lines": {"index_of_performance": index_lines, "biennial_cup": cup_lines},
        },
        statistics=stats,
    )


def _entry(row: Row, cols: dict[str, int], section: Section, file: str, race: str,
           started: bool = True) -> tuple[Entry, list[Anomaly]]:
    """The entry of one row, and the anomalies on it. ``started=False`` for the Did Not Start table's rows."""
    def cell(name: str) -> str:
        return row.cells[cols[name]] if name in cols else ""

    status, position, marker = fields.read(fields.position, file, row, cols["position"], "Pos")
    number, reserve = fields.read(fields.car_number, file, row, cols["number"], "No")
    anomalies = []
    if status in STARTED and not started:
        anomalies.append(Anomaly(file, row.line, "status-section",
                                 f"car {number} is {cell('position')!r} ({MEANINGS[status]}) in the Did Not Start "
                                 f"table: taken as not started (DNS), as the table it is in says"))
        status, position = "DNS", None
    laps = fields.read(fields.whole_number, file, row, cols["laps"], "Laps") if "laps" in cols else None
    if status in STARTED and "laps" in cols and laps is None:
        raise ParseError("Laps: a car that started needs a lap count", file=file, line=row.line,
                         column=row.column(cols["laps"]), value=excerpt(cell("laps")))
    reason, hour = fields.read(fields.reason, file, row, cols["reason"], "Reason") if "reason" in cols else (None, None)
    anomalies += [_unreadable_cell(file, row, cols[name], name, number, why) for name in UNUSED_CELLS
                  if name in cols and (why := _unreadable(row, cols[name], name))]
    engine = _engine(cell("engine")) if cell("engine") else None
    if marker:
        reason, note = _marked(section, marker, number, status, cell("position"), reason)
        anomalies.append(Anomaly(file, row.line, "note-marker", note))
    nationality, team = split_code(cell("team"))
    crew, notes = drivers(cell("drivers"))
    anomalies += [Anomaly(file, row.line, "driver-split", f"car {number}: {n}") for n in notes]
    written = cell("position").strip()
    entry = Entry(
        race=race, number=number, status=status, line=row.line, position=position, reserve=reserve or status == "RES",
        car_class=cell("class") or None, team=team or None, team_nationality=nationality, drivers=crew,
        chassis=cell("chassis") or None, engine=engine,
        laps=laps, reason=reason, retirement_hour=hour,
        status_text=written if not _ORDINAL_CELL.match(written) and written != status else None,
    )
    return entry, anomalies


# Cells the replay does not need, and how to read each (None: any text is kept as written). One that cannot be read
# is an anomaly on its car, never a refusal (today only an engine can be: "Renault 747L S4", an impossible size).
UNUSED_CELLS = {"team": ("Team", None), "chassis": ("Chassis", None), "engine": ("Engine", fields.engine)}


def _unreadable(row: Row, index: int, name: str) -> str | None:
    """Why the unused cell ``index`` cannot be read, or None."""
    read = UNUSED_CELLS[name][1]
    try:
        if read is not None and row.cells[index]:
            read(row.cells[index])
    except fields.FieldError as exc:
        return str(exc)
    return None


def _unreadable_cell(file: str, row: Row, index: int, name: str, number: str, why: str) -> Anomaly:
    """The anomaly of an unreadable cell: car, field, why, file:line:column and the text; what the replay does."""
    shown, column = row.cells[index], row.column(index)
    skip = "; the Index of Performance skips this car" if name == "engine" else ""
    return Anomaly(file, row.line, "unreadable-cell",
                   f"car {number}: {UNUSED_CELLS[name][0]} {shown!r} at {Path(file).name}:{row.line}:{column} cannot "
                   f"be read ({why}); kept as written{skip}")


def _engine(text: str) -> Engine:
    """The engine of the cell; one whose displacement cannot be read keeps its text, make and layout, no size."""
    try:
        return fields.engine(text)
    except fields.FieldError:
        return fields.unsized_engine(text)


def _marked(section: Section, marker: str, number: str, status: str, written: str,
            reason: str | None) -> tuple[str | None, str]:
    """The reason (the note's when the row has none) and the anomaly message of a status with a note marker."""
    note = _note(section, marker)
    if note is None:
        return reason, f"car {number} is {written!r} but no '- Note {marker}' explains the {marker!r}"
    return reason or note[1], (f"car {number} is {written!r}: {status} with a note marker, explained by the note at "
                               f"line {note[0]}: {note[1]!r}")


def _note(section: Section, marker: str) -> tuple[int, str] | None:
    for bullet in section.bullets:
        match = _NOTE.match(bullet.text)
        if match and match.group(1) == marker:
            return bullet.line, match.group(2)
    return None


def _counts(entries: list[Entry]) -> dict[str, tuple[int, str]]:
    started = sum(e.started for e in entries)
    practised = sum(e.started or e.status in PRACTISED for e in entries)
    kinds = [k for k in PRACTISED if any(e.status == k for e in entries)]
    return {
        "starters": (started, "rows that started (classified, NC, DNF, DSQ)"),
        "entries": (len({e.number for e in entries}),
                    f"car numbers in the result, DNF, DNS and DNA tables ({len(entries)} rows)"),
        "practised": (practised, f"cars that practised (starters and {' and '.join(kinds) or 'DNS'} rows)"),
        "classified": (sum(e.status == "classified" for e in entries), "classified cars"),
    }


def _duplicates(doc: Document, entries: list[Entry]) -> list[Anomaly]:
    """Car numbers on two rows; quote the sentence that explains it if the text has one."""
    found = []
    for number in dict.fromkeys(e.number for e in entries):
        rows = [e for e in entries if e.number == number]
        if len(rows) < 2:
            continue
        starter = next((e for e in rows if e.started), rows[0])
        shown = ", ".join(f"{_status(e)} (line {e.line}{', ' + repr(e.reason) if e.reason and not e.started else ''})"
                          for e in rows)
        message = (f"car {number} appears {len(rows)} times: {shown}; all rows are kept and the starter is line "
                   f"{starter.line}")
        other = next(e for e in rows if e is not starter)
        if quote := _explanation(doc, other):
            message += f"; the text explains it at line {quote[0]}: {quote[1]!r}"
        found.append(Anomaly(doc.file, other.line, "duplicate-number", message))
    return found


def _status(entry: Entry) -> str:
    return ordinal(entry.position) if entry.position is not None else entry.status


def _explanation(doc: Document, entry: Entry) -> tuple[int, str] | None:
    """The sentence naming all of the car's drivers in the paragraph that best matches its reason."""
    names = [surname(d.name) for d in entry.drivers]
    words = {w for w in re.findall(r"\w+", (entry.reason or "").casefold()) if len(w) > 3}
    best = None
    for text in doc.texts():
        for sentence in re.split(r"(?<=[.!?])\s+", text.text):
            if names and all(n in sentence for n in names):
                score = sum(w in text.text.casefold() for w in words)
                if best is None or score > best[0]:
                    best = (score, text.line, sentence)
    return (best[1], best[2]) if best else None


def _categories(doc: Document, entries: list[Entry]) -> list[Anomaly]:
    """Compare the "Entries" table (Category | Classes | Entries) with the rows of each class."""
    section = doc.find_section("Entries")
    table = (next((t for t in section.tables if t.header and "classes" in map(label, t.header)), None) if section
             else None)
    if table is None or len(table.header) < 3:
        return []
    found = []
    for row in table.rows:
        if len(row.cells) < 3:
            raise ParseError(f"Entries table row has {len(row.cells)} cells; it needs 3 (Category, Classes, Entries)",
                             file=doc.file, line=row.line, column=row.column(len(row.cells) - 1),
                             value=excerpt(row.cells[-1]))
        classes = _classes(doc.file, row)
        said = re.match(r"([0-9]+)(?:\s*\(\+([0-9]+) reserves?\))?", row.cells[2])
        if not classes or not said:
            continue
        rows = [e for e in entries if e.car_class in classes]
        have = (sum(not e.reserve for e in rows), sum(e.reserve for e in rows))
        try:
            want = (fields.integer(said.group(1), what="a count of cars"),
                    fields.integer(said.group(2) or "0", what="a count of cars"))
        except fields.FieldError as exc:
            raise fields.cell_error(exc, doc.file, row, 2, "Entries") from None
        if have != want:
            found.append(Anomaly(doc.file, row.line, "count-mismatch",
                                 f"{row.cells[0]} ({row.cells[1]}): the table says {row.cells[2]!r} but the result "
                                 f"tables have {have[0]} rows (+{have[1]} reserves) in these classes"))
    return found


def _classes(file: str, row: Row) -> set[str]:
    """The class codes of an "Entries" row's "S-1100 / S-1500" cell. Raises ParseError for an absurd size."""
    codes = set()
    for part in row.cells[1].split("/"):
        if re.fullmatch(r"\s*S-[0-9]+\s*", part):
            try:
                codes.add(checks.class_code(part.strip()))
            except fields.FieldError as exc:
                raise fields.cell_error(exc, file, row, 1, "Classes") from None
    return codes


def recognises(doc: Document) -> bool:
    """A circuit's results: a table with a "Laps" column and a car number column."""
    for _, table in doc.tables():
        labels = {label(c) for c in table.header or ()}
        if "laps" in labels and ({"no", "number"} & labels):
            return True
    return False
