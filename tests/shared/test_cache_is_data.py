"""The calibration cache holds data only (issue 23, item 1): an entry is JSON whose values are tagged, built only from
the dataclasses the kind declares; a planted pickle, a foreign, malformed or tampered entry, or one another user owns
is never run, never trusted, and the calibration is recomputed (logged at INFO, never an error)."""

from __future__ import annotations

import json
import logging
import os
import pickle
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import cache, kinds
from sim.cli import main
from sim.kinds import load_race
from sim.pipeline import forget_calibrations, prepare, seed_text

ROOT = Path(__file__).parents[2]


@dataclass(frozen=True)
class Inner:
    values: np.ndarray
    scale: float = 1.0


@dataclass(frozen=True)
class Outer:
    name: str
    inner: dict[str, Inner]
    spans: tuple[tuple[float, float] | None, ...] = ()
    extra: dict = field(default_factory=dict)


ALLOWED = cache.allowed_types(Outer)


def outer() -> Outer:
    return Outer("x", {"1": Inner(np.array([1.5, 2.25]), np.float64(0.1))}, ((0.0, 1.0), None), {3: [True, "a"]})


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("RACE_REPLAY_CACHE", str(folder))
    return folder


class Planted:
    """A pickle that, if ever loaded, writes a marker file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


# --- the format ------------------------------------------------------------------------------------------------------

def test_a_value_round_trips_with_its_types(private_cache):
    cache.store("k", outer(), ALLOWED)
    back = cache.load("k", ALLOWED)
    assert type(back) is Outer and back.name == "x" and back.spans == ((0.0, 1.0), None)
    assert back.extra == {3: [True, "a"]} and type(back.extra[3]) is list
    assert type(back.inner["1"].scale) is np.float64 and back.inner["1"].scale == 0.1
    assert back.inner["1"].values.dtype == np.float64 and back.inner["1"].values.tolist() == [1.5, 2.25]
    assert back.inner["1"].values.flags.writeable


def test_the_allow_list_is_what_the_kinds_declare():
    assert set(ALLOWED) == {f"{__name__}.Outer", f"{__name__}.Inner"}
    circuit = cache.allowed_types(kinds.kind_of(load_race("le-mans-1957")).prepare)
    assert {"sim.circuit.calibrate.Calibration", "sim.circuit.engine.CarPace", "sim.circuit.calibrate.EndChoice",
            "sim.circuit.plan.CarPlan"} <= set(circuit)
    trial = cache.allowed_types(kinds.kind_of(load_race("mille-miglia-1957")).prepare)
    assert {"sim.timetrial.calibrate.TrialCalibration", "sim.timetrial.calibrate.TrialPace"} <= set(trial)


def test_the_folder_is_private_and_the_entry_is_json(private_cache):
    cache.store("k", outer(), ALLOWED)
    assert private_cache.stat().st_mode & 0o777 == 0o700
    assert (private_cache / "k.json").stat().st_mode & 0o077 == 0
    document = json.loads((private_cache / "k.json").read_text(encoding="utf-8"))
    assert (document["format"], document["key"]) == (cache.FORMAT, "k")
    assert [p.name for p in private_cache.iterdir()] == ["k.json"]


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5),
                     st.floats(allow_nan=False, allow_infinity=False))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(tuple),
    st.dictionaries(st.one_of(st.text(max_size=3), st.integers()), inner, max_size=3)), max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(_VALUES)
def test_any_nest_of_plain_values_round_trips_exactly(tmp_path_factory, value):
    earlier, os.environ["RACE_REPLAY_CACHE"] = os.environ.get("RACE_REPLAY_CACHE"), str(tmp_path_factory.mktemp("c"))
    try:
        cache.store("k", value)
        back = cache.load("k")
    finally:
        os.environ["RACE_REPLAY_CACHE"] = earlier or ""
    assert repr(back) == repr(value)  # repr: a tuple stays a tuple, -0.0 stays -0.0, 1 stays an int


# --- what is refused -------------------------------------------------------------------------------------------------

def _plant(folder: Path, value, key: str = "k", fmt: str = cache.FORMAT) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{key}.json").write_text(json.dumps({"format": fmt, "key": key, "value": value}), encoding="utf-8")


@pytest.mark.parametrize("value, why", [
    ({"$dataclass": "os.system", "fields": {}}, "not in the allow-list"),
    ({"$dataclass": "subprocess.Popen", "fields": {"args": "touch x"}}, "not in the allow-list"),
    ({"$dataclass": f"{__name__}.Inner", "fields": {"values": None, "scale": 1.0, "run": "x"}}, "with the fields"),
    ({"$array": {"dtype": "|O", "shape": [1], "data": ""}}, "dtype"),
    ({"$array": {"dtype": "<f8", "shape": [3], "data": "AAAAAAAA+H8="}}, "shape"),
    ({"$array": {"dtype": "<f8", "shape": [1], "data": "AAAAAAAA+H8="}}, "not finite"),  # a NaN
    ({"$scalar": {"dtype": "<f8", "value": "1e9"}}, "scalar"),
    ({"$ref": "facts"}, "reference to nothing known"),
    ({"$eval": "1"}, "unknown tag"),
    ([1, 2], "untagged"),
    ({"a": 1}, "unknown tag"),
])
def test_a_malformed_entry_is_ignored_and_logged(private_cache, caplog, value, why):
    _plant(private_cache, value)
    with caplog.at_level(logging.INFO, logger="sim.cache"):
        assert cache.load("k", ALLOWED) is None
    assert why in caplog.text and "ignoring the calibration cache entry" in caplog.text


def test_an_entry_of_another_key_or_format_is_ignored(private_cache):
    _plant(private_cache, 1, key="other")
    (private_cache / "other.json").rename(private_cache / "k.json")
    assert cache.load("k") is None
    _plant(private_cache, 1, fmt="race-replay calibration cache 1")
    assert cache.load("k") is None
    _plant(private_cache, 1)
    assert cache.load("k") == 1


def test_infinity_is_refused_when_read_and_not_stored(private_cache):
    private_cache.mkdir()
    (private_cache / "k.json").write_text(f'{{"format": "{cache.FORMAT}", "key": "k", "value": Infinity}}')
    assert cache.load("k") is None
    cache.store("k", float("inf"))
    assert cache.load("k") is None


def test_a_type_outside_the_allow_list_is_not_stored(private_cache, caplog):
    with caplog.at_level(logging.INFO, logger="sim.cache"):
        cache.store("k", outer())  # no allow-list handed over
    assert not (private_cache / "k.json").exists() and "not in the allow-list" in caplog.text


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root")
def test_an_entry_another_user_owns_is_ignored(private_cache, caplog):
    cache.store("k", outer(), ALLOWED)
    os.chown(private_cache / "k.json", 65534, 65534)
    with caplog.at_level(logging.INFO, logger="sim.cache"):
        assert cache.load("k", ALLOWED) is None
    assert "owned by user 65534" in caplog.text


def test_an_entry_of_another_owner_is_ignored_whoever_runs(private_cache, monkeypatch):
    cache.store("k", outer(), ALLOWED)
    monkeypatch.setattr(cache.os, "geteuid", lambda: os.stat(private_cache / "k.json").st_uid + 1)
    assert cache.load("k", ALLOWED) is None


def test_a_link_or_a_fifo_is_not_followed(private_cache, tmp_path):
    cache.store("elsewhere", 1)
    (private_cache / "k.json").symlink_to(private_cache / "elsewhere.json")
    assert cache.load("k") is None
    os.mkfifo(private_cache / "f.json")
    assert cache.load("f") is None  # and does not block


def test_no_pickle_is_loaded_anywhere_in_the_package():
    offenders = []
    for path in (ROOT / "sim").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("import pickle", "pickle.load", "cPickle", "dill", "allow_pickle=True", "marshal.load",
                       "shelve", "joblib.load"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert not offenders


# --- in the pipeline -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("race_id", ["le-mans-1957", "mille-miglia-1957"])
def test_a_warm_entry_gives_the_same_plan_and_calibration(private_cache, race_id):
    forget_calibrations()
    cold = prepare(race_id)
    forget_calibrations()
    warm = prepare(race_id)
    forget_calibrations()
    assert warm[2] is not cold[2] and warm[2] == cold[2] and repr(warm[3]) == repr(cold[3])
    assert warm[2].facts is warm[1]  # the facts are referred to, not copied


def _entry_key(race_id: str) -> str:
    race = load_race(race_id)
    facts = kinds.kind_of(race).facts(race, seed_text(race))
    return cache.key(race, facts, 1957)


def _run(out: Path, cache_folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg", "RACE_REPLAY_CACHE": str(cache_folder), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sim", "run", "le-mans-1957", "--out", str(out), "--no-plots"],
                          env=env, capture_output=True, text=True, timeout=300)


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.startswith(".") and
            p.name != "run.json"}


def test_regression_a_planted_pickle_under_the_runs_key_is_never_run(tmp_path, replay):
    """Issue 23: a pickle calling os.system, put where the next run reads its calibration, ran its command."""
    folder, marker = tmp_path / "cache", tmp_path / "MARKER"
    folder.mkdir(mode=0o700)
    key = _entry_key("le-mans-1957")
    payload = pickle.dumps(Planted(marker))
    assert cache.entry_path(key).name == f"{key}.json"
    for name in (f"{key}.json", f"{key}.pickle"):  # where the run reads, and where it used to
        (folder / name).write_bytes(payload)
    assert main(["run", "le-mans-1957", "--out", str(tmp_path / "reference"), "--no-plots"]) == 0
    planted = _run(tmp_path / "planted", folder)  # a new process, as a user's next run
    assert planted.returncode == 0, planted.stderr
    assert not marker.exists()
    assert _outputs(tmp_path / "planted") == _outputs(tmp_path / "reference")
    assert json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))["key"] == key  # recomputed, stored


@pytest.mark.slow
def test_cold_and_warm_runs_in_new_processes_write_the_same_bytes(tmp_path):
    folder = tmp_path / "cache"
    cold = _run(tmp_path / "cold", folder)
    entry = cache.entry_path(_entry_key("le-mans-1957")).name
    stored = (folder / entry).stat().st_mtime_ns
    warm = _run(tmp_path / "warm", folder)
    assert (cold.returncode, warm.returncode) == (0, 0)
    assert (folder / entry).stat().st_mtime_ns == stored  # read, not rewritten
    assert _outputs(tmp_path / "cold") == _outputs(tmp_path / "warm")
