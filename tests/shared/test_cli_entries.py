"""`race-replay entries RACE --format table|csv|json`, through sim.cli.main and as `python -m sim`."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.frames import ENTRY_COLUMNS

ROOT = Path(__file__).parents[2]
LE_MANS = ROOT / "seeds" / "000_04c9cf36cbb82ecf.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def document_rows() -> list[tuple]:
    """(number, class, laps, cc, hour) of every results/DNF/DNS row, read with str.split only."""
    rows = []
    for line in LE_MANS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 8 or cells[0] == "Pos":  # result, DNF and DNS rows only
            continue
        cc = re.search(r"(\d+(?:\.\d+)?)(L|cc)", cells[6])
        hour = re.search(r"\((\d+)hr\)", cells[-1])
        laps = int(cells[7]) if cells[7].isdigit() else None  # the DNS table has no laps column
        rows.append((cells[2].split()[0], cells[1], laps, int(cc[1]) if cc[2] == "cc" else int(float(cc[1]) * 1000),
                     int(hour[1]) if hour else None))
    return rows


def test_le_mans_json(capsys: pytest.CaptureFixture[str]) -> None:
    cars = json.loads(run(capsys, "entries", "le-mans-1957", "--format", "json"))
    assert Counter(c["status"] for c in cars) == {"classified": 20, "NC": 1, "DNF": 32, "DSQ": 1, "DNS": 3, "DNA": 3}
    assert sum(c["status"] in ("classified", "NC", "DNF", "DSQ") for c in cars) == 54
    assert ([(c["number"], c["class"], c["laps"], c["displacement_cc"], c["retirement_hour"]) for c in cars]
            == document_rows())
    winner = cars[0]
    assert {k: winner[k] for k in ("number", "status", "position", "drivers", "index_of_performance")} == {
        "number": "3", "status": "classified", "position": 1, "drivers": ["Ron Flockhart", "Ivor Bueb"],
        "index_of_performance": 1.19,
    }
    assert [c["position"] for c in cars if c["status"] == "classified"] == list(range(1, 21))
    assert all(c["index_of_performance"] is None for c in cars if c["status"] != "classified")


def test_mille_miglia_json(capsys: pytest.CaptureFixture[str]) -> None:
    cars = json.loads(run(capsys, "entries", "mille-miglia-1957", "--format", "json"))
    assert Counter(c["status"] for c in cars) == {"classified": 63, "DNF": 21}
    by_number = {c["number"]: c for c in cars}
    assert {k: by_number["535"][k] for k in ("start_time", "elapsed", "finish_time")} == {
        "start_time": "1957-05-12T05:35:00", "elapsed": "PT10H27M47S", "finish_time": "1957-05-12T16:02:47"}
    assert by_number["2348"]["start_time"] == "1957-05-11T23:48:00"
    assert by_number["3"]["start_time"] == "1957-05-12T00:03:00"
    assert by_number["012"]["position"] == 50


def test_practice_json(capsys: pytest.CaptureFixture[str]) -> None:
    cars = json.loads(run(capsys, "entries", "le-mans-1961", "--format", "json"))
    assert len(cars) == 55
    assert (cars[-1]["number"], cars[-1]["nominated"]) == ("52T", ["van der Bruwaene"])
    assert cars[0]["times"] == ["PT3M59.9S", "PT4M3S"]


def test_csv_has_the_declared_columns(capsys: pytest.CaptureFixture[str]) -> None:
    frame = pd.read_csv(io.StringIO(run(capsys, "entries", "le-mans-1957", "--format", "csv")),
                        dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(ENTRY_COLUMNS)
    assert len(frame) == 60
    assert (frame.loc[0, ["number", "drivers", "index_of_performance"]].tolist()
            == ["3", "Ron Flockhart / Ivor Bueb", "1.1900"])


def test_table(capsys: pytest.CaptureFixture[str]) -> None:
    lines = run(capsys, "entries", "le-mans-1961").splitlines()
    assert lines[0].split()[:3] == ["number", "status", "position"]
    assert len(lines) == 56


def test_unknown_race_exits_2_with_the_known_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["entries", "monaco-1957"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ("race-replay: error: unknown race 'monaco-1957': not a race id (known: le-mans-1957, "
                   "mille-miglia-1957, le-mans-1961) nor a file\n")


def test_bad_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["entries", "le-mans-1957", "--format", "xml"]) == 2  # returned, like every other error's status
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_python_dash_m_sim() -> None:
    done = subprocess.run([sys.executable, "-m", "sim", "entries", "le-mans-1957", "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    assert len(json.loads(done.stdout)) == 60
