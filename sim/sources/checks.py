"""Cross-checks between a document's text and its tables; each returns anomalies.

They raise only a ParseError, for a number in the text too large to be what it claims ("of the
99999999999999999999 starters", "the S-99999999999999999999 class").

These need the parsed document (to quote the text and find its lines); checks that only need the
typed entries (positions, times, duplicate numbers, Index) live in :mod:`sim.anomalies`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from sim.document import Document, Text
from sim.errors import ParseError, excerpt
from sim.records import Anomaly, Entry
from sim.sources import fields
from sim.sources.names import SAME_COUNTRY, surname

# Sentences that state a count, and which count of the tables each one is about.
COUNT_CLAIMS = (
    (re.compile(r"number of starters was fixed at ([0-9]+)"), "starters"),
    (re.compile(r"([0-9]+) starting places"), "starters"),
    (re.compile(r"([0-9]+) cars started"), "starters"),
    (re.compile(r"[Oo]f the ([0-9]+) starters"), "starters"),
    (re.compile(r"total of ([0-9]+) (?:racing )?cars were (?:registered|entered)"), "entries"),
    (re.compile(r"([0-9]+) were allowed to practi[cs]e"), "practised"),
    (re.compile(r"([0-9]+) were classified"), "classified"),
    (re.compile(r"across ([0-9]+) classes"), "classes"),
)
_LEADING_CLASS = re.compile(r"leading the (S-[0-9]+) (?:class|category)")


def count_claims(doc: Document, counts: Mapping[str, tuple[int, str]], note: str = "") -> list[Anomaly]:
    """Compare each count the text states with ``counts`` ({"starters": (54, "rows that started")}).

    ``note`` is appended to every message (e.g. "the text says only a selection is listed").
    """
    found = []
    for pattern, what in COUNT_CLAIMS:
        if what not in counts:
            continue
        have, described = counts[what]
        for text, match in doc.search(pattern):
            said = _number(doc.file, text, match,
                           lambda digits, what=what: fields.integer(digits, what=f"a count of {what}"))
            if said != have:
                message = f"the text says {match.group(0)!r} ({what}: {said}) but the tables list {have} {described}"
                found.append(Anomaly(doc.file, text.line, "count-mismatch", message + (f"; {note}" if note else "")))
    return found


def _number(file: str, text: Text, match: re.Match[str], read) -> object:
    """``read(match.group(1))``, with a FieldError turned into a ParseError at the number's line and column."""
    try:
        return read(match.group(1))
    except fields.FieldError as exc:
        raise ParseError(f"{exc}", file=file, line=text.line, column=match.start(1) + 1,
                         value=excerpt(match.group(0))) from None


def one_car_per_number(file: str, entries: Iterable[Entry], field: str = "No") -> None:
    """Refuse two rows that started (or practised, in a timesheet) under one car number: a replay of two cars
    with one number would give one of them the other's laps and times. Rows of cars that did not start (a DNS
    practice car with a starter's number) are anomalies, reported by the parser.

    Raises ParseError at the second row, naming both lines and the number.
    """
    first: dict[str, Entry] = {}
    for entry in entries:
        if not entry.started:
            continue
        other = first.setdefault(entry.number, entry)
        if other is not entry:
            raise ParseError(f"car number {entry.number} is on two rows: line {other.line} "
                             f"({_place(other)}) and line {entry.line} ({_place(entry)}); one number is one car",
                             file=file, line=entry.line, key=field, value=entry.number)


def _place(entry: Entry) -> str:
    return f"position {entry.position}" if entry.position is not None else entry.status


def class_code(text: str) -> str:
    """The tables' class code of a class named in the text: "S-2000" -> "S2.0", "S-750" -> "S750".

    Raises FieldError for a size out of 1-99,999 cc.
    """
    size = fields.integer(text.split("-", 1)[1], fields.MAX_CC, minimum=1, what="a class size in cc")
    return f"S{size}" if size < 1000 else f"S{size / 1000:.1f}"


def narrative_classes(doc: Document, entries: Iterable[Entry]) -> list[Anomaly]:
    """Flag "<driver> ... leading the S-2000 class" when that driver's car is in another class.

    The driver is the last surname from the tables named in the same sentence before the claim.
    """
    by_surname: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        for driver in entry.drivers:
            by_surname[surname(driver.name)].append(entry)
    patterns = {name: re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])") for name in by_surname}
    found = []
    for text, match in doc.search(_LEADING_CLASS):
        start = max(text.text.rfind(". ", 0, match.start()) + 2, 0)
        before = text.text[start : match.start()]
        named = [(m.start(), name) for name, p in patterns.items() for m in p.finditer(before)]
        if not named:
            continue
        name = max(named)[1]
        claimed = _number(doc.file, text, match, class_code)
        cars = by_surname[name]
        if all(e.car_class != claimed for e in cars):
            car = next((e for e in cars if e.started), cars[0])
            found.append(Anomaly(
                doc.file, text.line, "text-table-conflict",
                f"the text has {name} {match.group(0)!r} ({claimed}) but {name}'s car {car.number} "
                f"is in class {car.car_class} in the table (line {car.line})",
            ))
    return found


def edit_step(a: str, b: str) -> str | None:
    """The one character that differs between ``a`` and ``b`` (insert, delete or replace), or None."""
    if a == b or abs(len(a) - len(b)) > 1:
        return None
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i] + b[i] if a[i + 1 :] == b[i + 1 :] else None
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i] if longer[i + 1 :] == shorter[i:] else None


def chassis_typos(doc: Document, entries: Iterable[Entry]) -> list[Anomaly]:
    """Flag a chassis name one letter away from another one of the same make ("DR1/300" vs "DBR1/300").

    Differences in digits are models ("Monopole X88"/"X89"), not typos. The spelling the text uses
    more often is taken as meant; the other is kept as written and reported.
    """
    entries = list(entries)
    first: dict[str, Entry] = {}
    for entry in entries:
        if entry.chassis:
            first.setdefault(entry.chassis, entry)
    prose = "\n".join(t.text for t in doc.texts())
    names = sorted(first)
    found = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            step = edit_step(a, b)
            if not step or a.split()[0] != b.split()[0] or any(c.isdigit() for c in step):
                continue
            uses = {n: sum(n in e.chassis for e in entries if e.chassis) + prose.count(n.split()[-1]) for n in (a, b)}
            if uses[a] == uses[b]:
                continue
            typo, meant = (a, b) if uses[a] < uses[b] else (b, a)
            entry = first[typo]
            found.append(Anomaly(
                doc.file, entry.line, "typo",
                f"chassis {typo!r} of car {entry.number} is probably {meant!r} (as for car {first[meant].number} "
                f"and in the text); kept as written",
            ))
    return found


def nationality_codes(doc: Document, entries: Iterable[Entry]) -> list[Anomaly]:
    """Flag one document using two codes for one country (NLD and NED; DEU and FRG)."""
    used: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        codes = {entry.team_nationality, *(d.nationality for d in entry.drivers)} - {None}
        for code in codes:
            used[code].append(entry)
    found = []
    for group in SAME_COUNTRY:
        present = sorted(code for code in group if code in used)
        if len(present) < 2:
            continue
        rare = min(present, key=lambda c: (len(used[c]), c))
        parts = [f"{code} ({', '.join('car ' + e.number for e in used[code][:4])}"
                 f"{', ...' if len(used[code]) > 4 else ''})" for code in present]
        found.append(Anomaly(
            doc.file, used[rare][0].line, "inconsistent-code",
            f"{' and '.join(parts)} are codes for the same country; kept as written",
        ))
    return found


def engine_layouts(doc: Document, entries: Iterable[Entry]) -> list[Anomaly]:
    """Flag an engine (make and displacement) whose layout differs from the one most cars give it.

    "Porsche 1498cc S4" on one car when five others have "Porsche 1498cc F4" (Porsche's flat four).
    """
    groups: dict[tuple[str, int], list[Entry]] = defaultdict(list)
    for entry in entries:
        engine = entry.engine
        if engine and engine.make and engine.displacement_cc and engine.layout:
            groups[(engine.make, engine.displacement_cc)].append(entry)
    found = []
    for (make, cc), cars in groups.items():
        layouts = Counter(e.engine.layout for e in cars)
        if len(layouts) < 2:
            continue
        usual, usual_count = layouts.most_common(1)[0]
        if list(layouts.values()).count(usual_count) > 1:
            continue  # no majority: nothing to say which is meant
        for entry in cars:
            if entry.engine.layout != usual:
                found.append(Anomaly(
                    doc.file, entry.line, "inconsistent-engine",
                    f"car {entry.number}: engine {entry.engine.text!r} has layout {entry.engine.layout!r} where "
                    f"{usual_count} other {make} {cc}cc engines have {usual!r}; kept as written",
                ))
    return found
