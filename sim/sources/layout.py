"""Which cell of a table row holds which field, read from the table's header row."""

from __future__ import annotations

from collections.abc import Mapping

from sim.document import Section, Table
from sim.errors import ParseError, excerpt


def label(text: str) -> str:
    """A header cell as a lookup key: "Pos." -> "pos", " Reason Out " -> "reason out"."""
    return " ".join(text.replace(".", " ").split()).casefold()


def column_map(
    table: Table, fields: Mapping[str, tuple[str, ...]], required: tuple[str, ...], file: str
) -> dict[str, int]:
    """{field: cell index} for every field whose label (or alias) is in the table's header.

    ``fields`` maps a field name to the header labels it may have ({"number": ("no", "number")}).
    Raises ParseError if the table has no header, a required field is missing, or the header has
    a different number of cells from the data rows.
    """
    if table.header is None:
        raise ParseError("table has no header row", file=file, line=table.line, column=1)
    labels = [label(cell) for cell in table.header]
    found = {}
    for name, aliases in fields.items():
        for index, text in enumerate(labels):
            if text in aliases:
                found[name] = index
                break
    for name in required:
        if name not in found:
            expected = " or ".join(repr(a) for a in fields[name])
            raise ParseError(
                f"table header has no {expected} column", file=file, line=table.header_line, column=1,
                value=excerpt(" | ".join(table.header)),
            )
    if table.rows and len(table.header) != len(table.rows[0].cells):
        raise ParseError(
            f"table header has {len(table.header)} cells but its rows have {len(table.rows[0].cells)}",
            file=file, line=table.header_line, column=1, value=excerpt(" | ".join(table.header)),
        )
    return found


def first_table(section: Section, file: str, having: str | None = None) -> Table:
    """The section's first table (whose header has the label ``having``, if given).

    Raises ParseError naming the section's line if there is none.
    """
    for table in section.tables:
        if having is None or (table.header and having in {label(c) for c in table.header}):
            return table
    what = f"table with a {having!r} column" if having else "table"
    raise ParseError(f"section has no {what}", file=file, line=section.line, key=excerpt(section.title))
