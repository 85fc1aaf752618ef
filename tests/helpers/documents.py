"""Synthetic Le Mans-shaped documents (no race folder: replayed with the written defaults) and the acceptance every
such replay must meet; used by tests/circuit/test_generic_documents.py, tests/circuit/test_synthetic_race.py and
tests/circuit/test_record_statuses.py (:func:`race_document`, :func:`row`, :func:`modern_document`: any status, crew,
class or era)."""

from __future__ import annotations

from sim.clock import HOUR
from sim.log import END_KINDS, EventKind


def document(title: str, results, dnf=(), statistics=(), narrative=()) -> str:
    """A document of the 1957 seed's shape. `results`: (pos, class, no, laps); `dnf`: (pos, class, no, laps, reason)."""
    lines = [f"= {title} =", ""]
    if narrative:
        lines += ["==Race==", *narrative, ""]
    lines += ["==Official results==", "| Pos | Class | No | Team | Drivers | Chassis | Engine | Laps |"]
    lines += [f"| {pos} | {klass} | {no} | GBR Team {no} | GBR Ann Able{no} GBR Bob Baker{no} | Jaguar D-Type | "
              f"Jaguar 3.4L S6 | {laps} |" for pos, klass, no, laps in results]
    if dnf:
        lines += ["", "==Did Not Finish==", "| Pos | Class | No | Team | Drivers | Chassis | Engine | Laps | Reason |"]
        lines += [f"| {pos} | {klass} | {no} | FRA Team {no} | FRA Cyd Cole{no} FRA Dan Dorn{no} | Ferrari 500 TRC | "
                  f"Ferrari 1985cc S4 | {laps} | {reason} |" for pos, klass, no, laps, reason in dnf]
    if statistics:
        lines += ["", "==Statistics==", *(f"- {s}" for s in statistics)]
    return "\n".join(lines) + "\n"


def end_event(replay, car: str):
    ends = replay.log.of(car, END_KINDS)
    assert len(ends) == 1, f"car {car} has {len(ends)} end events: {ends}"
    return ends[0]


def assert_acceptance(replay) -> None:
    """The issue's acceptance: laps, classified order, retirement hours, defaults listed."""
    flag = replay.facts.duration_s
    starters = replay.race.starters
    assert {e.number: replay.table.laps_at(e.number, flag) for e in starters} == {e.number: e.laps for e in starters}
    final = replay.standings(seconds=flag)
    assert list(final.position) == list(range(1, len(starters) + 1))
    classified = [e.number for e in sorted((e for e in starters if e.status == "classified"), key=lambda e: e.position)]
    nc = {e.number for e in starters if e.status == "NC"}
    assert list(final.car[: len(classified)]) == classified
    assert set(final.car[len(classified): len(classified) + len(nc)]) == nc
    for e in starters:
        end = end_event(replay, e.number)
        assert end.mark == e.laps
        if e.status == "classified":
            assert (end.kind, end.time) == (EventKind.FINISHED, flag)
        elif e.retirement_hour:
            assert (e.retirement_hour - 1) * HOUR <= end.time <= e.retirement_hour * HOUR, (e.number, end)
        else:
            assert 0.0 <= end.time <= flag
    assert replay.facts.defaults, "a document without a race folder lists the defaults it was replayed with"
    assert any(d.startswith("stint_laps: 30:") for d in replay.facts.defaults)


# -- documents of any era: every status, crews of any size, any class label (issue 19) -------------------------

_CODES = ("GBR", "FRA", "USA", "DEU", "JPN", "CHN")
_HEADER = "| Pos | Class | No | Team | Drivers | Chassis | Engine | Laps |"


def crew(no: str, size: int = 2) -> str:
    """A Drivers cell of ``size`` drivers, each after a nationality code: "GBR Ann Able7 FRA Bob Baker7"."""
    given = ("Ann Able", "Bob Baker", "Cyd Cole", "Dan Dorn", "Eva Este")
    return " ".join(f"{_CODES[k % len(_CODES)]} {given[k]}{no}" for k in range(size))


def row(pos, klass: str, no: str, laps, reason: str | None = None, *, drivers: int = 2,
        engine: str = "Jaguar 3.4L S6", chassis: str = "Jaguar D-Type") -> str:
    """One result row of the seed's columns (with a Reason cell when ``reason`` is not None)."""
    number = str(no).split()[0]
    cells = [pos, klass, no, f"GBR Team {number}", crew(number, drivers), chassis, engine, laps]
    return "| " + " | ".join(str(c) for c in (*cells, *(() if reason is None else (reason,)))) + " |"


def race_document(title: str, results, dnf=(), dns=(), *, statistics=(), sections=()) -> str:
    """A document of the seed's shape from rows made by :func:`row`.

    ``results``, ``dnf``: rows of the Official results and Did Not Finish tables (the latter with a Reason cell);
    ``dns``: rows of the Did Not Start table (Laps and Reason cells); ``sections``: extra lines at the end.
    """
    lines = [f"= {title} =", "", "==Official results==", _HEADER, *results]
    if dnf:
        lines += ["", "==Did Not Finish==", _HEADER + " Reason |", *dnf]
    if dns:
        lines += ["", "==Did Not Start==", _HEADER + " Reason |", *dns]
    if statistics:
        lines += ["", "==Statistics==", *(f"- {s}" for s in statistics)]
    return "\n".join([*lines, *sections]) + "\n"


MODERN_CLASSES = (("Hypercar", 12, 3), ("LMP2", 24, 4), ("LMGTE Pro", 8, 3), ("LMGTE Am", 18, 3))


def modern_document() -> str:
    """62 starters; cars 1 and 2 on equal laps (387), decided by the table's order; one car in five retires at an
    hour its laps can reach (at most 3600 / 260 laps an hour); no Statistics, no Index, no fastest lap."""
    results, dnf = [], []
    number, laps = 0, 388
    for klass, count, size in MODERN_CLASSES:
        for k in range(count):
            number += 1
            no = "999" if number == 62 else str(number)
            cells = {"drivers": size, "engine": "Toyota 3.5L V6 Hybrid", "chassis": "Toyota GR010 Hybrid"}
            if k % 5 == 4:
                hour = 4 + number % 18
                dnf.append(row("DNF" if k % 2 else "Ret", klass, no, hour * 3600 // 260 - 3, f"Accident ({hour}hr)",
                               **cells))
            else:
                laps = laps - 1 if len(results) != 1 else laps  # first and second on equal laps
                results.append(row(len(results) + 1, klass, no, laps, **cells))
    return race_document("2023 24 Hours of Le Mans", results, dnf)
