"""The package's version, read from its installed metadata (a source tree never installed says so).

The version is read from the ``METADATA`` file of the installed distribution (the first ``race_replay-*.dist-info``
on ``sys.path``, where :func:`importlib.metadata.version` would find it) and only when asked for: importing
importlib.metadata, and the email package with it, costs a quarter of a second, which ``race-replay --version`` and
every other command would pay.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

DISTRIBUTION = "race_replay"  # the distribution's name as its .dist-info folder spells it (PEP 503 normalized)
UNKNOWN = "0+unknown"  # a source tree that was never installed


@functools.cache
def version() -> str:
    """The installed distribution's version (``0+unknown`` when there is none)."""
    for entry in sys.path:
        try:
            infos = sorted(Path(entry or ".").glob(f"{DISTRIBUTION}-*.dist-info"))
        except OSError:  # an unreadable entry of sys.path
            continue
        for info in infos:
            found = _metadata_version(info / "METADATA")
            if found:
                return found
    return UNKNOWN


def _metadata_version(path: Path) -> str | None:
    """The ``Version:`` header of a METADATA file (headers end at the first blank line), or None."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        if not line.strip():
            break
        name, _, value = line.partition(":")
        if name.strip().lower() == "version" and value.strip():
            return value.strip()
    return None

