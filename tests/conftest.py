import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session", autouse=True)
def calibration_cache(tmp_path_factory):
    """Tests never read a calibration cached by an earlier run or by the user: one fresh cache per session."""
    os.environ["RACE_REPLAY_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def replay():
    """The real 1957 race, replayed once per test session (calibration takes about two seconds)."""
    from sim.pipeline import run_replay

    return run_replay("le-mans-1957")


@pytest.fixture(scope="session")
def race():
    """The parsed 1957 Le Mans document."""
    from sim.kinds import load_race

    return load_race("le-mans-1957")


@pytest.fixture(scope="session")
def seed_text(race):
    """The 1957 seed, verbatim: race data is checked against it."""
    from pathlib import Path

    return Path(race.source_file).read_text(encoding="utf-8")
