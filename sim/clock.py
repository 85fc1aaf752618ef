"""Race time: seconds from the start, and the clock times the sources speak in."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

HOUR = 3600.0
# ASCII digits only: `\d` also matches other scripts' digits ("١٢:٠٠"), which are not clock times here
_CLOCK = re.compile(r"^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$")


def parse_clock(text: str, race_start: datetime) -> float:
    """Seconds from the race start for a clock time "HH:MM[:SS]" within 24 hours after it.

    A time earlier than the start's time of day is on the next day. Raises ValueError on bad text.
    """
    match = _CLOCK.match(str(text).strip())
    if not match:
        raise ValueError(f"not a clock time HH:MM: {text!r}")
    h, m, s = int(match[1]), int(match[2]), int(match[3] or 0)
    if h > 23 or m > 59 or s > 59:
        raise ValueError(f"not a clock time HH:MM: {text!r}")
    start_s = race_start.hour * HOUR + race_start.minute * 60 + race_start.second
    return (h * HOUR + m * 60 + s - start_s) % (24 * HOUR)


def parse_window(pair, race_start: datetime) -> tuple[float, float]:
    """A [from, to] pair of clock times; a `to` at or before `from` is 24 hours later."""
    lo, hi = (parse_clock(p, race_start) for p in pair)
    if hi <= lo:
        hi += 24 * HOUR
    return lo, hi


def clock_label(seconds: float, race_start: datetime, with_seconds: bool = False) -> str:
    """'21:00' for 5 hours after a 16:00 start."""
    t = race_start + timedelta(seconds=float(seconds))
    return t.strftime("%H:%M:%S" if with_seconds else "%H:%M")
