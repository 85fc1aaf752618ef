"""The seeds are the source documents, verbatim: byte for byte what the manifest records (and what shared/ holds)."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest

SEEDS = Path(__file__).parents[2] / "seeds"
SHARED = Path(__file__).parents[3] / "shared" / "seeds"
MANIFEST = tomllib.loads((SEEDS / "manifest.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("race", sorted(MANIFEST))
def test_seed_is_unchanged(race):
    entry = MANIFEST[race]
    data = (SEEDS / entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert entry["licence"].startswith("CC BY-SA")
    if (SHARED / entry["file"]).exists():  # beside a checkout, the originals are there to compare with
        assert data == (SHARED / entry["file"]).read_bytes()


def test_manifest_names_every_seed_file():
    assert sorted(e["file"] for e in MANIFEST.values()) == sorted(p.name for p in SEEDS.glob("*.txt"))
