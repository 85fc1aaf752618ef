import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def replay():
    """The real 1957 race, replayed once per test session (calibration takes about two seconds)."""
    from sim.replay import run_replay

    return run_replay("le-mans-1957")
