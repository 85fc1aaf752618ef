"""Le Mans documents of the 1957 seed's shape written from the public record of results, one per year 1949-1960.

The record is ``tests/data/record/le-mans-1949-1960-results.csv`` (its source in the README beside it). Each year
becomes one document: a title ("1955 24 Hours of Le Mans"), an "Official results" table (the classified and NC cars,
in the record's order), "Did Not Finish" (DNF and DSQ, with a Reason cell) and "Did Not Start" (DNS, DNA, DNQ, RES,
DNP). What the documents write that the record does not give, or gives otherwise:

* **Drivers**: the record has none. Each crew is two neutral placeholders named after the car, "GBR Driver 22A GBR
  Driver 22B"; the nationality code is a placeholder too (the replay uses no driver's name or nationality to place a
  car).
* **Retirement hour**: the record's ``retired_after`` (h:mm:ss from the start) becomes "(Nhr)" after the reason, N the
  race hour it falls in (the hour from N-1 to N hours after the start: ``floor(h) + 1``, so 0:30:00 is "(1hr)" and
  23:00:00 "(24hr)", as the record's notes and the 1957 seed write them). Blank where the record gives no time.
* **Team**: the record's country code (the first one where it gives two, "GBR|ITA") before the team's name.
* **Statuses** as the record gives them (``NC``, ``DNF``, ``DSQ``, ``DNS``, ``DNA``, ``DNQ``, ``RES``, ``DNP``);
  classes, numbers, chassis, engines and laps as given.
* **No Statistics section**: the record has no distance and no fastest lap; the replay uses its written defaults
  (the pace bound from the winner's average lap, no lap length).
"""

from __future__ import annotations

import csv
from pathlib import Path

RECORD = Path(__file__).resolve().parent.parent / "data" / "record" / "le-mans-1949-1960-results.csv"
YEARS = tuple(range(1949, 1961))
RESULTS_HEADER = "| Pos | Class | No | Team | Drivers | Chassis | Engine | Laps |"
OUT = ("DNF", "DSQ")  # the Did Not Finish table
NOT_STARTED = ("DNS", "DNA", "DNQ", "RES", "DNP")  # the Did Not Start table


def record_rows(year: int) -> list[dict[str, str]]:
    """The record's rows of one year, in its order."""
    with RECORD.open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if int(r["year"]) == year]


def hour_of(retired_after: str) -> int | None:
    """The race hour a time from the start falls in: "0:30:00" -> 1, "23:00:00" -> 24; "" -> None."""
    if not retired_after.strip():
        return None
    h, m, s = (int(part) for part in retired_after.split(":"))
    return (h * 3600 + m * 60 + s) // 3600 + 1


def reason_cell(row: dict[str, str]) -> str:
    """The Reason cell: the record's reason, then "(Nhr)" where the record gives the time of the retirement."""
    hour = hour_of(row["retired_after"])
    return " ".join(part for part in (row["reason"].strip(), f"({hour}hr)" if hour else "") if part)


def _cells(row: dict[str, str]) -> list[str]:
    code = row["team_country"].split("|")[0].strip()
    team = f"{code} {row['team']}".strip() if row["team"] else code
    no = row["number"]
    return [row["pos"], row["class"], no, team, f"GBR Driver {no}A GBR Driver {no}B", row["chassis"], row["engine"]]


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


def record_document(year: int) -> str:
    """The document of one year of the record (see the module's docstring for what it adds)."""
    rows = record_rows(year)
    results = [_line([*_cells(r), r["laps"]]) for r in rows if r["pos"] not in OUT + NOT_STARTED]
    dnf = [_line([*_cells(r), r["laps"], reason_cell(r)]) for r in rows if r["pos"] in OUT]
    dns = [_line([*_cells(r), r["reason"]]) for r in rows if r["pos"] in NOT_STARTED]
    lines = [f"= {year} 24 Hours of Le Mans =", "", "==Official results==",
             "Results from the public record (gdsotirov/lemans24); drivers are placeholders.", "", RESULTS_HEADER,
             *results]
    if dnf:
        lines += ["", "==Did Not Finish==", RESULTS_HEADER + " Reason |", *dnf]
    if dns:
        lines += ["", "==Did Not Start==", "| Pos | Class | No | Team | Drivers | Chassis | Engine | Reason |", *dns]
    return "\n".join(lines) + "\n"


def write_record_documents(folder: Path, years=YEARS) -> list[Path]:
    """One document a year, ``le-mans-<year>-record.txt`` in ``folder`` (its race id is the file's name)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for year in years:
        path = folder / f"le-mans-{year}-record.txt"
        path.write_text(record_document(year), encoding="utf-8")
        paths.append(path)
    return paths
