"""A disk cache of calibrations, so repeated commands and notebook restarts do not recalibrate.

The key is a hash of everything a calibration depends on: the source document, the race's folder of facts (or the
defaults file), the seed and the package's own code, so an edited file or a new version never reads a stale entry.
Entries live in ``$RACE_REPLAY_CACHE``, else ``$XDG_CACHE_HOME/race-replay``, else ``~/.cache/race-replay``.
``RACE_REPLAY_NO_CACHE=1`` (or ``--no-cache`` on the command line) bypasses it. A cache that cannot be read or
written is never an error: the calibration is simply computed.

A cache is data and is read as data: nothing in an entry can run code. An entry is one JSON file, ``<key>.json``:

* the format's name and the key are recorded inside it, and an entry whose key is not the one asked for is ignored;
* values are tagged: ``None``, booleans, integers, strings, finite floats, ``{"$tuple": [...]}``, ``{"$list": [...]}``,
  ``{"$dict": [[key, value], ...]}``, numpy arrays ``{"$array": {"dtype", "shape", "data"}}`` (the raw bytes in
  base64, of a numeric dtype only, every value finite), numpy scalars ``{"$scalar": {"dtype", "value"}}``, frozen
  dataclasses ``{"$dataclass": "module.Name", "fields": {...}}``, and ``{"$ref": name}`` for an object the caller
  already holds (a race's facts: the key covers their files, so the entry need not repeat them);
* a dataclass is built only if its name is in the allow-list the caller hands over (:func:`allowed_types`: the
  dataclasses a kind's ``prepare`` declares it returns, and those their fields declare), never from an import path
  read in the file, and only with exactly its own fields.

An entry that is unreadable, of another format or key, malformed, not a regular file, or not owned by the current
user is ignored (logged at INFO) and the calibration recomputed and stored again. The folder is created private
(0700). No pickle is read or written.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import json
import logging
import math
import os
import stat
import tempfile
import typing
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).parent
FORMAT = "race-replay calibration cache 2"
_SUFFIX = ".json"
_DTYPES = frozenset({"<f8", "<f4", "<i8", "<i4", "<u8", "<u4", "|b1", "|i1", "|u1"})  # numbers only, never objects
_MAX_BYTES = 512 * 2**20


class ForeignEntry(ValueError):
    """An entry that is not one this code wrote for this key: it is ignored and the calibration recomputed."""


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


def entry_path(cache_key: str) -> Path:
    """The file a run reads and writes for this key."""
    return folder() / f"{cache_key}{_SUFFIX}"


# --- the allow-list ------------------------------------------------------------------------------------------------

def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def allowed_types(*roots) -> dict[str, type]:
    """The dataclasses an entry may build: those the `roots` (types, or functions whose return annotation is read)
    declare, and, recursively, those their fields declare. Read from the code, never from a cache file."""
    found: dict[str, type] = {}
    pending = [typing.get_type_hints(r)["return"] if callable(r) and not isinstance(r, type) else r for r in roots]
    while pending:
        hint = pending.pop()
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            if _name(hint) in found:
                continue
            found[_name(hint)] = hint
            try:
                pending.extend(typing.get_type_hints(hint).values())
            except (NameError, TypeError):  # an annotation this module cannot resolve: its fields are not walked
                log.debug("cannot read the field types of %s", _name(hint))
        pending.extend(typing.get_args(hint))
    return found


# --- encoding ------------------------------------------------------------------------------------------------------

def _encode(value, allowed: dict[str, type], known: dict):
    for name, obj in known.items():
        if value is obj:
            return {"$ref": name}
    if value is None or isinstance(value, (bool, str)) or type(value) is int:
        return value
    if type(value) is float:
        if not math.isfinite(value):
            raise ForeignEntry(f"a value that is not finite: {value}")
        return value
    if isinstance(value, np.ndarray):
        return {"$array": _encode_array(value)}
    if isinstance(value, np.generic):
        return {"$scalar": {"dtype": value.dtype.str, "value": _encode(value.item(), allowed, known)}}
    if isinstance(value, (tuple, list)):
        return {"$tuple" if isinstance(value, tuple) else "$list": [_encode(v, allowed, known) for v in value]}
    if isinstance(value, dict):
        return {"$dict": [[_encode(k, allowed, known), _encode(v, allowed, known)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and allowed.get(_name(type(value))) is type(value):
        return {"$dataclass": _name(type(value)),
                "fields": {f.name: _encode(getattr(value, f.name), allowed, known)
                           for f in dataclasses.fields(value) if f.init}}
    raise ForeignEntry(f"cannot store a {_name(type(value))}: not in the allow-list")


def _encode_array(array: np.ndarray) -> dict:
    if array.dtype.str not in _DTYPES:
        raise ForeignEntry(f"cannot store an array of {array.dtype}")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ForeignEntry("an array with a value that is not finite")
    data = base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")
    return {"dtype": array.dtype.str, "shape": list(array.shape), "data": data}


# --- decoding ------------------------------------------------------------------------------------------------------

def _decode(node, allowed: dict[str, type], known: dict):
    if node is None or isinstance(node, (bool, str, int)):
        return node
    if isinstance(node, float):
        if not math.isfinite(node):
            raise ForeignEntry(f"a value that is not finite: {node}")
        return node
    if not isinstance(node, dict) or len(node) not in (1, 2):
        raise ForeignEntry(f"an untagged {type(node).__name__}")
    tag = next(iter(node))
    decoder = _DECODERS.get(tag)
    if decoder is None:
        raise ForeignEntry(f"an unknown tag {tag!r}")
    return decoder(node, allowed, known)


def _items(node, tag: str) -> list:
    if len(node) != 1 or not isinstance(node[tag], list):
        raise ForeignEntry(f"a malformed {tag}")
    return node[tag]


def _decode_tuple(node, allowed, known):
    return tuple(_decode(v, allowed, known) for v in _items(node, "$tuple"))


def _decode_list(node, allowed, known):
    return [_decode(v, allowed, known) for v in _items(node, "$list")]


def _decode_dict(node, allowed, known):
    pairs = _items(node, "$dict")
    if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise ForeignEntry("a malformed $dict")
    return {_decode(k, allowed, known): _decode(v, allowed, known) for k, v in pairs}


def _decode_ref(node, allowed, known):
    if len(node) != 1 or not isinstance(node["$ref"], str) or node["$ref"] not in known:
        raise ForeignEntry(f"a reference to nothing known: {node['$ref']!r}")
    return known[node["$ref"]]


def _decode_array(node, allowed, known) -> np.ndarray:
    spec = node["$array"]
    if len(node) != 1 or not isinstance(spec, dict) or set(spec) != {"dtype", "shape", "data"}:
        raise ForeignEntry("a malformed $array")
    dtype, shape, data = spec["dtype"], spec["shape"], spec["data"]
    if dtype not in _DTYPES:
        raise ForeignEntry(f"an array of dtype {dtype!r}")
    if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape) or not isinstance(data, str):
        raise ForeignEntry(f"an array of shape {shape!r}")
    raw = base64.b64decode(data.encode("ascii"), validate=True)
    if len(raw) != math.prod(shape) * np.dtype(dtype).itemsize:
        raise ForeignEntry(f"an array of shape {shape} holding {len(raw)} bytes of {dtype}")
    array = np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape).copy()
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ForeignEntry("an array with a value that is not finite")
    return array


def _decode_scalar(node, allowed, known):
    spec = node["$scalar"]
    if len(node) != 1 or not isinstance(spec, dict) or set(spec) != {"dtype", "value"} or spec["dtype"] not in _DTYPES:
        raise ForeignEntry("a malformed $scalar")
    value = _decode(spec["value"], allowed, known)
    if not isinstance(value, (bool, int, float)):
        raise ForeignEntry(f"a numpy scalar of {type(value).__name__}")
    return np.dtype(spec["dtype"]).type(value)


def _decode_dataclass(node, allowed, known):
    name, values = node["$dataclass"], node.get("fields")
    cls = allowed.get(name) if isinstance(name, str) else None
    if cls is None or set(node) != {"$dataclass", "fields"} or not isinstance(values, dict):
        raise ForeignEntry(f"a type not in the allow-list: {name!r}")
    expected = {f.name for f in dataclasses.fields(cls) if f.init}
    if set(values) != expected:
        raise ForeignEntry(f"{name} with the fields {sorted(values)}, not {sorted(expected)}")
    return cls(**{k: _decode(v, allowed, known) for k, v in values.items()})


_DECODERS = {"$tuple": _decode_tuple, "$list": _decode_list, "$dict": _decode_dict, "$ref": _decode_ref,
             "$array": _decode_array, "$scalar": _decode_scalar, "$dataclass": _decode_dataclass}


# --- the files -----------------------------------------------------------------------------------------------------

def _read_own(path: Path) -> bytes:
    """The bytes of a regular file the current user owns (a link is not followed), else ForeignEntry."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ForeignEntry("not a regular file")
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            raise ForeignEntry(f"owned by user {info.st_uid}, not by this user ({os.geteuid()})")
        if info.st_size > _MAX_BYTES:
            raise ForeignEntry(f"{info.st_size} bytes, more than any calibration")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    finally:
        os.close(fd)


def _no_constant(text: str):
    raise ForeignEntry(f"a value that is not finite: {text}")


def load(cache_key: str, allowed: dict[str, type] | None = None, known: dict | None = None):
    """The cached value, or None when there is none (or it cannot be trusted: see the module's docstring).

    `allowed` names the dataclasses the entry may build (:func:`allowed_types`); `known` the objects it may refer
    to by name."""
    if not enabled():
        return None
    path = entry_path(cache_key)
    try:
        document = json.loads(_read_own(path), parse_constant=_no_constant)
        if not isinstance(document, dict) or set(document) != {"format", "key", "value"}:
            raise ForeignEntry("not a calibration cache entry")
        if document["format"] != FORMAT or document["key"] != cache_key:
            raise ForeignEntry(f"an entry of format {document['format']!r} for key {document['key']!r}")
        return _decode(document["value"], allowed or {}, known or {})
    except FileNotFoundError:
        return None
    except Exception as exc:  # unreadable, foreign or malformed: recompute, and overwrite it
        log.info("ignoring the calibration cache entry %s: %s", path, exc)
        return None


def store(cache_key: str, value, allowed: dict[str, type] | None = None, known: dict | None = None) -> None:
    """Write `value` under `cache_key` (atomically), if it is made only of what :func:`load` can read back."""
    if not enabled():
        return
    target = folder()
    try:
        document = {"format": FORMAT, "key": cache_key, "value": _encode(value, allowed or {}, known or {})}
        text = json.dumps(document, allow_nan=False, separators=(",", ":"))
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write(target, entry_path(cache_key), text)
    except (OSError, ForeignEntry, RecursionError) as exc:
        log.info("cannot write the calibration cache in %s: %s", target, exc)


def _write(target: Path, path: Path, text: str) -> None:
    """Write a temporary file beside `path` and rename it over `path`; a failed write leaves no temporary file."""
    fd, name = tempfile.mkstemp(dir=target, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise

