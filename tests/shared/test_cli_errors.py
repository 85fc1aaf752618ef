"""The command line speaks in one line: argument mistakes, Ctrl-C, a full disk, a folder for plot --out."""

from __future__ import annotations

import errno
import json
import os
import tempfile

import pytest

import sim
import sim.output
from sim.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plot", "le-mans-1957", "--kind", "x", "--out", "o"],
         "race-replay: error: is not a plot of a circuit race (positions, history, class, index) (key '--kind', "
         "value 'x')\n"),
        (["run"], "race-replay: error: the following arguments are required: race (try race-replay run --help)\n"),
        (["plot", "le-mans-1957"],
         "race-replay: error: the following arguments are required: --out (try race-replay plot --help)\n"),
        ([], "race-replay: error: the following arguments are required: COMMAND (try race-replay --help)\n"),
        (["replay"], "race-replay: error: argument COMMAND: invalid choice: 'replay' "
                     "(choose from entries, inspect, run, standings, check, plot, html, forecast, score, montecarlo, "
                     "backtest) (try race-replay --help)\n"),
        (["run", "le-mans-1957", "--bogus"],
         "race-replay: error: unrecognized arguments: --bogus (try race-replay --help)\n"),
        (["check", "le-mans-1957", "--seed", "٣"],
         "race-replay: error: argument --seed: must be a whole number in the digits 0-9 (value '٣') "
         "(try race-replay check --help)\n"),
        (["check", "le-mans-1957", "--seed", "1e3"],
         "race-replay: error: argument --seed: must be a whole number in the digits 0-9 (value '1e3') "
         "(try race-replay check --help)\n"),
        (["plot", "le-mans-1957", "--top", "0", "--out", "o"],
         "race-replay: error: argument --top: must be a whole number of 1 or more in the digits 0-9 (value '0') "
         "(try race-replay plot --help)\n"),
        (["plot", "le-mans-1957", "--top", "٦", "--out", "o"],
         "race-replay: error: argument --top: must be a whole number of 1 or more in the digits 0-9 (value '٦') "
         "(try race-replay plot --help)\n"),
    ],
)
def test_argument_mistakes_are_one_line_and_exit_2(capsys, argv, message):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err == message
    assert captured.out == ""


@pytest.mark.parametrize("value", ["١٢", "１２", "nan", "inf", "1e1", "12:٣٠", " 12"])
def test_race_hours_take_ascii_digits_only(capsys, replay, value):
    # float("١٢") is 12.0 and float("inf") is infinity: the replay would show hour 12 or fail later
    assert main(["standings", "le-mans-1957", "--at", value]) == 2
    assert capsys.readouterr().err == (
        f"race-replay: error: is not a race hour (0-24) or a clock time HH:MM (key '--at', value {value!r})\n")


def test_ascii_hours_and_clock_times_still_work(capsys, replay):
    assert main(["standings", "le-mans-1957", "--at", "12.5", ".5", "21:00", "--format", "json"]) == 0
    assert [h["clock"] for h in json.loads(capsys.readouterr().out)["standings"]] == ["04:30", "16:30", "21:00"]


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"race-replay {sim.__version__}\n"


def test_ctrl_c_while_computing_leaves_the_earlier_run(tmp_path, capsys, replay, monkeypatch):
    assert main(["run", "le-mans-1957", "--out", str(tmp_path), "--no-plots"]) == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    capsys.readouterr()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    from dataclasses import replace

    from sim.kinds import KINDS

    monkeypatch.setitem(KINDS, "circuit", replace(KINDS["circuit"], files=interrupted))
    assert main(["run", "le-mans-1957", "--out", str(tmp_path), "--no-plots", "--seed", "3"]) == 130
    assert capsys.readouterr().err == "race-replay: interrupted\n"
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_ctrl_c_while_writing_leaves_whole_files_and_a_manifest_saying_incomplete(tmp_path, capsys, replay,
                                                                                   monkeypatch):
    assert main(["run", "le-mans-1957", "--out", str(tmp_path), "--no-plots"]) == 0
    capsys.readouterr()
    real_replace = os.replace
    calls = []

    def replace_then_interrupt(src, dst):
        calls.append(dst)
        if len(calls) == 4:  # the pending list, run.json marked incomplete and one file are in place; Ctrl-C
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(sim.output.os, "replace", replace_then_interrupt)
    assert main(["run", "le-mans-1957", "--out", str(tmp_path), "--no-plots"]) == 130
    assert capsys.readouterr().err == "race-replay: interrupted\n"
    names = sorted(p.name for p in tmp_path.iterdir())
    # run.json was marked incomplete before the first file changed: the folder says it holds no whole run
    assert names == [".race-replay.lock", ".race-replay.pending.json", "checkpoints.json", "checkpoints.md",
                     "events.csv", "replay.html", "run.json", "standings.csv"]
    assert json.loads((tmp_path / "run.json").read_text())["complete"] is False
    json.loads((tmp_path / "checkpoints.json").read_text())
    monkeypatch.undo()
    assert main(["run", "le-mans-1957", "--out", str(tmp_path), "--no-plots"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".race-replay.lock", "checkpoints.json", "checkpoints.md", "events.csv", "replay.html", "run.json",
        "standings.csv"]
    assert json.loads((tmp_path / "run.json").read_text())["complete"] is True


def _failing_mkstemp(monkeypatch, name: str, make_fd):
    """Make the temporary file of output `name` fail as `make_fd(tmp_path)` says; other files are written normally."""
    real = tempfile.mkstemp

    def mkstemp(*, dir, prefix, suffix):
        fd, tmp = real(dir=dir, prefix=prefix, suffix=suffix)
        if prefix == f".{name}.":
            os.close(fd)
            fd = make_fd(tmp)
        return fd, tmp

    monkeypatch.setattr(sim.output.tempfile, "mkstemp", mkstemp)


def test_a_full_disk_names_the_file(tmp_path, capsys, replay, monkeypatch):
    out = tmp_path / "x"
    # /dev/full answers every write with ENOSPC, as a full disk does
    _failing_mkstemp(monkeypatch, "positions.png", lambda tmp: os.open("/dev/full", os.O_WRONLY))
    assert main(["run", "le-mans-1957", "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"race-replay: error: {out}/positions.png: No space left on device\n"
    assert not (out / "positions.png").exists()
    assert not list(out.glob(".*.tmp"))  # the temporary file is removed, not left for the next run


def test_a_permission_error_names_the_file(tmp_path, capsys, replay, monkeypatch):
    def denied(tmp):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), tmp)

    _failing_mkstemp(monkeypatch, "events.csv", denied)
    assert main(["run", "le-mans-1957", "--out", str(tmp_path), "--no-plots"]) == 2
    assert capsys.readouterr().err == f"race-replay: error: {tmp_path}/events.csv: Permission denied\n"


def test_plot_out_with_a_trailing_slash_is_a_folder(tmp_path, capsys, replay):
    assert main(["plot", "le-mans-1957", "--kind", "history", "--top", "3", "--out", f"{tmp_path}/outs/"]) == 0
    assert capsys.readouterr().out.split() == [f"{tmp_path}/outs/history.png", f"{tmp_path}/outs/history.svg"]
    assert not (tmp_path / "outs.png").exists()


def test_plot_out_an_existing_folder_is_a_folder(tmp_path, capsys, replay):
    assert main(["plot", "le-mans-1957", "--kind", "index", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.split() == [str(tmp_path / "index.png"), str(tmp_path / "index.svg")]
    assert not list(tmp_path.glob(".*.tmp"))
