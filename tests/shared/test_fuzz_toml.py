"""Issue 8: mutated race-data and scenario TOML files load, or fail with the project's own error, never a traceback.

A few hundred seeded mutants per run (benchmarks/fuzz_toml.py runs 2,000 and prints the figure); three of the
race-data mutants that load are calibrated and replayed as well.
"""

from __future__ import annotations

import importlib.util
import random
from collections import Counter
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[2] / "benchmarks" / "fuzz_toml.py"


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("fuzz_toml", FUZZ)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mutated_toml_files_raise_only_project_errors(fuzz):
    failures: Counter = Counter()
    n, unexpected = fuzz.fuzz_toml(400, seed=8, failures=failures, replays=3)
    assert (n, unexpected) == (400, 0), failures.most_common()


def test_mutations_are_seeded(fuzz):
    data = (fuzz.RACE_DIR / "race.toml").read_bytes()
    first = [fuzz.mutate(random.Random(5), data) for _ in range(3)]
    assert first == [fuzz.mutate(random.Random(5), data) for _ in range(3)]
    assert len({fuzz.mutate(random.Random(seed), data) for seed in range(20)}) > 15
