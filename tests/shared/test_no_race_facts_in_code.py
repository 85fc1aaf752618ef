"""Race facts are data: no library module names a race id, a make or a car number (docstrings aside).

String constants in the code are read with ast, so comments and docstrings (which may give examples) are skipped.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

SIM = Path(__file__).resolve().parents[2] / "sim"
ROOT = SIM.parent


def code_strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def library_modules() -> list[Path]:
    return [p for p in SIM.rglob("*.py") if "races" not in p.parts]


def test_no_library_module_names_a_race_id_a_make_or_a_car_number():
    race_ids = list(tomllib.loads((ROOT / "seeds" / "manifest.toml").read_text(encoding="utf-8")))
    makes = list(tomllib.loads((SIM / "plots" / "makes.toml").read_text(encoding="utf-8"))["colours"])
    words = re.compile(r"\b(" + "|".join(map(re.escape, race_ids + makes)) + r")\b")
    car_number = re.compile(r"[0-9]{2,4}[A-Z]?")  # one digit is too common ("0" in a digit range) to tell
    found = []
    for path in library_modules():
        for line, text in code_strings(path):
            if words.search(text) or car_number.fullmatch(text):
                found.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert found == []


def test_no_library_module_names_a_race_id_even_in_its_docstrings():
    race_ids = list(tomllib.loads((ROOT / "seeds" / "manifest.toml").read_text(encoding="utf-8")))
    found = [f"{path.relative_to(ROOT)}: {race}" for path in library_modules()
             for race in race_ids if race in path.read_text(encoding="utf-8")]
    assert found == []
