"""Reading one TOML file, with every way the read can fail turned into the project's error naming the file.

Race-data and scenario files are written by hand; a typo, a file saved in another encoding or a folder given in
place of a file must give one clear line, never a traceback. :func:`read_toml` is the one place that knows how
reading fails.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

from sim.errors import RaceReplayError


def read_toml(path: str | Path, error: type[RaceReplayError], missing: str = "file not found") -> dict:
    """The TOML document at `path` as a dict.

    Raises `error` (a :class:`RaceReplayError` subclass) naming the file when it is missing (`missing` is the
    message), is a folder, cannot be read, is not UTF-8 (with the line of the first bad byte) or is not valid TOML
    (with tomllib's line and column).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error(missing, file=path) from None
    except IsADirectoryError:
        raise error("is a folder, not a TOML file", file=path) from None
    except PermissionError:
        raise error("cannot be read: permission denied", file=path) from None
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror or exc}", file=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(f"is not UTF-8 text (byte 0x{data[exc.start]:02x})", file=path, line=line) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # the message already ends with tomllib's "(at line L, column C)"
        raise error(f"not valid TOML: {exc}", file=path) from None
    except ValueError as exc:  # tomllib lets int() fail on a number of more than 4,300 digits
        raise error(f"not valid TOML: {exc}", file=path) from None
    except RecursionError:  # thousands of nested arrays
        raise error("not valid TOML: nested too deeply", file=path) from None


def _types(types) -> tuple:
    return types if isinstance(types, tuple) else (types,)


def _type_name(types) -> str:
    return " or ".join(t.__name__ for t in _types(types))


def _range_text(low, high, low_open, high_open) -> str:
    lo = None if low is None else f"{'>' if low_open else '>='} {low:g}"
    hi = None if high is None else f"{'<' if high_open else '<='} {high:g}"
    if lo and hi and not low_open and not high_open:
        return f"must be from {low:g} to {high:g}"
    return ("must be " + " and ".join(t for t in (lo, hi) if t)).strip()


def in_range(value: float, low=None, high=None, low_open=False, high_open=False) -> bool:
    """`value` lies within the bounds (None: unbounded; open: the bound itself is excluded)."""
    if low is not None and (value < low or (low_open and value == low)):
        return False
    return not (high is not None and (value > high or (high_open and value == high)))


class Table:
    """Typed access to one TOML table: every error names the file, the dotted key, the bad value and the car.

    A missing key with no default is "is required"; a value of the wrong type, a NaN or an infinity, or a number out
    of its range raises `error` before anything is built from it. `bool` is never taken for a number.
    """

    def __init__(self, path, table, prefix: str, error: type[RaceReplayError], car: str | None = None):
        self.path, self.prefix, self.error_class, self.car = path, prefix, error, car
        if not isinstance(table, dict):
            raise error("must be a table", file=path, key=prefix or None, value=table, car=car)
        self.table = table

    def key(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def error(self, key: str, message: str, value=None) -> RaceReplayError:
        return self.error_class(message, file=self.path, key=self.key(key), value=value, car=self.car)

    def __contains__(self, key: str) -> bool:
        return key in self.table

    def get(self, key, types, default=..., check=None, message=None):
        """The value at `key`, of one of `types` (and passing `check`), or `default` when the key is absent."""
        if key not in self.table:
            if default is ...:
                raise self.error(key, "is required")
            return default
        value = self.table[key]
        if (isinstance(value, bool) and bool not in _types(types)) or not isinstance(value, types):
            raise self.error(key, message or f"must be {_type_name(types)}", value)
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(key, "must be a finite number", value)
        if check is not None and not check(value):
            raise self.error(key, message or "has a value out of range", value)
        return value

    def number(self, key, default=..., low=None, high=None, low_open=False, high_open=False, message=None):
        """A finite int or float within the bounds, as a float (or `default` when absent)."""
        if key not in self.table:
            return self.get(key, (int, float), default)
        text = message or _range_text(low, high, low_open, high_open)
        value = self.get(key, (int, float), message=message or "is not a number")
        if not in_range(value, low, high, low_open, high_open):
            raise self.error(key, text, value)
        return float(value)

    def integer(self, key, default=..., low=None, high=None, message=None):
        """A whole number (a TOML integer, not 31.5 nor "31") within the bounds."""
        if key not in self.table:
            return self.get(key, int, default)
        text = message or ("must be a whole number " + _range_text(low, high, False, False)[len("must be "):]).strip()
        value = self.get(key, int, message=text)
        if not in_range(value, low, high):
            raise self.error(key, text, value)
        return value

    def string(self, key, default=..., choices=None):
        if key not in self.table:
            return self.get(key, str, default)
        value = self.get(key, str, message="must be a string")
        if choices is not None and value not in choices:
            raise self.error(key, f"is not one of {', '.join(choices)}", value)
        return value

    def strings(self, key, default=...):
        """A list of strings, as a tuple."""
        if key not in self.table:
            return self.get(key, list, default)
        value = self.get(key, list, message="must be a list of strings")
        if not all(isinstance(v, str) for v in value):
            raise self.error(key, "must be a list of strings", value)
        return tuple(value)

    def sub(self, key, required: bool = False) -> "Table":
        """The sub-table at `key` (empty when absent, unless `required`)."""
        if key not in self.table and required:
            raise self.error(key, "is required")
        return Table(self.path, self.table.get(key, {}), self.key(key), self.error_class, self.car)

    def only(self, allowed, message: str | None = None) -> None:
        """Every key of the table is one of `allowed`: a typo is an error naming it, with `message` (default: the
        keys known). A table (or array of tables) is named without its value: its whole content would be."""
        for key, value in self.table.items():
            if key not in allowed:
                where = f" of [{self.prefix}]" if self.prefix else ""
                whole = isinstance(value, dict) or (isinstance(value, list) and value and isinstance(value[0], dict))
                what = "section" if whole else "key"
                text = message or f"is not a known {what}{where} (known: {', '.join(sorted(allowed))})"
                raise self.error(key, text, None if whole else value)

    def tables(self, key) -> list[dict]:
        """An array of tables ([[key]]); each item is a table."""
        items = self.table.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise self.error(key, f"must be an array of tables [[{key}]]", None)
        return items
