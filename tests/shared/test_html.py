"""The interactive replay page as a file: one self-contained HTML file, under 5 MB, written by `html` and `run`."""

import json
import re

import pytest
from helpers.pages import page_of

from sim.circuit.kind import page_spans
from sim.circuit.report import report_data
from sim.cli import main
from sim.html import page_data

MAX_BYTES = 5_000_000


@pytest.fixture(scope="module")
def page(replay) -> bytes:
    return page_of(replay)


def test_one_file_under_5_mb_with_no_address_outside_it(page):
    assert len(page) < MAX_BYTES
    text = page.decode("utf-8")
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)\s*=""", text)  # nothing loaded from elsewhere
    assert text.count("</script>") == 3  # the packed Plotly, the data, the page's script; and none inside them
    data = json.loads(re.search(r'<script id="replay-data" type="application/json">(.*?)</script>', text, re.S)[1])
    assert data["race"] == "le-mans-1957" and len(data["cars"]) == 54


def test_the_data_carries_every_crossing_exactly(replay):
    data = page_data(replay, report_data(replay), page_spans(replay))
    for car in data["cars"]:
        assert car["crossings"] == replay.table.crossings[car["car"]].tolist()
    assert [b["name"] for b in data["bands"]] == ["night", "fog"]
    assert all(c["quote"] for c in data["checkpoints"])


def test_the_same_seed_gives_the_same_bytes(replay, page):
    assert page_of(replay) == page


def test_html_command_writes_the_page(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["html", "le-mans-1957", "--out", str(out)]) == 0
    assert out.stat().st_size < MAX_BYTES and "MB" in capsys.readouterr().out


def test_html_of_a_timesheet_is_one_line_error(tmp_path, capsys):
    assert main(["html", "le-mans-1961", "--out", str(tmp_path / "x.html")]) == 2
    assert "cannot be replayed" in capsys.readouterr().err


def test_run_writes_replay_html(tmp_path):
    assert main(["run", "le-mans-1957", "--no-plots", "--out", str(tmp_path)]) == 0
    manifest = json.loads((tmp_path / "run.json").read_text())
    assert "replay.html" in manifest["files"] and (tmp_path / "replay.html").stat().st_size < MAX_BYTES


def test_the_circuit_page_has_no_time_trial_part(replay, page):
    data = page_data(replay, report_data(replay), page_spans(replay))
    assert "elapsed" not in data
    assert b"window.replayPage;\n  if (!P || !P.data.elapsed)" not in page


def test_the_time_trial_page_carries_its_passings_the_winner_and_the_front_runners():
    """Issue 20: passing a control is an event; the board measures every car against the eventual winner; the chart
    draws the front runners' gaps, not 84 positions."""
    import sim

    mm = sim.replay("mille-miglia-1957")
    text = page_of(mm).decode("utf-8")
    data = json.loads(re.search(r'<script id="replay-data" type="application/json">(.*?)</script>', text, re.S)[1])
    part = data["elapsed"]
    assert part["reference"] == "535" and len(part["reference_elapsed"]) == 8
    assert [float(mm.table.crossings["531"][3]), "531", "passing",
            "passes Roma (874 km), 5:17:43 elapsed, 1st"] in part["passings"]
    assert sum(len(mm.table.crossings[c]) for c in mm.table.cars) == len(part["passings"])
    assert [f["car"] for f in part["front"]][:2] == ["535", "532"] and "531" in [f["car"] for f in part["front"]]
    assert part["road"]["535"]["km"][-1] == 1597 and part["road"]["535"]["finished"]
    assert text.count("</script>") == 3
