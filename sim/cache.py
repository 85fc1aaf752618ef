"""A disk cache of calibrations, so repeated commands and notebook restarts do not recalibrate.

The key is a hash of everything a calibration depends on: the source document, the race's folder of facts (or the
defaults file), the seed and the package's own code, so an edited file or a new version never reads a stale entry.
Entries live in ``$RACE_REPLAY_CACHE``, else ``$XDG_CACHE_HOME/race-replay``, else ``~/.cache/race-replay``.
``RACE_REPLAY_NO_CACHE=1`` (or ``--no-cache`` on the command line) bypasses it. A cache that cannot be read or
written is never an error: the calibration is simply computed.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).parent


def folder() -> Path:
    if os.environ.get("RACE_REPLAY_CACHE"):
        return Path(os.environ["RACE_REPLAY_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "race-replay"


def enabled() -> bool:
    return os.environ.get("RACE_REPLAY_NO_CACHE", "") in ("", "0")


@functools.lru_cache(maxsize=1)
def _code_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".toml", ".csv") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def key(race, facts, seed: int) -> str:
    """The cache key of a race's calibration: its document, its facts' files, the seed and the code."""
    digest = hashlib.sha256(_code_hash().encode())
    digest.update(Path(race.source_file).read_bytes())
    facts_folder = Path(facts.folder)
    if (facts_folder / "race.toml").is_file():
        for path in sorted(facts_folder.glob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    digest.update(f"{race.id}|{race.kind}|{race.title}|{seed}".encode())  # the manifest's words the facts read
    return digest.hexdigest()


def load(cache_key: str):
    """The cached value, or None when there is none (or it cannot be read)."""
    if not enabled():
        return None
    path = folder() / f"{cache_key}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file: recompute, and overwrite it
        log.info("ignoring unreadable cache entry %s: %s", path, exc)
        return None


def store(cache_key: str, value) -> None:
    if not enabled():
        return
    target = folder()
    try:
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=target, prefix=".", suffix=".tmp", delete=False) as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(fh.name, target / f"{cache_key}.pickle")
    except OSError as exc:
        log.info("cannot write the calibration cache in %s: %s", target, exc)
