"""`race-replay inspect RACE --format table|json`."""

from __future__ import annotations

import json

import pytest

from sim.cli import main


def test_inspect_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "le-mans-1961"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith("1961 24 Hours of Le Mans (practice) (") and lines[0].endswith("): 1 anomalies")
    assert lines[1].split(None, 2) == ["1", "time-conflict", "car 17: the time columns disagree (3:59.900 and "
                                       "4:03.000) while they are equal on 54 of 55 rows"]


def test_inspect_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "le-mans-1957", "--format", "json"]) == 0
    anomalies = json.loads(capsys.readouterr().out)
    assert len(anomalies) == 16
    assert set(anomalies[0]) == {"file", "line", "kind", "message"}
    assert [a["line"] for a in anomalies] == sorted(a["line"] for a in anomalies)
    assert {"source-conflict", "duplicate-number", "typo", "count-mismatch"} <= {a["kind"] for a in anomalies}
