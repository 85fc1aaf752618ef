"""The Mille Miglia "Class winners" table, and its checks against the results rows.

Each winner row (class name, car number, car, "Surname / Surname") is compared with the results
row of that number: the class, the drivers' surnames and the car must agree, and no listed car
of the class may be placed ahead of its winner. Differences are kept as written and reported.
"""

from __future__ import annotations

import difflib
import re

from sim.document import Section
from sim.records import Anomaly, Entry
from sim.sources import fields

CLASS_GROUPS = {"sport": "S", "sports": "S", "grand touring": "GT", "touring special": "TS", "touring prep": "T"}
ClassWinner = tuple[str, str, str, tuple[str, ...]]  # class name, number, car, driver names


def class_winners(section: Section | None, file: str) -> tuple[list[ClassWinner], dict[str, int]]:
    """[("Sport +2000", "535", "Ferrari 315 S", ("Taruffi",)), ...] and {number: line}.

    Raises ParseError for a row whose number cell is not a car number or whose class has an absurd size.
    """
    if section is None or not section.tables:
        return [], {}
    found, lines = [], {}
    for row in section.tables[0].rows:
        number, _ = fields.read(fields.car_number, file, row, 1, "Winners")
        fields.read(class_code, file, row, 0, "Class")  # checked here, where the line is known
        names = tuple(n.strip() for n in row.cells[3].split("/") if n.strip()) if len(row.cells) > 3 else ()
        found.append((row.cells[0], number, row.cells[2] if len(row.cells) > 2 else "", names))
        lines[number] = row.line
    return found, lines


def class_code(name: str) -> str | None:
    """"Sport +2000" -> "S+2.0"; "Touring Prep 750" -> "T750"; None for an unknown group.

    Raises FieldError for a size out of 1-99,999 cc.
    """
    match = re.match(r"^(.*?)\s*(\+?)([0-9]+)$", name.strip())
    if not match or match.group(1).casefold() not in CLASS_GROUPS:
        return None
    size = fields.integer(match.group(3), fields.MAX_CC, minimum=1, what="a class size in cc")
    return (CLASS_GROUPS[match.group(1).casefold()] + match.group(2)
            + (str(size) if size < 1000 else f"{size / 1000:.1f}"))


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def same_car(a: str, b: str) -> bool:
    """"Fiat 1100/103" ~ "Fiat 1100/103TV"; "Fiat-Abarth 750 Zagato" ~ "Fiat-Abarth 750 GT Zagato"."""
    sa, sb = _squash(a), _squash(b)
    words_a, words_b = set(a.casefold().split()), set(b.casefold().split())
    return sa.startswith(sb) or sb.startswith(sa) or words_a <= words_b or words_b <= words_a


def check(file: str, listed: list[ClassWinner], lines: dict[str, int], entries: list[Entry]) -> list[Anomaly]:
    """Compare every class winner with its results row; one anomaly per disagreement."""
    by_number = {e.number: e for e in entries}
    makes = {e.chassis.split()[0] for e in entries if e.chassis}
    found = []
    for class_name, number, car, names in listed:
        line = lines[number]
        entry = by_number.get(number)
        if entry is None:
            found.append(Anomaly(file, line, "unknown-car",
                                 f"class winner {number} ({class_name}) is not in the results"))
            continue
        code = class_code(class_name)
        if code and entry.car_class != code:
            found.append(Anomaly(file, line, "source-conflict", f"class winners put car {number} in {class_name!r} "
                                 f"({code}) but the results (line {entry.line}) in {entry.car_class}"))
        for name in names:
            found += _name(file, line, number, name, entry)
        found += _car(file, line, number, car, entry, makes)
        if code:
            ahead = [e for e in entries
                     if e.car_class == code and e.position and entry.position and e.position < entry.position]
            for other in ahead:
                found.append(Anomaly(file, line, "source-conflict",
                                     f"class winner {number} ({class_name}) is placed {entry.position} but car "
                                     f"{other.number} of its class is placed {other.position}"))
    return found


def _name(file: str, line: int, number: str, name: str, entry: Entry) -> list[Anomaly]:
    full = [d.name for d in entry.drivers]
    if any(n == name or n.endswith(" " + name) for n in full):
        return []
    tails = {" ".join(n.split()[-len(name.split()) :]): n for n in full}
    close = difflib.get_close_matches(name, tails, n=1, cutoff=0.8)
    written = tails[close[0]] if close else " / ".join(full)
    kind = "typo" if close else "source-conflict"
    return [Anomaly(file, line, kind, f"class winners name {name!r} for car {number} where the results "
                    f"(line {entry.line}) have {written!r}; kept as written")]


def _car(file: str, line: int, number: str, car: str, entry: Entry, makes: set[str]) -> list[Anomaly]:
    if not car or not entry.chassis or same_car(car, entry.chassis):
        return []
    found = []
    make = car.split()[0]
    if make not in makes and (close := difflib.get_close_matches(make, makes, n=1, cutoff=0.75)):
        found.append(Anomaly(file, line, "typo", f"class winners write {car!r} for car {number}: make {make!r} "
                             f"is probably {close[0]!r}; kept as written"))
        if same_car(close[0] + car[len(make) :], entry.chassis):
            return found
    found.append(Anomaly(file, line, "source-conflict", f"class winners give car {number} as {car!r} but the "
                         f"results (line {entry.line}) as {entry.chassis!r}"))
    return found
