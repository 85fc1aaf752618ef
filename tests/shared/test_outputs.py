"""Outputs are whole or absent: atomic files, a locked folder that holds one run, run.json, killed and concurrent
runs."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import sim.output
from sim.cli import main
from sim.errors import RaceReplayError
from sim.output import LOCK_FILE, MANIFEST, PENDING, folder_lock, folder_state, output_folder, write_file

PLOTS = {f"{kind}.{suffix}" for kind in ("positions", "history", "class", "index") for suffix in ("png", "svg")}
# replay.html: also with --no-plots
TEXTS = {"standings.csv", "events.csv", "checkpoints.md", "checkpoints.json", "replay.html"}


def assert_whole(path: Path) -> None:
    """`path` is a complete file of its kind: a PNG that decodes, well-formed SVG, parseable JSON, rectangular CSV."""
    data = path.read_bytes()
    if path.suffix == ".png":
        from PIL import Image

        with Image.open(path) as image:
            image.load()  # decodes every row: a truncated PNG raises here
    elif path.suffix == ".svg":
        ET.fromstring(data)
    elif path.suffix == ".json":
        json.loads(data)
    elif path.suffix == ".csv":
        rows = list(csv.reader(data.decode("utf-8").splitlines()))
        assert data.endswith(b"\n") and rows and {len(r) for r in rows} == {len(rows[0])}, path
    else:
        assert data.decode("utf-8").endswith("\n"), path


def assert_folder_is_one_run(folder: Path, require_manifest: bool = True, users: set[str] = frozenset(),
                             allow_incomplete: bool = False) -> dict | None:
    """Every output file is whole; with a run.json that says complete, the folder holds exactly the files it lists
    (sizes, sha256); one that says incomplete is allowed only if `allow_incomplete`.

    Hidden files (the lock, a killed run's pending list and temporary files) and `users` (a reader's own files)
    aside."""
    outputs = {p.name for p in folder.iterdir() if not p.name.startswith(".")} - set(users)
    for name in outputs:
        assert_whole(folder / name)
    if not (folder / "run.json").exists():
        assert not require_manifest, f"no run.json in {folder}"
        return None
    manifest = json.loads((folder / "run.json").read_text())
    assert manifest["complete"] in (True, False) and folder_state(folder) == (
        "complete" if manifest["complete"] else "incomplete")
    if not manifest["complete"]:
        assert allow_incomplete, f"{folder}: run.json says the run is incomplete"
        return manifest
    assert outputs - {"run.json"} == set(manifest["files"])
    for name, listed in manifest["files"].items():
        data = (folder / name).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (listed["bytes"], listed["sha256"]), name
    return manifest


# `python -m sim`, but every rename of an output file waits a little first: a commit takes about 15 ms,
# too short to aim a kill at; slowed, a kill can be placed between any two renames
_SLOW_WRITES = """
import os, sys, time
delay, rename = float(sys.argv[1]), os.replace
def slow_rename(src, dst):
    time.sleep(delay)
    rename(src, dst)
os.replace = slow_rename
from sim.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _run(out: Path, *args: str, slow_writes_s: float = 0.0) -> subprocess.Popen:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    start = ["-c", _SLOW_WRITES, str(slow_writes_s)] if slow_writes_s else ["-m", "sim"]
    return subprocess.Popen([sys.executable, *start, "run", "le-mans-1957", "--out", str(out), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def _identity(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def _kill_when_written(out: Path, name: str, delay_s: float, *args: str, slow_writes_s: float = 0.0) -> None:
    """Start a run into `out`, and kill it `delay_s` after it renamed a new file `name` into place."""
    earlier = _identity(out / name)  # e.g. a killed run's pending list, which stays until the next commit
    process = _run(out, *args, slow_writes_s=slow_writes_s)
    while _identity(out / name) in (None, earlier) and process.poll() is None:
        time.sleep(0.0002)
    time.sleep(delay_s)
    process.send_signal(signal.SIGKILL)
    process.wait()


# -- the module ---------------------------------------------------------------------------------

def test_write_file_replaces_whole_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a.csv"
    target.write_text("old\n")
    assert write_file(target, b"new\n") == target
    assert target.read_bytes() == b"new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_write_file_error_names_the_final_file(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        write_file(tmp_path / "missing" / "x.png", b"x")
    assert info.value.filename == str(tmp_path / "missing" / "x.png")


def test_nothing_is_written_when_the_run_fails(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), output_folder(out, race="r") as folder:
        folder.write_text("a.csv", "x\n")
        raise RuntimeError("the replay failed")
    assert not out.exists()


def test_a_run_replaces_the_earlier_run_and_keeps_the_users_files(tmp_path):
    with output_folder(tmp_path, race="r", seed=1) as folder:
        folder.write_text("a.csv", "1\n")
        folder.write_text("b.png", "1\n")
    (tmp_path / "notes.txt").write_text("mine\n")
    (tmp_path / ".b.png.x1y2.tmp").write_text("half")  # left by a killed run
    with output_folder(tmp_path, race="r", seed=2) as folder:
        folder.write_text("a.csv", "2\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_FILE, "a.csv", "notes.txt", "run.json"]
    manifest = json.loads((tmp_path / "run.json").read_text())
    assert (manifest["race"], manifest["seed"], list(manifest["files"])) == ("r", 2, ["a.csv"])
    assert manifest["version"]


def test_a_manifest_cannot_make_a_run_delete_outside_its_folder(tmp_path):
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    victim.write_text("keep\n")
    out.mkdir()
    (out / "run.json").write_text(json.dumps({"files": {"../victim.txt": {}, str(victim): {}, "run.json": {}}}))
    with output_folder(out) as folder:
        folder.write_text("a.csv", "1\n")
    assert victim.read_text() == "keep\n"
    assert_folder_is_one_run(out)


def test_a_run_waits_for_the_lock_then_stops_with_one_line(tmp_path):
    folder = output_folder(tmp_path)
    with folder as files:
        files.write_text("a.csv", "1\n")
        with folder_lock(tmp_path):
            started = time.monotonic()
            with pytest.raises(RaceReplayError) as info:
                files.commit(lock_timeout_s=0.3)
            assert time.monotonic() - started >= 0.3
        assert str(info.value) == (f"{tmp_path}: another race-replay run is still writing into this folder "
                                   "(waited 0.3 s)")


def test_a_waiting_run_writes_once_the_lock_is_free(tmp_path):
    holding = threading.Event()

    def hold():
        with folder_lock(tmp_path):
            holding.set()
            time.sleep(0.3)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait()
    with output_folder(tmp_path, seed=2) as folder:
        folder.write_text("a.csv", "2\n")
    thread.join()
    assert assert_folder_is_one_run(tmp_path)["seed"] == 2


def _failing_after(monkeypatch, count: int) -> None:
    """write_file fails (a full disk) from its `count`-th call on."""
    calls, write = [], sim.output.write_file

    def failing(path, data):
        calls.append(path)
        if len(calls) >= count:
            raise OSError(28, "No space left on device", str(path))
        return write(path, data)

    monkeypatch.setattr(sim.output, "write_file", failing)


def _first_run(folder: Path) -> dict:
    with output_folder(folder, race="r", seed=1) as files:
        for name in ("a.csv", "b.csv", "c.md"):
            files.write_text(name, f"{name} 1\n")
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


@pytest.mark.parametrize("fails_at, state", [(1, "complete"), (2, "complete"), (3, "incomplete"),
                                             (4, "incomplete"), (5, "incomplete")])
def test_a_run_stopped_while_writing_leaves_the_earlier_run_or_says_it_is_incomplete(tmp_path, monkeypatch,
                                                                                     fails_at, state):
    """Writes: 1 the pending list, 2 run.json marked incomplete, 3-4 the files, 5 run.json marked complete."""
    earlier = _first_run(tmp_path)
    assert earlier["complete"] is True and folder_state(tmp_path) == "complete"
    _failing_after(monkeypatch, fails_at)
    with pytest.raises(OSError, match="No space left"), output_folder(tmp_path, race="r", seed=2) as files:
        files.write_text("a.csv", "a.csv 2\n")
        files.write_text("b.csv", "b.csv 2\n")
    assert folder_state(tmp_path) == state
    manifest = assert_folder_is_one_run(tmp_path, allow_incomplete=True)
    if state == "complete":
        assert manifest == earlier  # the earlier run's folder, its manifest true
    else:
        assert (manifest["seed"], sorted(manifest["files"])) == (2, ["a.csv", "b.csv"])
    monkeypatch.undo()
    with output_folder(tmp_path, race="r", seed=3) as files:  # the next run puts it right
        files.write_text("a.csv", "a.csv 3\n")
    assert set(assert_folder_is_one_run(tmp_path)["files"]) == {"a.csv"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_FILE, "a.csv", MANIFEST]


@pytest.mark.parametrize("text, state", [("", "none"), ("[1]", "none"), ('{"files": {}}', "complete"),
                                         ('{"files": {}, "complete": false}', "incomplete"),
                                         ('{"files": {}, "complete": "yes"}', "none")])
def test_the_folder_state_is_read_from_run_json(tmp_path, text, state):
    if text:
        (tmp_path / MANIFEST).write_text(text, encoding="utf-8")
    assert folder_state(tmp_path) == state


# -- run ----------------------------------------------------------------------------------------

def test_run_without_plots_removes_the_earlier_runs_plots(tmp_path, capsys, replay):
    assert main(["run", "le-mans-1957", "--out", str(tmp_path)]) == 0
    first = assert_folder_is_one_run(tmp_path)
    assert set(first["files"]) == TEXTS | PLOTS
    (tmp_path / "my-notes.md").write_text("a reader's own file\n")
    assert main(["run", "le-mans-1957", "--out", str(tmp_path), "--no-plots"]) == 0
    second = assert_folder_is_one_run(tmp_path, users={"my-notes.md"})
    assert set(second["files"]) == TEXTS
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == sorted(
        TEXTS | {"run.json", "my-notes.md"})
    assert (second["race"], second["seed"], second["scenario"]) == ("le-mans-1957", 1957, None)
    assert second["command"] == f"race-replay run le-mans-1957 --out {tmp_path} --no-plots"
    assert "Wrote 6 files" in capsys.readouterr().out


def _folder_state(out: Path, baseline: dict, first_kill: bool = False) -> tuple[bool, set[str]]:
    """Check the folder after a kill: every file whole; a run.json always; complete, it is true; incomplete and the
    `first_kill` since the `baseline` run, every file is the killed run's (the sha256 it lists) or the baseline's.
    (incomplete, files changed)."""
    manifest = assert_folder_is_one_run(out, allow_incomplete=True)
    changed = {name for name in TEXTS | PLOTS if (out / name).exists()
               and hashlib.sha256((out / name).read_bytes()).hexdigest() != baseline["files"][name]["sha256"]}
    if first_kill and not manifest["complete"]:
        for name in changed:
            assert hashlib.sha256((out / name).read_bytes()).hexdigest() == manifest["files"][name]["sha256"], name
    return not manifest["complete"], changed


@pytest.mark.slow
def test_sigkill_at_any_moment_leaves_whole_files(tmp_path):
    """Kill runs while they compute and while they write (plots included); each time every file is whole or absent."""
    out = tmp_path / "out"
    assert _run(out).wait() == 0
    baseline = assert_folder_is_one_run(out)
    # while computing: nothing has been written yet, so the earlier run must stand untouched
    for delay, args in ((0.2, ()), (1.0, ("--no-plots",)), (2.5, ())):
        process = _run(out, "--seed", "11", *args)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert assert_folder_is_one_run(out) == baseline
    # while writing, slowed so that the kills land between renames: with plots, just after the first plot
    # (class.png, the third file) is in place, so some plots are new and some old; without, early and late
    _kill_when_written(out, "class.png", 0.01, "--seed", "20", slow_writes_s=0.03)
    torn, changed = _folder_state(out, baseline, first_kill=True)
    assert torn and changed & PLOTS and PLOTS - changed, (torn, changed)
    for delay in (0.0, 0.1):
        _kill_when_written(out, PENDING, delay, "--seed", "21", "--no-plots", slow_writes_s=0.03)
        _folder_state(out, baseline)
    # right after run.json is marked incomplete, before any other file: the earlier files, visibly being replaced
    _kill_when_written(out, MANIFEST, 0.0, "--seed", "24", slow_writes_s=0.05)
    torn, changed = _folder_state(out, baseline)
    assert torn and folder_state(out) == "incomplete"
    # and at full speed: right after the first plot is in place, right as a run without plots starts writing
    _kill_when_written(out, "class.png", 0.0, "--seed", "22")
    _folder_state(out, baseline)
    _kill_when_written(out, PENDING, 0.0, "--seed", "23", "--no-plots")
    _folder_state(out, baseline)
    assert _run(out, "--no-plots").wait() == 0  # the next run cleans up after the killed ones
    assert set(assert_folder_is_one_run(out)["files"]) == TEXTS
    assert not list(out.glob(".*.tmp")) and not (out / PENDING).exists()
    assert not PLOTS & {p.name for p in out.iterdir()}  # written by killed runs, listed in their pending list


@pytest.mark.slow
def test_two_runs_at_once_leave_one_runs_folder(tmp_path):
    out = tmp_path / "out"
    first, second = _run(out, "--seed", "1"), _run(out, "--seed", "2")
    assert (first.wait(), second.wait()) == (0, 0), (first.stderr.read(), second.stderr.read())
    manifest = assert_folder_is_one_run(out)
    assert manifest["seed"] in (1, 2)
    assert set(manifest["files"]) == TEXTS | PLOTS
    assert not list(out.glob(".*.tmp")) and not (out / PENDING).exists()


@pytest.mark.parametrize("listing", ['{"files": 5}', '{"files": "standings.csv"}', '[1, 2]', '"x"'])
def test_a_hand_edited_manifest_removes_nothing_and_never_crashes(tmp_path, listing):
    from sim.output import output_folder

    (tmp_path / "run.json").write_text(listing, encoding="utf-8")
    (tmp_path / "mine.txt").write_text("a user's own file", encoding="utf-8")
    with output_folder(tmp_path, race="r", seed=1, scenario=None, command="test") as folder:
        folder.write_text("standings.csv", "a\n")
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "a user's own file"
    assert json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["race"] == "r"
