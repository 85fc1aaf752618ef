"""Issue 23, items 7 and 8 (the command line's part): a scheduler's address is checked, --out names a folder or a
regular file, counts have upper bounds, and a path with a byte that is not UTF-8 is one line, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.cli.common import MAX_DRAWS, MAX_FORECAST_RUNS, MAX_WORKERS, SCHEDULER
from sim.sources import resolve

ROOT = Path(__file__).resolve().parents[2]
NOT_UTF8 = os.fsdecode(b"\xff")  # the byte 0xff of a file name, as Python reads it (a lone surrogate)


def _error(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize(("argv", "message"), [
    (["montecarlo", "le-mans-1957", "--scheduler", "not a url"],
     "race-replay: error: argument --scheduler: must be a Dask scheduler's address, [tcp://]HOST:PORT with a port "
     "from 1 to 65535 (value 'not a url') (try race-replay montecarlo --help)\n"),
    (["montecarlo", "le-mans-1957", "--scheduler", "tcp://host"],
     "race-replay: error: argument --scheduler: must be a Dask scheduler's address, [tcp://]HOST:PORT with a port "
     "from 1 to 65535 (value 'tcp://host') (try race-replay montecarlo --help)\n"),
    (["run", "a.txt", "b.txt", "--scheduler", "tcp://host:65536"],
     "race-replay: error: argument --scheduler: must be a Dask scheduler's address, [tcp://]HOST:PORT with a port "
     "from 1 to 65535 (value 'tcp://host:65536') (try race-replay run --help)\n"),
    (["run", "le-mans-1957", "--draws", "1000000000000"],
     "race-replay: error: argument --draws: must be at most 1,000,000 (value '1000000000000') "
     "(try race-replay run --help)\n"),
    (["run", "le-mans-1957", "--draws", "1000001"],
     "race-replay: error: argument --draws: must be at most 1,000,000 (value '1000001') "
     "(try race-replay run --help)\n"),
    (["montecarlo", "le-mans-1957", "--runs", "1000001"],
     "race-replay: error: argument --runs: must be at most 1,000,000 (value '1000001') "
     "(try race-replay montecarlo --help)\n"),
    (["plot", "le-mans-1957", "--bands", "--runs", "1000001", "--out", "o"],
     "race-replay: error: argument --runs: must be at most 1,000,000 (value '1000001') "
     "(try race-replay plot --help)\n"),
    (["forecast", "le-mans-1961", "--runs", "1000000000000000"],
     "race-replay: error: argument --runs: must be at most 100,000 (value '1000000000000000') "
     "(try race-replay forecast --help)\n"),
    (["forecast", "le-mans-1961", "--workers", "65"],
     "race-replay: error: argument --workers: must be at most 64 (value '65') (try race-replay forecast --help)\n"),
    (["montecarlo", "le-mans-1957", "--workers", "1000"],
     "race-replay: error: argument --workers: must be at most 64 (value '1000') (try race-replay montecarlo --help)\n"),
    (["run", "a.txt", "b.txt", "--workers", "65"],
     "race-replay: error: argument --workers: must be at most 64 (value '65') (try race-replay run --help)\n"),
    (["run", "le-mans-1957", "--draws", "9" * 5000],  # more digits than int() reads: still the bound's line
     f"race-replay: error: argument --draws: must be at most 1,000,000 (value '{'9' * 5000}') "
     "(try race-replay run --help)\n"),
    (["html", "le-mans-1957", "--out", ""],
     "race-replay: error: argument --out: must name a folder or a regular file, not an empty path (value '') "
     "(try race-replay html --help)\n"),
    (["run", "le-mans-1957", "--out", ""],
     "race-replay: error: argument --out: must name a folder or a regular file, not an empty path (value '') "
     "(try race-replay run --help)\n"),
    (["html", "le-mans-1957", "--out", os.devnull],
     "race-replay: error: argument --out: must name a folder or a regular file, not a character device "
     "(value '/dev/null') (try race-replay html --help)\n"),
    (["plot", "le-mans-1957", "--out", os.devnull],
     "race-replay: error: argument --out: must name a folder or a regular file, not a character device "
     "(value '/dev/null') (try race-replay plot --help)\n"),
    (["montecarlo", "le-mans-1957", "--out", os.devnull],
     "race-replay: error: argument --out: must name a folder or a regular file, not a character device "
     "(value '/dev/null') (try race-replay montecarlo --help)\n"),
    (["forecast", "le-mans-1961", "--out", ""],
     "race-replay: error: argument --out: must name a folder or a regular file, not an empty path (value '') "
     "(try race-replay forecast --help)\n"),
    (["standings", f"doc{NOT_UTF8}.txt"],
     "race-replay: error: argument race: holds a byte that is not UTF-8: rename the file (value 'doc\\udcff.txt') "
     "(try race-replay standings --help)\n"),
])
def test_regression_probe_of_issue_23_bad_arguments_are_one_line(capsys, argv, message):
    assert _error(capsys, argv) == message


def test_regression_html_out_onto_a_fifo_is_refused_and_the_fifo_stays(tmp_path, capsys):
    """Issue 23: `html --out FIFO` replaced the FIFO with a 2.3 MB regular file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert _error(capsys, ["html", "le-mans-1957", "--out", str(fifo)]) == (
        f"race-replay: error: argument --out: must name a folder or a regular file, not a FIFO (value '{fifo}') "
        "(try race-replay html --help)\n")
    assert fifo.is_fifo()


def test_the_bounds_are_the_documented_ones():
    """The README and the help give these figures."""
    assert (MAX_DRAWS, MAX_FORECAST_RUNS, MAX_WORKERS) == (1_000_000, 100_000, 64)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "1,000,000" in readme and "100,000" in readme and "64" in readme


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tls://scheduler.example.org:8786", "localhost:8786",
                                     "tcp://[::1]:8786", "ws://h-1.local:1"])
def test_a_schedulers_address_of_any_usual_form_is_taken(address):
    assert SCHEDULER.fullmatch(address)


def test_regression_an_out_folder_whose_name_is_not_utf8_is_written_with_a_readable_run_json(tmp_path, replay):
    """Issue 23: an --out path with the byte 0xff stopped on UnicodeEncodeError after writing the files, leaving
    .race-replay.pending.json; run.json now holds the path as JSON's escape of the byte."""
    out = tmp_path / f"out{NOT_UTF8}"
    assert main(["run", "le-mans-1957", "--no-plots", "--out", str(out)]) == 0
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["complete"] is True
    assert str(out) in manifest["command"]
    assert not (out / ".race-replay.pending.json").exists()


def test_regression_a_document_whose_name_is_not_utf8_in_a_folder_is_one_failure_line(tmp_path):
    """Issue 23: a document path with the byte 0xff ended in a traceback; in a folder of documents it is one
    failure (the index names it readably), the others are replayed."""
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(resolve("le-mans-1957").file, folder / "good.txt")
    shutil.copy(resolve("le-mans-1957").file, os.fsencode(folder) + b"/doc\xff.txt")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-m", "sim", "run", str(folder), "--no-plots", "--out",
                           str(tmp_path / "out")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr == (f"race-replay: error: {folder}/doc\ufffd.txt: its name holds a byte that is not UTF-8: "
                           "rename the file\n")
    assert "its name holds a byte that is not UTF-8" in (tmp_path / "out" / "index.csv").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "good" / "run.json").exists()


def test_a_text_that_cannot_be_encoded_anywhere_else_is_one_line(capsys, monkeypatch):
    """The last guard: a UnicodeEncodeError from anywhere in a command is one line, exit 2."""
    def broken(race):
        return f"x{NOT_UTF8}".encode("utf-8")

    monkeypatch.setattr("sim.frames.entries_frame", broken)
    assert _error(capsys, ["entries", "le-mans-1957"]) == (
        "race-replay: error: a path or name holds a byte that is not UTF-8 ('\\udcff'): rename it\n")
