"""The source-document format: a title, nested sections, paragraphs, bullet notes and pipe tables.

One construct per line (lines are numbered from 1, and every parsed item keeps its line)::

    = Title =           the document's title; only as its first non-blank line
    == Section ==       a section; each extra '=' nests one level deeper (=== is a child of ==)
    ;Citations          a pseudo-heading (a wiki definition term): a child section one level down
    - a note            a bullet note
    | a | b | c |       a table row; consecutive rows form one table
    anything else       a paragraph (the sources put one paragraph on each line)

A table's first row is its header when none of its cells starts with a digit (``Pos``, ``Class``,
``No``); a first row such as ``| 1st | 17 | ... |`` makes a table without a header.
Text before the first heading forms a level-1 section titled like the document ('' if untitled).

Each grammar rule is a small pure function of one line; :func:`parse_document` folds the lines
into a tree of frozen dataclasses. Everything that is wrong raises :class:`~sim.errors.ParseError`
naming the file, line and column, and the bad text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import ParseError, excerpt

_HEADING = re.compile(r"^(=+)(.*?)(=*)\s*$")
_SEPARATOR = re.compile(r"^:?-{3,}:?$")  # a Markdown-style |---|---| line under a header
MAX_DEPTH = 100  # sections nested deeper than this are garbage (and would overflow the recursion of walk())


@dataclass(frozen=True)
class Text:
    """A paragraph or a bullet note (without its '- ')."""

    line: int
    text: str
    column: int = field(default=0, compare=False)  # 1-based column where the text starts in its line (0: unknown)


@dataclass(frozen=True)
class Row:
    """A table row: its cells, stripped, and the 1-based column where each cell's text starts."""

    line: int
    cells: tuple[str, ...]
    columns: tuple[int, ...] = ()

    def column(self, index: int) -> int:
        """Column of cell ``index`` (1 when unknown), for error messages."""
        return self.columns[index] if index < len(self.columns) else 1


@dataclass(frozen=True)
class Table:
    line: int
    header: tuple[str, ...] | None
    rows: tuple[Row, ...]  # data rows only; the header row is not repeated here
    header_line: int | None = None
    # lines between its rows that are not rows (a blank line, a stray sentence or note): the rows after them
    # are still the table's, and each such line is reported as an anomaly (text '' for a blank line)
    gaps: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Section:
    title: str
    level: int
    line: int
    paragraphs: tuple[Text, ...] = ()
    bullets: tuple[Text, ...] = ()
    tables: tuple[Table, ...] = ()
    children: tuple[Section, ...] = ()

    def walk(self) -> Iterator[Section]:
        """This section, then its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Document:
    title: str | None
    file: str
    sections: tuple[Section, ...]

    def walk(self) -> Iterator[Section]:
        """Every section, depth first, in document order."""
        for section in self.sections:
            yield from section.walk()

    def find_section(self, title: str, *, partial: bool = False) -> Section | None:
        """The first section titled ``title`` (case and spacing ignored), or None.

        With ``partial=True`` the title only has to contain ``title``
        ("Biennial Cup" finds "23rd Rudge-Whitworth Biennial Cup (1956/1957)").
        """
        wanted = _normal(title)
        for section in self.walk():
            have = _normal(section.title)
            if have == wanted or (partial and wanted in have):
                return section
        return None

    def require_section(self, title: str, *, partial: bool = False) -> Section:
        """Like :meth:`find_section`; raises ParseError naming the file and the title if absent."""
        section = self.find_section(title, partial=partial)
        if section is None:
            raise ParseError("document has no section with this title", file=self.file, key=title)
        return section

    def tables(self) -> Iterator[tuple[Section, Table]]:
        """Every table with the section that holds it."""
        for section in self.walk():
            for table in section.tables:
                yield section, table

    def table_gaps(self) -> list[Text]:
        """Every line inside a table that is not one of its rows (see :attr:`Table.gaps`), in line order."""
        return sorted((gap for _, table in self.tables() for gap in table.gaps), key=lambda t: t.line)

    def texts(self) -> list[Text]:
        """Every paragraph and bullet note, in line order."""
        found = [t for s in self.walk() for t in (*s.paragraphs, *s.bullets)]
        return sorted(found, key=lambda t: t.line)

    def search(self, pattern: str | re.Pattern[str]) -> list[tuple[Text, re.Match[str]]]:
        """Every match of ``pattern`` in the paragraphs and notes, with the text it is in."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        return [(t, m) for t in self.texts() for m in regex.finditer(t.text)]


def _normal(title: str) -> str:
    return " ".join(title.split()).casefold()


# --- reading ---------------------------------------------------------------------------------


def read_document(path: str | Path) -> Document:
    """Read and parse the document at ``path``.

    Raises ParseError if the file cannot be read, is empty, is not UTF-8 or is malformed.
    """
    path = Path(path)
    if path.is_dir():
        raise ParseError("cannot read the document: it is a directory, not a file", file=path)
    try:
        data = path.read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a path with a NUL character
        raise ParseError(f"cannot read the document: {getattr(exc, 'strerror', None) or exc}", file=path) from None
    return parse_document(data, file=str(path))


def decode(data: bytes, file: str, what: str = "document") -> str:
    """The UTF-8 text of ``data`` (a leading BOM dropped); ``what`` names the file in the message.

    Raises ParseError naming the line, the column and the byte offset of the first invalid byte.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = data[exc.start]
        raise ParseError(
            f"{what} is not UTF-8: byte 0x{bad:02x} at offset {exc.start}", file=file, line=line, column=column
        ) from None


def parse_document(data: bytes | str, file: str = "<string>") -> Document:
    """Parse a whole document given as bytes (UTF-8) or text.

    Raises ParseError for an empty document, bytes that are not UTF-8, a malformed heading or a
    malformed table (a row not closed by '|', data rows with different numbers of cells).
    """
    text = decode(data, file) if isinstance(data, bytes) else data
    if not text.strip():
        raise ParseError("document is empty", file=file, line=1)
    builder = _Builder(file)
    for number, line in enumerate(text.split("\n"), start=1):
        builder.add(number, line.rstrip("\r"))
    return builder.finish()


# --- grammar: one small pure function per kind of line ----------------------------------------


def parse_heading(text: str, line: int, file: str) -> tuple[int, str]:
    """``== Title ==`` -> (2, "Title"). Raises ParseError if unclosed, unbalanced or untitled."""
    match = _HEADING.match(text)
    assert match is not None  # the caller only passes lines starting with '='
    opening, title, closing = match.group(1), match.group(2).strip(), match.group(3)
    if not closing:
        raise ParseError("heading is not closed with '='", file=file, line=line, column=len(text) + 1,
                         value=excerpt(text))
    if len(opening) != len(closing):
        column = text.rfind(closing) + 1
        raise ParseError(
            f"heading opens with {len(opening)} '=' but closes with {len(closing)}",
            file=file, line=line, column=column, value=excerpt(text),
        )
    if not title:
        raise ParseError("heading has no title", file=file, line=line, column=len(opening) + 1, value=excerpt(text))
    return len(opening), title


def parse_row(text: str, line: int, file: str) -> Row:
    """``| a | b |`` -> Row(cells=("a", "b")). Raises ParseError if the row is not closed by '|'."""
    body = text.rstrip()
    start = len(text) - len(text.lstrip())
    if not body.endswith("|") or len(body) - start < 2:
        raise ParseError("table row does not end with '|'", file=file, line=line, column=len(body) + 1,
                         value=excerpt(text.strip()))
    cells, columns = [], []
    bars = [i for i, char in enumerate(body) if char == "|" and i >= start]
    for left, right in zip(bars, bars[1:]):
        raw = body[left + 1 : right]
        cell = raw.strip()
        cells.append(cell)
        # 1-based column of the cell's first character (of the space after '|' if it is empty)
        columns.append(left + 2 + (len(raw) - len(raw.lstrip()) if cell else 0))
    return Row(line=line, cells=tuple(cells), columns=tuple(columns))


def is_header(row: Row) -> bool:
    """A header row has text in some cell and no cell that starts with a digit (0-9 only: '²' is no digit)."""
    return any(row.cells) and not any("0" <= cell[:1] <= "9" for cell in row.cells if cell)


def build_table(rows: list[Row], file: str, gaps: tuple[Text, ...] = ()) -> Table:
    """Split off the header (if any) and check that every data row has the same number of cells.

    A header may have fewer or more cells than its data rows: source parsers explain or reject
    that. Raises ParseError for a data row whose number of cells differs from the first one's.
    """
    header: tuple[str, ...] | None = None
    header_line = None
    data = rows
    if len(rows) > 1 and is_header(rows[0]):
        header, header_line, data = rows[0].cells, rows[0].line, rows[1:]
        if data and all(_SEPARATOR.match(cell) for cell in data[0].cells):
            data = data[1:]
    # the rows' width is the one most rows have (the first row's on a tie): a short row put first is named itself
    widths = Counter(len(row.cells) for row in data)
    width = max(widths, key=lambda w: (widths[w], w == len(data[0].cells))) if data else 0
    like = next((row for row in data if len(row.cells) == width), None)
    for row in data:
        if len(row.cells) != width:
            shown = " ".join(f"| {c}" for c in row.cells) + " |"
            raise ParseError(
                f"table row has {len(row.cells)} cells but the row at line {like.line} has {width}",
                file=file, line=row.line,
                # point at the first extra cell, or at the last cell when some are missing
                column=row.column(min(len(row.cells) - 1, width)),
                value=shown if len(shown) <= 80 else shown[:77] + "...",
            )
    return Table(line=rows[0].line, header=header, rows=tuple(data), header_line=header_line, gaps=gaps)


# --- folding lines into a tree ------------------------------------------------------------------


@dataclass
class _Draft:
    title: str
    level: int
    line: int
    paragraphs: list[Text] = field(default_factory=list)
    bullets: list[Text] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    children: list[_Draft] = field(default_factory=list)

    def freeze(self) -> Section:
        return Section(
            self.title, self.level, self.line, tuple(self.paragraphs), tuple(self.bullets),
            tuple(self.tables), tuple(child.freeze() for child in self.children),
        )

    def empty(self) -> bool:
        return not (self.paragraphs or self.bullets or self.tables or self.children)


class _Builder:
    """Folds numbered lines into sections; holds state only while one document is parsed."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.title: str | None = None
        self.seen_content = False
        self.lead: _Draft | None = None
        self.top: list[_Draft] = []
        self.stack: list[_Draft] = []  # open sections, outermost first
        self.rows: list[Row] = []
        self.gaps: list[Text] = []  # lines inside the open table that are not rows
        self.pending: list[tuple[int, str]] = []  # blank lines, sentences and notes after the open table's rows

    def current(self, line: int) -> _Draft:
        if not self.stack:
            self.lead = _Draft(self.title or "", 1, line)
            self.top.append(self.lead)
            self.stack.append(self.lead)
        return self.stack[-1]

    def close_table(self) -> None:
        """End the open table; the lines held after its rows are read as what they are."""
        if self.rows:
            table = build_table(self.rows, self.file, tuple(self.gaps))
            self.current(self.rows[0].line).tables.append(table)
            self.rows, self.gaps = [], []
        pending, self.pending = self.pending, []
        for line, text in pending:
            self.add_text(line, text)

    def add_row(self, line: int, text: str) -> None:
        """A row continues the open table, also after blank or stray lines, unless it is a header (a new table).

        A table never stops at a blank line or a stray sentence: the rows after it would be lost in silence. Only a
        header of two or more cells after such a line starts a new table.
        """
        row = parse_row(text, line, self.file)
        if self.pending and not (is_header(row) and sum(bool(cell) for cell in row.cells) > 1):
            self.gaps += [Text(number, held.strip()) for number, held in self.pending]
            self.pending = []
        elif self.pending:
            self.close_table()
        self.rows.append(row)
        self.seen_content = True

    def open_section(self, title: str, level: int, line: int) -> None:
        # the lead (text before the first heading) is never a parent: headings start the tree
        while self.stack and (self.stack[-1].level >= level or self.stack[-1] is self.lead):
            self.stack.pop()
        if len(self.stack) >= MAX_DEPTH:
            raise ParseError(f"sections are nested more than {MAX_DEPTH} deep", file=self.file, line=line, column=1,
                             value=excerpt(title))
        draft = _Draft(title, level, line)
        (self.stack[-1].children if self.stack else self.top).append(draft)
        self.stack.append(draft)

    def add(self, line: int, text: str) -> None:
        stripped = text.strip()
        if stripped.startswith("|"):
            self.add_row(line, text)
            return
        if self.rows and not (stripped.startswith("=") or (stripped.startswith(";") and len(stripped) > 1)):
            self.pending.append((line, text))  # inside the table if a row follows, else a paragraph after it
            return
        self.close_table()
        self.add_text(line, text)

    def add_text(self, line: int, text: str) -> None:
        """A line that is not a row, outside any table."""
        stripped = text.strip()
        if not stripped:
            return
        if stripped.startswith("="):
            level, title = parse_heading(stripped, line, self.file)
            if level == 1:
                if self.seen_content:
                    raise ParseError("a '= title =' line must be the document's first line", file=self.file, line=line,
                                     column=1, value=excerpt(stripped))
                self.title = title
            else:
                self.open_section(title, level, line)
        elif stripped.startswith(";") and len(stripped) > 1:
            parent = self.current(line)
            self.open_section(stripped[1:].strip(), parent.level + 1, line)
        elif stripped.startswith("- ") or stripped == "-":
            note = stripped[1:].strip()
            self.current(line).bullets.append(Text(line, note, text.find(note) + 1 if note else 0))
        else:
            self.current(line).paragraphs.append(Text(line, stripped, text.find(stripped) + 1))
        self.seen_content = True

    def finish(self) -> Document:
        self.close_table()
        sections = tuple(d.freeze() for d in self.top if d is not self.lead or not d.empty())
        return Document(self.title, self.file, sections)
