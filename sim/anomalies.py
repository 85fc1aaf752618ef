"""Anomalies of a parsed race: what is odd in its source, handled and reported, never dropped.

:func:`find_anomalies` returns what the parsers found in the document (``Race.anomalies``: header
layout, typos, counts in the text against the tables, ...) together with the checks that need only
the typed entries: repeated car numbers, missing or repeated positions, times or laps out of
position order, and the Index of Performance against its published table.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sim.index import compare_with_published
from sim.records import Anomaly, Entry, Race


def find_anomalies(race: Race) -> list[Anomaly]:
    """Every anomaly of ``race``, in line order, one per (line, kind) (the parsers' first).

    Raises RaceDataError if the race has Index targets but no published distance or winner.
    """
    found = [*race.anomalies, *duplicate_numbers(race), *positions(race), *order(race), *compare_with_published(race)]
    unique: dict[tuple[int, str, str], Anomaly] = {}
    for anomaly in found:
        key = (anomaly.line, anomaly.kind, anomaly.message if anomaly.kind not in _ONE_PER_LINE else "")
        unique.setdefault(key, anomaly)
    return sorted(unique.values(), key=lambda a: a.line)


_ONE_PER_LINE = ("duplicate-number",)


def duplicate_numbers(race: Race) -> list[Anomaly]:
    """A car number on more than one row (reported at its second row)."""
    seen: dict[str, Entry] = {}
    found = []
    for entry in race.entries:
        if entry.number in seen:
            first = seen[entry.number]
            found.append(Anomaly(race.source_file, entry.line, "duplicate-number",
                                 f"car {entry.number} is on line {first.line} ({first.status}) and line {entry.line} "
                                 f"({entry.status})"))
        else:
            seen[entry.number] = entry
    return found


def positions(race: Race) -> list[Anomaly]:
    """Repeated positions, and the positions missing below the last listed one (one summary)."""
    placed = [e for e in race.entries if e.position is not None]
    if not placed:
        return []
    found = []
    counts = Counter(e.position for e in placed)
    for entry in placed:
        if counts[entry.position] > 1 and entry is not next(e for e in placed if e.position == entry.position):
            found.append(Anomaly(race.source_file, entry.line, "duplicate-position",
                                 f"position {entry.position} is given to more than one car (car {entry.number})"))
    ordered = sorted(placed, key=lambda e: (e.position, e.line))
    gaps = [(a, b) for a, b in zip(ordered, ordered[1:]) if b.position > a.position + 1]
    if ordered[0].position > 1:
        gaps.insert(0, (None, ordered[0]))
    if gaps:
        a, b = gaps[0]
        last = ordered[-1].position
        missing = last - len(counts)
        start = f"from {a.position} to {b.position}" if a else f"to {b.position} at the start"
        more = f", and {len(gaps) - 1} more gaps" if len(gaps) > 1 else ""
        found.append(Anomaly(race.source_file, b.line, "position-gap",
                             f"positions jump {start} (car {b.number}){more}: {missing} of the positions 1-{last} "
                             f"are not listed ({len(counts)} are)"))
    return found


def order(race: Race) -> list[Anomaly]:
    """Classified cars whose time (or laps) does not fit their position; equal elapsed times."""
    placed = sorted((e for e in race.entries if e.position is not None and e.status == "classified"),
                    key=lambda e: e.position)
    found = []
    for above, below in zip(placed, placed[1:]):
        a, b = _measure(above), _measure(below)
        if a is None or b is None:
            continue
        if b < a if isinstance(a, timedelta) else b > a:
            what = "faster than" if isinstance(a, timedelta) else "more laps than"
            found.append(Anomaly(race.source_file, below.line, "position-order",
                                 f"{_place(below)} (car {below.number}, {_show(b)}) is {what} {_place(above)} "
                                 f"(car {above.number}, {_show(a)}) above it"))
    first_with: dict[timedelta, Entry] = {}  # races timed by elapsed time (a time trial): equal times are odd
    for entry in placed:
        if entry.elapsed is not None:
            other = first_with.setdefault(entry.elapsed, entry)
            if other is not entry and other.position != entry.position:
                found.append(Anomaly(race.source_file, entry.line, "equal-time",
                                     f"{_place(entry)} (car {entry.number}) has the same time {_show(entry.elapsed)} "
                                     f"as {_place(other)} (car {other.number})"))
    return found


def _measure(entry: Entry) -> timedelta | int | None:
    if entry.elapsed is not None:
        return entry.elapsed
    times = [t for t in entry.times if t is not None]
    return min(times) if times else entry.laps


def _show(value: timedelta | int) -> str:
    if isinstance(value, int):
        return f"{value} laps"
    millis = round(value.total_seconds() * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    text = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
    return text + (f".{millis:03d}" if millis else "")


def _place(entry: Entry) -> str:
    return ordinal(entry.position)


def ordinal(n: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 93 -> "93rd"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
