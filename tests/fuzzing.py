"""A seeded mutation fuzzer for source documents, shared by tests/shared/test_fuzz_documents.py and benchmarks/fuzz.py.

``mutant(seed_text, rng)`` applies a few random edits (one to three, now and then a dozen) to a document: deleted,
duplicated and swapped lines, mutated table cells (huge, Unicode, superscript and negative numbers, stray text),
stray sentences inside tables, rows with missing or extra cells, broken rows and headers, lines of
another seed, impossible dates, odd whitespace, random Unicode,
truncation and binary garbage. Issue 23 adds families with a known right answer (:func:`known_mutant`): blank and
garbage lines inside tables (every row must still be read: a drop is a "SilentRowDrop"), duplicate car numbers in
each kind and numbers written with an exponent, a sign, a decimal or other digits (both must be refused).
``check_document(data, directory, name)`` drives the mutant through
the paths the CLI uses (``load_race`` then ``entries_frame`` and ``find_anomalies``) and returns
None when it is read or refused with a one-line RaceReplayError, or a :class:`Unexpected` otherwise.
Everything is a pure function of the seed: the same seed gives the same documents.
"""

from __future__ import annotations

import random
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.anomalies import find_anomalies
from sim.errors import RaceReplayError
from sim.frames import entries_frame
from sim.kinds import load_race

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = tuple(sorted(SEEDS.glob("[0-9][0-9][0-9]_*.txt")))
SIM = Path(__file__).resolve().parent.parent / "sim"
MAX_MESSAGE = 400  # characters in an error message: one line on a terminal, give or take

# Odd numbers seen in real typos and in the issue: superscripts, Arabic-Indic and full-width digits,
# a 20-digit and a 5,000-digit number, signs, decimals, exponents, zero.
ODD_NUMBERS = (
    "24²", "١٢", "１２", "٣٢٧", "²", "12345678901234567890", "9" * 5000, "1" + "0" * 400, "-1", "-327",
    "0", "00", "3.5", "1e9", "1_000", "9999", "10000", "99999", "100000", "4294967296", "NaN", "inf",
    "½", "Ⅻ", "𝟑𝟐𝟕", "٠", "3 27", "+5", "0x1F", "",
)
ODD_TEXT = (
    "targets need at least two sizes", "The sentence that strayed into this table.", "???", "N/C", "DNF *",
    "31 February 1957", "30 February 1957", "0 May 1957", "99 May 1957", "12 May 0", "12 May 99999",
    "S-0", "S-99999999999999999999", "0L", "0cc", "99999999999cc", "1e400L", "0.0001L", "99hr 99:99",
    "0hr 00:00", "99999999999999999999hr 00:00", "0:00.000", "99:59.999", "59:59:59.9", "\u0000",
    "\u200b", "\ufeff", "🏁", "Ω", "ǅ", "\t", "|", "||", "=", "== ==", "- Note *: gone", "Note *:", "#7",
    "(10hr)", "Piston (99999999999999999999hr)", "Pos", "Laps", "No", "Time",
)
ODD_LINES = (
    "= A late title =", "== Official results ==", "== Index of Performance ==", "== Statistics ==",
    "== Class winners ==", "== Did Not Finish ==", "== Entries ==", "== Biennial Cup ==",
    "== Standings after the race ==",
    "| Engine Capacity | Total Distance | Average Speed |", "| Pos | No | Score |", "| Category | Classes | Entries |",
    "| Pos | Class | No | Team | Drivers | Chassis | Engine | Laps | Reason |", "| S-750 | 2666.7 km | 111.1 kph |",
    "- Distance - 99999999999999999999 km", "- Fastest Lap: #7 - 99999999999999999999m 1s", "- Distance: 0 km",
    "The race was held on 31 February 1957.", "The number of starters was fixed at 99999999999999999999.",
    "Of the ٥٥ starters", "A total of 9" + "9" * 30 + " cars were entered", "leading the S-99999999999999999999 class",
    "|", "| |", "| a |", ";", "-", "==", "=== Sub ===", "====== Deep ======",
)


@dataclass(frozen=True)
class Unexpected:
    """An exception that is not a RaceReplayError, with where it was raised (innermost frame in sim/)."""

    kind: str  # exception type name
    where: str  # "sim/sources/fields.py:123 in whole_number"
    message: str
    document: str  # which seed and which mutant: "001_...txt #17"


def _lines(text: str) -> list[str]:
    return text.split("\n")


def delete_line(lines: list[str], rng: random.Random) -> None:
    if len(lines) > 1:
        del lines[rng.randrange(len(lines))]


def duplicate_line(lines: list[str], rng: random.Random) -> None:
    i = rng.randrange(len(lines))
    lines.insert(rng.randrange(len(lines) + 1), lines[i])


def swap_lines(lines: list[str], rng: random.Random) -> None:
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]


def _table_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.lstrip().startswith("|")] or list(range(len(lines)))


def mutate_cell(lines: list[str], rng: random.Random) -> None:
    """Replace one cell of a table row with an odd number or odd text."""
    i = rng.choice(_table_lines(lines))
    cells = lines[i].split("|")
    if len(cells) < 3:
        lines[i] = rng.choice(ODD_NUMBERS + ODD_TEXT)
        return
    k = rng.randrange(1, len(cells) - 1)
    odd = rng.choice(ODD_NUMBERS + ODD_TEXT)
    cells[k] = f" {odd} " if rng.random() < 0.8 else f" {cells[k].strip()}{odd} "
    lines[i] = "|".join(cells)


def drop_cells(lines: list[str], rng: random.Random) -> None:
    """Remove cells from the end or the middle of a table row (or add some)."""
    i = rng.choice(_table_lines(lines))
    cells = lines[i].split("|")
    if len(cells) < 3:
        return
    if rng.random() < 0.3:
        cells[-1:-1] = [" extra "] * rng.randint(1, 3)
    else:
        for _ in range(rng.randint(1, max(1, len(cells) - 2))):
            if len(cells) > 2:
                del cells[rng.randrange(1, len(cells) - 1)]
    lines[i] = "|".join(cells)


def stray_line(lines: list[str], rng: random.Random) -> None:
    """Insert a sentence, a heading or a row somewhere (often inside a table)."""
    where = rng.choice(_table_lines(lines)) if rng.random() < 0.6 else rng.randrange(len(lines) + 1)
    lines.insert(where, rng.choice(ODD_LINES + ODD_TEXT))


def replace_number(lines: list[str], rng: random.Random) -> None:
    """Replace one run of ASCII digits anywhere with an odd number."""
    candidates = [i for i, line in enumerate(lines) if re.search(r"[0-9]", line)]
    if not candidates:
        return
    i = rng.choice(candidates)
    spans = [m.span() for m in re.finditer(r"[0-9]+", lines[i])]
    start, end = rng.choice(spans)
    lines[i] = lines[i][:start] + rng.choice(ODD_NUMBERS) + lines[i][end:]


def random_unicode(lines: list[str], rng: random.Random) -> None:
    i = rng.randrange(len(lines))
    at = rng.randint(0, len(lines[i]))
    noise = "".join(chr(rng.choice((rng.randrange(0x20, 0x7F), rng.randrange(0xA0, 0x2FFF),
                                    rng.randrange(0x1F000, 0x1FAFF))))
                    for _ in range(rng.randint(1, 8)))
    lines[i] = lines[i][:at] + noise + lines[i][at:]


def bad_date(lines: list[str], rng: random.Random) -> None:
    """Turn a date in the text into an impossible one ("31 February 1957")."""
    pattern = re.compile(r"\b[0-9]{1,2} (January|February|March|April|May|June|"
                         r"July|August|September|October|November|December) [0-9]{4}")
    candidates = [i for i, line in enumerate(lines) if pattern.search(line)]
    odd = rng.choice(("31 February 1957", "30 February 1957", "0 May 1957", "99 May 1957", "32 June 1957",
                      "12 May 0000", "12 May 99999"))
    if candidates:
        i = rng.choice(candidates)
        lines[i] = pattern.sub(odd, lines[i], count=1)
    else:
        lines.insert(rng.randrange(len(lines) + 1), f"It was held on {odd}.")


def break_row(lines: list[str], rng: random.Random) -> None:
    """Drop a row's closing '|', double a '|', or turn a row into a heading or a bullet."""
    i = rng.choice(_table_lines(lines))
    line = lines[i].rstrip()
    choice = rng.randrange(4)
    if choice == 0:
        lines[i] = line.rstrip("|")
    elif choice == 1 and "|" in line:
        at = rng.choice([k for k, char in enumerate(line) if char == "|"])
        lines[i] = line[:at] + "|" + line[at:]
    else:
        lines[i] = ("== " + line + " ==") if choice == 2 else ("- " + line)


def rename_header(lines: list[str], rng: random.Random) -> None:
    """Rename, blank or repeat one cell of a header-like row (a row without digits)."""
    headers = [i for i, line in enumerate(lines) if line.startswith("|") and not re.search(r"[0-9]", line)]
    if not headers:
        return
    i = rng.choice(headers)
    cells = lines[i].split("|")
    if len(cells) < 3:
        return
    k = rng.randrange(1, len(cells) - 1)
    cells[k] = rng.choice((" ", " Laps ", " No ", " Pos ", " Time ", " Classes ", " Score ", cells[k] + cells[k],
                           " Lapz "))
    lines[i] = "|".join(cells)


def whitespace(lines: list[str], rng: random.Random) -> None:
    """Tabs, a carriage return, a BOM or odd spaces inside a line."""
    i = rng.randrange(len(lines))
    at = rng.randint(0, len(lines[i]))
    lines[i] = (lines[i][:at] + rng.choice(("\t", "\r", "\ufeff", "\u00a0", "\u2003", "\u2028", "\x0b", "\x1c", "  "))
                + lines[i][at:])


LINE_MUTATIONS: tuple[Callable[[list[str], random.Random], None], ...] = (
    delete_line, duplicate_line, swap_lines, mutate_cell, mutate_cell, drop_cells, stray_line, replace_number,
    replace_number, random_unicode, bad_date, break_row, rename_header, whitespace,
)


def crossover(lines: list[str], donor: list[str], rng: random.Random) -> None:
    """Copy a run of lines from another seed document (a Le Mans row into the Mille Miglia, ...)."""
    start = rng.randrange(len(donor))
    piece = donor[start : start + rng.randint(1, 12)]
    at = rng.randrange(len(lines) + 1)
    lines[at:at] = piece


def mutant(text: str, rng: random.Random, donors: tuple[str, ...] = ()) -> bytes:
    """One mutated copy of ``text``, as bytes (some mutations are at the byte level).

    ``donors`` are other documents whose lines may be copied in.
    """
    lines = _lines(text)
    for _ in range(rng.randint(1, 3) if rng.random() < 0.9 else rng.randint(4, 12)):
        if donors and rng.random() < 0.05:
            crossover(lines, _lines(rng.choice(donors)), rng)
        else:
            rng.choice(LINE_MUTATIONS)(lines, rng)
    data = "\n".join(lines).encode("utf-8")
    roll = rng.random()
    if roll < 0.04:  # truncated mid-file (possibly mid-character)
        data = data[: rng.randrange(len(data) + 1)]
    elif roll < 0.07:  # binary garbage spliced in
        at = rng.randrange(len(data) + 1)
        data = data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))) + data[at:]
    elif roll < 0.08:  # a document that is only garbage
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 512)))
    return data


# --- families with a known right answer (issue 23): each mutant says what a correct reading must give ----------------

# Lines that may fall inside a table without changing what it holds: the rows after them must all be read.
STRAY_LINES = ("", "   ", "The sentence that strayed into this table.", "???", "- a stray note", "xq!! 123 garbage",
               "Note *:", "\t", "N/C", "(10hr)")
# Forms of a number that are not the number: each must be refused where the replay uses it.
GLUED = (lambda n: f"1e{n}", lambda n: f"-{n}", lambda n: f"+{n}", lambda n: f"{n}.5", lambda n: f"{n}e3",
         lambda n: "".join(chr(0x660 + int(d)) for d in n), lambda n: f"{n}_0", lambda n: f"0.{n}")
# Numbers the replay uses, as (pattern, group): a retirement hour, a statistic's distance or speed, a lap count cell.
USED_NUMBERS = (
    (re.compile(r"\(([0-9]+)hr\)"), 1),
    (re.compile(r"^- (?:Distance|Winner's Average Speed) [–-] ([0-9]+)"), 1),
    (re.compile(r"^\|[^|]*\| [^|]*\| [0-9]+ \|(?:[^|]*\|){5} ([0-9]+) \|"), 1),  # Le Mans Laps
)


@dataclass(frozen=True)
class Expectation:
    """What a correct reading of a mutant gives: every row of the seed ("same"), or a refusal ("refused")."""

    kind: str  # "same" or "refused"
    family: str  # the mutation that made it: "stray-lines", "duplicate-number", "glued-number"


def _inside_rows(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if i and line.startswith("|") and lines[i - 1].startswith("|")]


def _in_results(lines: list[str], i: int) -> bool:
    """Whether row ``i`` is in a table of cars: its first row names 'Laps' or 'Time', or its rows end in lap times."""
    start = i
    while start and lines[start - 1].startswith("|"):
        start -= 1
    return bool(re.search(r"\| *(Laps|Time) *\|", lines[start]) or re.search(r"[0-9]:[0-9]{2}\.[0-9]+ *\|$", lines[i]))


def stray_lines_in_tables(lines: list[str], rng: random.Random) -> Expectation:
    """Put one to three blank, garbage or note lines between two rows of tables: every row must still be read."""
    for _ in range(rng.randint(1, 3)):
        inside = _inside_rows(lines)
        if inside:
            at = rng.choice(inside)
            lines[at:at] = [rng.choice(STRAY_LINES) for _ in range(rng.randint(1, 2))]
    return Expectation("same", "stray-lines")


def duplicate_number(lines: list[str], rng: random.Random) -> Expectation:
    """Write a row of a car that started again (its position cell changed): two cars with one number, refused."""
    rows = [i for i in _inside_rows(lines) if not re.match(r"^\|\s*(DNS|DNA|DNQ|DNP|RES)\b", lines[i])
            and _in_results(lines, i)]
    if not rows:
        return Expectation("same", "duplicate-number")
    i = rng.choice(rows)
    copy = re.sub(r"^\|\s*[^|]*\|", "| DNF |" if rng.random() < 0.5 else "| 99th |", lines[i], count=1)
    lines.insert(rng.choice((i, i + 1)), copy)
    return Expectation("refused", "duplicate-number")


def glued_number(lines: list[str], rng: random.Random) -> Expectation:
    """Write a number the replay uses with an exponent, a sign, a decimal or other digits: refused."""
    spots = [(i, m.span(group)) for i, line in enumerate(lines) for pattern, group in USED_NUMBERS
             for m in [pattern.search(line)] if m]
    if not spots:
        return Expectation("same", "glued-number")
    i, (start, end) = rng.choice(spots)
    lines[i] = lines[i][:start] + rng.choice(GLUED)(lines[i][start:end]) + lines[i][end:]
    return Expectation("refused", "glued-number")


KNOWN_ANSWER = (stray_lines_in_tables, duplicate_number, glued_number)


def known_mutant(text: str, rng: random.Random) -> tuple[bytes, Expectation]:
    """A mutant of one of the families of KNOWN_ANSWER, with what a correct reading gives."""
    lines = _lines(text)
    expectation = rng.choice(KNOWN_ANSWER)(lines, rng)
    return "\n".join(lines).encode("utf-8"), expectation


def _cars(race) -> list[tuple[str, str, int | None]]:
    return [(e.number, e.status, e.position) for e in race.entries]


def check_known(data: bytes, directory: Path, name: str, expectation: Expectation,
                want: list[tuple[str, str, int | None]]) -> Unexpected | None:
    """Read a known-answer mutant; an Unexpected when the answer is not the known one.

    "SilentRowDrop": a mutant that keeps every row read with other rows than the seed's; "NotRefused": a duplicate
    number or a glued number read without an error; any other exception as in check_document.
    """
    path = directory / name
    path.write_bytes(data)
    try:
        race = load_race(path)
        find_anomalies(race)
    except RaceReplayError as exc:
        text = str(exc)
        if expectation.kind == "same":
            return Unexpected("RefusedRowKeepingMutant", expectation.family, text[:200], name)
        if len(text.splitlines()) != 1 or len(text) > MAX_MESSAGE:
            return Unexpected("LongOrMultiLineMessage", _where(exc), text[:200], name)
        return None
    except Exception as exc:  # noqa: BLE001 - anything else is what the fuzzer looks for
        return Unexpected(type(exc).__name__, _where(exc), str(exc)[:200], name)
    finally:
        path.unlink(missing_ok=True)
    if expectation.kind == "refused":
        return Unexpected("NotRefused", expectation.family, f"{len(race.entries)} entries read", name)
    if _cars(race) != want:
        return Unexpected("SilentRowDrop", expectation.family, f"{len(race.entries)} entries of {len(want)}", name)
    return None


def fuzz_known(n: int, seed: int, directory: Path) -> list[Unexpected]:
    """Read ``n`` known-answer mutants of the seed documents (round robin, seeded); the wrong answers."""
    rng = random.Random(seed)
    seeds = [(p.name, p.read_text(encoding="utf-8"), _cars(load_race(p))) for p in SEED_FILES]
    found = []
    for i in range(n):
        source, text, want = seeds[i % len(seeds)]
        data, expectation = known_mutant(text, rng)
        problem = check_known(data, directory, f"known_{seed}_{i:06d}_{source}", expectation, want)
        if problem is not None:
            found.append(problem)
    return found


def _where(exc: BaseException) -> str:
    """The innermost frame of the traceback inside sim/ (else the innermost frame at all)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(SIM)] or frames
    frame = ours[-1]
    try:
        shown = Path(frame.filename).resolve().relative_to(SIM.parent)
    except ValueError:
        shown = Path(frame.filename)
    return f"{shown}:{frame.lineno} in {frame.name}"


def check_document(data: bytes, directory: Path, name: str) -> Unexpected | None:
    """Write ``data`` to ``directory/name`` and read it as `race-replay entries` and `inspect` do.

    None if it is read or refused with a RaceReplayError whose message is one line of at most
    MAX_MESSAGE characters; an Unexpected for any other exception (or a longer message).
    The file name must be new: load_race caches by path and modification time.
    """
    path = directory / name
    path.write_bytes(data)
    try:
        race = load_race(path)
        entries_frame(race)
        find_anomalies(race)
        numbers = [e.number for e in race.entries if e.started]
        if len(numbers) != len(set(numbers)):  # issue 23: one number, one car, in every kind
            return Unexpected("DuplicateNumberRead", "one-number-one-car", f"{len(numbers)} starters", name)
    except RaceReplayError as exc:
        text = str(exc)
        if len(text.splitlines()) != 1 or len(text) > MAX_MESSAGE:  # the CLI promises one clear line
            return Unexpected("LongOrMultiLineMessage", _where(exc), text[:200], name)
        return None
    except Exception as exc:  # noqa: BLE001 - anything else is what the fuzzer looks for
        return Unexpected(type(exc).__name__, _where(exc), str(exc)[:200], name)
    finally:
        path.unlink(missing_ok=True)
    return None


def fuzz(n: int, seed: int, directory: Path) -> list[Unexpected]:
    """Read ``n`` mutants of the seed documents (round robin, seeded); the unexpected exceptions."""
    rng = random.Random(seed)
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in SEED_FILES]
    found = []
    for i in range(n):
        source, text = texts[i % len(texts)]
        data = mutant(text, rng, tuple(t for name, t in texts if name != source))
        problem = check_document(data, directory, f"fuzz_{seed}_{i:06d}_{source}")
        if problem is not None:
            found.append(problem)
    return found
