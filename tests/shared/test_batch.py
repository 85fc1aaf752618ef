"""``race-replay run DOC... --out DIR`` (issue 19, item 4): every document replayed into DIR/<race id>/ with the files a
single run writes, a broken document one line on stderr and exit 2 at the end, DIR/index.html and DIR/index.csv; the
same bytes on Dask workers. Documents are small synthetic Le Mans documents (tests/helpers/documents.py)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from helpers.documents import document

from sim.batch import COLUMNS, Job, failed_row, index_csv, index_html, sorted_rows
from sim.cli import main

A = document("1958 24 Hours of Le Mans", [(1, "S5.0", "3", 300), (2, "S3.0", "15", 290), (3, "S2.0", "28", 250)],
             [("DNF", "S3.0", "7", 80, "Engine (9hr)")])
B = document("1962 12 Hours of Somewhere", [(1, "S3.0", "11", 150), (2, "S2.0", "21", 140)],
             [("DNF", "S2.0", "14", 30, "Gearbox (4hr)")])
BROKEN = "= 1960 Nothing =\n\nNo table here.\n"


def documents(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in (("a", A), ("b", B), ("broken", BROKEN)):
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (but the lock files), by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".race-replay.lock"}


def read_index(folder: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO((folder / "index.csv").read_text(encoding="utf-8"))))


@pytest.fixture
def docs(tmp_path, monkeypatch):
    """a.txt, b.txt and broken.txt in tmp_path/docs; the tests run from tmp_path/run (relative paths)."""
    documents(tmp_path / "docs")
    (tmp_path / "run").mkdir()
    monkeypatch.chdir(tmp_path / "run")
    return ["../docs/a.txt", "../docs/b.txt", "../docs/broken.txt"]


def test_several_documents_give_two_replays_an_index_and_one_line_for_the_broken_one(docs, capsys):
    assert main(["run", *docs, "--out", "D", "--no-plots"]) == 2
    out, err = capsys.readouterr()
    assert err.splitlines() == [err.strip()]  # one line, naming the document
    assert err.startswith("race-replay: error: ../docs/broken.txt: broken.txt:1: cannot tell the kind of race")
    folder = Path("D")
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "a", "b", "index.csv", "index.html", "run.json"]
    for race in ("a", "b"):
        assert sorted(p.name for p in (folder / race).iterdir() if not p.name.startswith(".")) == [
            "checkpoints.json", "checkpoints.md", "events.csv", "replay.html", "run.json", "standings.csv"]
    rows = read_index(folder)
    assert list(rows[0]) == list(COLUMNS)
    assert [(r["race"], r["year"], r["starters"], r["classified"], r["winner"], r["laps"]) for r in rows] == [
        ("a", "1958", "4", "3", "3", "300"), ("b", "1962", "3", "2", "11", "150"), ("broken", "", "", "", "", "")]
    assert [r["replay"] for r in rows] == ["a/replay.html", "b/replay.html", ""]
    assert rows[2]["error"].startswith("broken.txt:1: cannot tell the kind of race") and not rows[0]["error"]
    assert all(int(r["defaults"]) > 0 and r["conflicts"] == "0" for r in rows[:2])
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<a href="a/replay.html">a</a>' in page and '<a href="b/replay.html">b</a>' in page
    assert not re.search(r"(src|href)=\"?(https?:)?//", page)  # self-contained: nothing fetched
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "race-replay run ../docs/a.txt ../docs/b.txt ../docs/broken.txt --out D --no-plots"
    assert sorted(manifest["files"]) == ["index.csv", "index.html"]
    assert "Replayed 2 of 3 documents into D/" in out


def test_each_race_folder_holds_the_bytes_a_single_run_writes_there(docs, tmp_path, monkeypatch, capsys):
    assert main(["run", *docs, "--out", "D", "--no-plots"]) == 2
    batch = files(Path("D/a"))
    single = tmp_path / "single"
    single.mkdir()
    monkeypatch.chdir(single)
    assert main(["run", "../docs/a.txt", "--out", "D/a", "--no-plots"]) == 0  # the command batch's run.json records
    assert files(Path("D/a")) == batch
    assert json.loads(batch["run.json"])["command"] == "race-replay run ../docs/a.txt --out D/a --no-plots"


def test_the_single_race_form_is_unchanged(docs, capsys):
    assert main(["run", "../docs/a.txt", "--out", "S", "--no-plots"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1958 24 Hours of Le Mans: replay of 4 starters, seed 1957\nAt the flag: 1. car 3")
    assert not (Path("S") / "index.html").exists() and (Path("S") / "standings.csv").exists()
    assert main(["run", "../docs/a.txt", "--scheduler", "tcp://nowhere:8786", "--out", "S"]) == 2
    assert capsys.readouterr().err == ("race-replay: error: applies only to several documents (one race's draws run "
                                       "on --workers) (key '--scheduler', value 'tcp://nowhere:8786')\n")


def test_a_folder_of_documents_is_its_txt_files(docs, capsys):
    Path("../docs/notes.md").write_text("not a document\n", encoding="utf-8")
    assert main(["run", "../docs", "--out", "D", "--no-plots", "--format", "json"]) == 2
    summary = json.loads(capsys.readouterr().out)
    assert (summary["documents"], summary["replayed"]) == (3, 2)
    assert list(summary["failed"]) == ["../docs/broken.txt"]
    assert [r["race"] for r in read_index(Path("D"))] == ["a", "b", "broken"]


def test_an_empty_folder_and_a_clashing_race_id_are_each_one_line(docs, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "a.txt").write_text(B, encoding="utf-8")
    assert main(["run", "../docs/a.txt", "../other/a.txt", "../empty", "--out", "D", "--no-plots"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["race-replay: error: ../empty: the folder holds no documents (*.txt)",
                   "race-replay: error: ../other/a.txt: its race id 'a' is the same race id as ../docs/a.txt: "
                   "rename the file"]
    assert [(r["race"], bool(r["error"])) for r in read_index(Path("D"))] == [
        ("a", False), ("a", True), ("empty", True)]


def test_draws_are_refused_with_several_documents_before_anything_is_written(docs, capsys):
    assert main(["run", *docs, "--out", "D", "--draws", "10"]) == 2
    assert capsys.readouterr().err == ("race-replay: error: is one race's: with several documents, run the draws one "
                                       "race at a time (key '--draws', value 10)\n")
    assert not Path("D").exists()


def test_the_index_is_deterministic_whatever_order_the_rows_come_in():
    rows = [failed_row(Job("z.txt", "z", "", ""), "bad"),
            {**failed_row(Job("b.txt", "b", "", ""), ""), "year": 1960, "replay": "b/replay.html"},
            {**failed_row(Job("a.txt", "a", "", ""), ""), "year": 1960, "replay": "a/replay.html"},
            {**failed_row(Job("c.txt", "c", "", ""), ""), "year": 1923, "replay": "c/replay.html"}]
    assert [r["race"] for r in sorted_rows(rows)] == ["c", "a", "b", "z"]
    assert index_csv(rows) == index_csv(rows[::-1]) and index_html(rows) == index_html(rows[::-1])
    assert index_csv(rows).splitlines()[0] == ",".join(COLUMNS)


@pytest.mark.slow
def test_dask_workers_write_the_same_files_byte_for_byte(tmp_path, monkeypatch, capsys):
    """--workers 1 (in this process) and --workers 2 (a local Dask cluster), from two folders with the same relative
    paths: every file, run.json included, is the same (run.json leaves out how the documents ran)."""
    documents(tmp_path / "docs")
    folders = {}
    for workers in ("1", "2"):
        folders[workers] = tmp_path / f"w{workers}"
        folders[workers].mkdir()
        monkeypatch.chdir(folders[workers])
        argv = ["run", "../docs/a.txt", "../docs/b.txt", "../docs/broken.txt", "--out", "D", "--workers", workers]
        assert main(argv) == 2
        assert capsys.readouterr().err.count("\n") == 1
    one, two = files(folders["1"] / "D"), files(folders["2"] / "D")
    assert sorted(one) == sorted(two) and any(name.endswith(".png") for name in one)
    assert {name: hashlib.sha256(data).hexdigest() for name, data in one.items()} == {
        name: hashlib.sha256(data).hexdigest() for name, data in two.items()}
