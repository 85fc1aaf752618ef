"""The project's errors.

Policy: a user mistake (a bad document, a bad race-data or scenario file, an impossible constraint)
raises a subclass of :class:`RaceReplayError` that names where (file, line, column or key), what
(the bad value) and, where it applies, which car. Degraded but usable source data is not an error:
it is recorded as an anomaly (see ``race-replay inspect``) and logged as a warning.
The CLI prints these errors as one line on stderr and exits with status 2.
"""

from __future__ import annotations

from pathlib import Path


class RaceReplayError(ValueError):
    """Base of every error a user can cause; the message says where and what."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | str | None = None,
        key: str | None = None,
        value: object = None,
        car: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.key = key
        self.value = value
        self.car = car
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            loc = Path(self.file).name if self.file else ""
            if self.line is not None:
                loc += f":{self.line}"
                if isinstance(self.column, int):
                    loc += f":{self.column}"
            where.append(loc)
        text = self.message
        details = []
        if self.column is not None and not isinstance(self.column, int):
            details.append(f"field {self.column!r}")
        if self.key:
            details.append(f"key {self.key!r}")
        if self.car is not None:
            details.append(f"car {self.car}")
        if self.value is not None:
            details.append(f"value {self.value!r}")
        if details:
            text += " (" + ", ".join(details) + ")"
        return f"{where[0]}: {text}" if where else text


class ParseError(RaceReplayError):
    """A source document cannot be read: empty, not UTF-8, a malformed table or field."""


class RaceDataError(RaceReplayError):
    """A race-facts file (events, checkpoints, regulations) is wrong or names something unknown."""


class ScenarioError(RaceDataError):
    """A what-if scenario file is wrong: unknown car, event or rule, or a value of the wrong type."""


class CalibrationError(RaceDataError):
    """The race facts cannot all hold: no pace satisfies a car's constraints."""


def excerpt(text: str, limit: int = 80) -> str:
    """``text`` short enough for a one-line message: a 5,000-digit cell shows its start and its length."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 30]}... ({len(text):,} characters)"
