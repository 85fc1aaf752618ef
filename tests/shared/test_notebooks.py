"""The notebooks run top to bottom with no edits, and are stored without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ["01_explore_1957_replay.ipynb", "02_what_if.ipynb", "03_monte_carlo.ipynb"]
TIMEOUT_S = 600  # per cell


def test_the_notebooks_are_the_ones_we_test():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_stored_without_outputs(name):
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(book)
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert book.cells[0].cell_type == "markdown"


@pytest.mark.parametrize("name", NAMES)
def test_runs_top_to_bottom(name):
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(book, timeout=TIMEOUT_S, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [o for cell in book.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 1  # the charts are drawn inline
    assert not any(p.suffix in (".png", ".svg", ".toml") for p in NOTEBOOKS.iterdir())  # nothing written next to them


def test_notebooks_and_scenario_scripts_use_only_the_public_api():
    """They import `sim` (and names from it), never its private modules."""
    import re

    root = Path(__file__).resolve().parents[2]
    private = re.compile(r"^[\s\"]*(from sim\.\w|import sim\.\w)", re.M)
    for path in [*root.glob("notebooks/*.ipynb"), *root.glob("scenarios/*.py")]:
        text = path.read_text(encoding="utf-8").replace('\\n",', "\n")
        assert not private.findall(text), path.name
