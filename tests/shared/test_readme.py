"""The README's Python API examples run as written (in order, sharing one namespace), from the repository root."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def api_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_readme_has_python_api_examples():
    assert len(api_examples()) >= 3


def test_the_readme_python_api_examples_run(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    for block in api_examples():
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the README is ours
    out = capsys.readouterr().out
    assert out.startswith("<Replay le-mans-1957 (real race), seed 1957: 54 cars, 24 h, winner car 3 (327 laps)")
    assert "['3', 'Ron Flockhart / Ivor Bueb', 'Ecurie Ecosse'] 69" in out
    assert "{'fitted': 46, 'pass': 18, 'conflict': 1}" in out
    assert "{'15': 319, '3': 327}" in out and "2 stops for car 7" in out
    assert "<Replay mille-miglia-1957 (real race), seed 1957: 84 cars, 20 h 03 min" in out
    assert "position_chart draws circuit races, not a time-trial race" in out
    assert "<Forecast le-mans-1961: 200 runs" in out
