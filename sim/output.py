"""Output files that are whole or absent, and output folders that hold one run.

Every file race-replay writes goes through :func:`write_file`: the bytes go to a temporary file in
the same folder (``.<name>.<random>.tmp``), are fsynced, and the temporary file is renamed onto the
final name. A reader (or a run killed at any moment) therefore sees the old file, the new file or
no file, never half of one.

A run's output folder is written with :func:`output_folder`::

    with output_folder("out/<race id>", race="<race id>", seed=1957) as folder:
        ...                                   # compute everything first
        folder.write_text("events.csv", text)  # kept in memory until the block ends
        folder.write_bytes("positions.png", png)

Nothing touches the folder until the block ends without an exception (a Ctrl-C or an error while
computing leaves an earlier run's folder as it was). Then, under a lock on the folder
(``.race-replay.lock``; a second run waits for the first, up to ``LOCK_TIMEOUT_S``):

1. leftover temporary files of a killed run (``.*.tmp``) are removed;
2. a pending list (``.race-replay.pending.json``) records every file the earlier run and this run
   may leave, for the next run to clean up if this one is stopped;
3. ``run.json`` is rewritten with ``"complete": false`` and this run's files (size and sha256):
   from here until step 6 the folder says it is being replaced;
4. every file is written (atomically, see above);
5. files that an earlier run wrote and this run did not are removed; only names listed in the
   earlier ``run.json`` or pending list are ever removed, never a user's own files;
6. ``run.json`` is written again with ``"complete": true``: race, seed, scenario, version, command
   and every file with its size and sha256; then the pending list is removed.

So a reader (and the next run) can always tell what the folder holds: a ``run.json`` with
``"complete": true`` means the folder holds exactly that run; one with ``"complete": false`` means a
run was stopped (killed, or a full disk) while replacing the files: each file is whole, and is the
new run's exactly when its sha256 is the one listed, but the folder as a whole is no run's. A run
stopped before step 3 leaves the earlier run's folder, its ``run.json`` true. (Staging the files in
a sibling folder and swapping it in was not chosen: the folder may hold a reader's own files, which
must stay, and a swap of two folders is not one atomic step.) :func:`folder_state` reads it.

Errors are the ``OSError`` of the failing call, with ``filename`` set to the final file name (not
the temporary one), or a :class:`~sim.errors.RaceReplayError` when the lock cannot be had in time.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sim.errors import RaceReplayError
from sim.version import version

log = logging.getLogger(__name__)

MANIFEST = "run.json"
LOCK_FILE = ".race-replay.lock"
PENDING = ".race-replay.pending.json"
LOCK_TIMEOUT_S = 120.0
# a plain file name, as every output has: a manifest naming "../x" or "/etc/x" must not make us delete it
_PLAIN_NAME = re.compile(r"[^/\\\x00]+")
_RESERVED = (".", "..", MANIFEST, LOCK_FILE, PENDING)


def write_file(path: str | Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (temporary file in the same folder, fsync, rename); returns the path.

    The parent folder must exist. Raises OSError with ``filename`` the final path, and leaves no
    temporary file behind, whatever stops it (an error, a full disk, a Ctrl-C)."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _named(exc, path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _named(exc, path) from None
        raise
    return path


def _named(exc: OSError, path: Path) -> OSError:
    """The same error naming the file the user asked for (the CLI prints ``path: strerror``)."""
    if exc.errno is None:
        return exc
    return type(exc)(exc.errno, exc.strerror, str(path))


@functools.cache
def _umask() -> int:
    mask = os.umask(0)  # the only way to read it; once per process
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable (a power cut after this keeps them)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def folder_lock(folder: Path, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (flock on its ``.race-replay.lock``), waiting up to `timeout_s`.

    Raises RaceReplayError when another run holds it longer. The lock file stays: removing it
    would let a waiting run lock a file that is no longer the folder's lock."""
    path = folder / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise _named(exc, path) from None
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RaceReplayError(f"{folder}: another race-replay run is still writing into this folder "
                                          f"(waited {timeout_s:g} s)") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class OutputFolder:
    """The files of one run, kept in memory until :meth:`commit` writes them (see the module's docstring)."""

    def __init__(self, path: str | Path, **info) -> None:
        self.path = Path(path)
        self.info = dict(info)  # race, seed, scenario, command, ...: copied into run.json
        self.files: dict[str, bytes] = {}
        self.written: dict[str, Path] = {}  # after commit: every file written, run.json included

    def write_bytes(self, name: str, data: bytes) -> Path:
        """Add file `name` to the run; returns the path it will have."""
        if not _PLAIN_NAME.fullmatch(name) or name in _RESERVED:
            raise ValueError(f"name(={name!r}) must be a plain file name, not one of {', '.join(_RESERVED)}")
        self.files[name] = bytes(data)
        return self.path / name

    def write_text(self, name: str, text: str) -> Path:
        """Add text file `name` (UTF-8) to the run; returns the path it will have."""
        return self.write_bytes(name, text.encode("utf-8"))

    def commit(self, lock_timeout_s: float = LOCK_TIMEOUT_S) -> dict[str, Path]:
        """Mark run.json incomplete, write every file, remove the earlier run's leftovers, mark run.json complete;
        returns (and keeps in :attr:`written`) {name: path}, run.json included."""
        self.path.mkdir(parents=True, exist_ok=True)
        with folder_lock(self.path, lock_timeout_s):
            _remove_temporary_files(self.path)
            if folder_state(self.path) == "incomplete":
                log.info("%s holds a run that was stopped while writing: replacing it", self.path)
            earlier = _earlier_files(self.path)
            write_file(self.path / PENDING, _json_bytes({"files": sorted(earlier | set(self.files))}))
            _fsync_folder(self.path)
            write_file(self.path / MANIFEST, _json_bytes(self.manifest(complete=False)))
            _fsync_folder(self.path)
            written = {name: write_file(self.path / name, data) for name, data in sorted(self.files.items())}
            for name in sorted(earlier - set(self.files)):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path / name)
                    log.info("removed %s, written by an earlier run", self.path / name)
            _fsync_folder(self.path)
            written[MANIFEST] = write_file(self.path / MANIFEST, _json_bytes(self.manifest()))
            os.unlink(self.path / PENDING)
            _fsync_folder(self.path)
        self.written = written
        return written

    def manifest(self, complete: bool = True) -> dict:
        """run.json's content: the run's info, the package version, whether the folder holds all of the run (false
        while its files replace an earlier run's) and each file's size and sha256."""
        return {**self.info, "version": package_version(), "complete": complete, "files": {
            name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(self.files.items())}}


@contextlib.contextmanager
def output_folder(path: str | Path, **info) -> Iterator[OutputFolder]:
    """Collect a run's files in the block and commit them into folder `path` when it ends without an exception."""
    folder = OutputFolder(path, **info)
    yield folder
    folder.commit()


def _json_bytes(data: dict) -> bytes:
    """`data` as UTF-8 JSON. A path or command holding a byte that is not UTF-8 (read by Python as a lone surrogate,
    e.g. "\\udcff") is written as JSON's escape of it, which reads back as the same text."""
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return text.encode("utf-8", "backslashreplace")  # only lone surrogates cannot be encoded: inside JSON strings


def _remove_temporary_files(folder: Path) -> None:
    """Remove ``.*.tmp`` files: under the lock, no run is writing, so they are a killed run's leftovers."""
    for tmp in folder.glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            tmp.unlink()
            log.info("removed %s, left by a run that was stopped", tmp)


def folder_state(folder: str | Path) -> str:
    """What an output folder holds, from its run.json: "complete" (exactly the run it lists), "incomplete" (a run
    stopped while replacing the files), or "none" (no run.json, or one race-replay did not write)."""
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "none"
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return "none"
    return {True: "complete", False: "incomplete"}.get(data.get("complete", True), "none")  # older: written last


def _earlier_files(folder: Path) -> set[str]:
    """The names an earlier run wrote: listed in its run.json, or in the pending list of a run that was stopped."""
    names: set[str] = set()
    for listing in (MANIFEST, PENDING):
        try:
            data = json.loads((folder / listing).read_text(encoding="utf-8"))
            files = data.get("files", ())
        except (OSError, ValueError, AttributeError):  # absent, unreadable or not ours: nothing to remove
            continue
        if not isinstance(files, (list, dict)):  # a hand-edited listing: remove nothing rather than guess
            continue
        names |= {name for name in files
                  if isinstance(name, str) and _PLAIN_NAME.fullmatch(name) and name not in _RESERVED}
    return names


def package_version() -> str:
    """The package's version, as run.json and the cache record it."""
    return version()
