"""The course profile fitted to the record of 1954-1956, the one rule for a DNF time, and who led where (issue 20)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from helpers.trial_folders import copy_folder as _copy
from helpers.trial_folders import edit as _edit
from helpers.trial_folders import load as _load

import sim
from sim.errors import RaceDataError
from sim.pipeline import run_replay
from sim.timetrial.course import Point, Route
from sim.timetrial.profile import Observation, fit, shares
from sim.timetrial.readings import agrees
from sim.timetrial.standings import control_standings, eventual_winner, leaders_data

RACE = "mille-miglia-1957"
FOLDER = Path(sim.__file__).parent / "races" / RACE
REFERENCE = Path("/work/shared/reference/mille-miglia-1955-passage.csv")


@pytest.fixture(scope="module")
def mm():
    return run_replay(RACE)


# -- the profile ---------------------------------------------------------------------------------------------------

def test_the_profile_gives_the_leaders_about_half_their_time_to_roma_not_54_percent(mm):
    """Issue 20: the old assumed profile put the first three at Roma in about 54% of their time; 1955 says 49.9%."""
    for car in ("535", "532", "417"):
        roma = mm.table.crossings[car][3] - mm.table.starts[car]
        share = roma / (mm.table.crossings[car][-1] - mm.table.starts[car])
        assert 0.49 < share < 0.52


def test_the_written_factors_are_the_fit_and_a_hand_edited_one_is_refused(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "race.toml", "coast = 0.851", "coast = 1.08")
    with pytest.raises(RaceDataError, match="is not the fit of passage.csv's rows") as raised:
        _load(folder)
    assert raised.value.key == "profile.factors.coast"


def test_an_observation_naming_a_row_not_copied_into_the_race_folder(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "race.toml", 'time = ["moss-1955-roma"]', 'time = ["moss-1955-roma-gap"]')
    with pytest.raises(RaceDataError, match="names no row of passage.csv"):
        _load(folder)


def test_the_rows_used_are_the_references_with_their_source_columns():
    reference = {(r["year"], r["driver"], r["point"], r["figure"]): r
                 for r in csv.DictReader(REFERENCE.open(encoding="utf-8"))} if REFERENCE.exists() else None
    rows = list(csv.DictReader((FOLDER / "passage.csv").open(encoding="utf-8")))
    assert len(rows) == 11 and all(r["source"] and r["quote"] and r["confidence"] for r in rows)
    assert not any(r["year"] == "1957" for r in rows)  # nothing of 1957 enters the fit
    if reference is not None:
        for row in rows:
            assert {k: v for k, v in row.items() if k != "id"} == reference[
                (row["year"], row["driver"], row["point"], row["figure"])]


def _route(kinds: list[tuple[float, str]]) -> Route:
    points = [Point(i + 1, f"p{i}", km, "", "control", road, "", 0) for i, (km, road) in enumerate(kinds)]
    return Route(tuple(points), tuple(range(1, len(points))))


def test_the_fit_finds_the_factors_that_made_synthetic_shares():
    route = _route([(0, "plain"), (100, "coast"), (200, "hills"), (300, "mountain"), (400, "plain"), (500, "")])
    truth = {"plain": 1.0, "coast": 1.2, "hills": 1.5, "mountain": 1.5}
    made = [Observation(f"o{i}", "1955", "to", f"p{i}", km, 0.0, 1.0, 0.01, (), "")
            for i, km in enumerate((100, 200, 300, 400), start=1)]
    made = [Observation(o.id, o.year, o.what, o.point, o.km, s * 1000, 1000, 0.01, (), "")
            for o, s in zip(made, shares(route, truth, made))]
    factors, sd, chi2 = fit(route, made, "plain", ("mountain", "hills", 1.0, (1.0, 1.0)))
    assert factors == pytest.approx(truth, abs=1e-6) and chi2 < 1e-9


# -- one rule for a DNF time ---------------------------------------------------------------------------------------

def test_every_written_reading_of_a_dnf_time_is_the_rules(mm):
    verdicts = mm.calibration.verdicts
    timed = [c for c in mm.plan.cars if c.reading is not None and c.reading.time_s is not None]
    assert len(timed) == 7 and set(verdicts) == {c.number for c in timed}
    for car in timed:
        assert agrees(verdicts[car.number], car), car.number


def test_de_portago_at_roma_and_gottgens_at_roma_collins_stops_before_roma_with_roma_also_fitting(mm):
    v = mm.calibration.verdicts
    assert v["531"].chosen.control == "Roma" and not v["531"].candidates[0].fits  # 295 km/h to Guidizzolo
    assert v["309"].chosen.control == "Roma" and not v["309"].also  # the only reading that fits
    assert v["534"].chosen.means == "stop-time" and "Roma" in {c.control for c in v["534"].also}


# -- who led where -------------------------------------------------------------------------------------------------

def test_gaps_are_to_the_eventual_winner_at_every_control(mm):
    frame = control_standings(mm)
    assert eventual_winner(mm) == "535"
    taruffi = frame[frame.car == "535"]
    assert np.allclose(taruffi.gap_to_winner_s, 0.0) and len(taruffi) == 8
    leaders = leaders_data(mm)
    assert [row["control"] for row in leaders][-1] == "Brescia (finish)" and leaders[-1]["top"][0]["car"] == "535"
    assert all(row["winner_position"] for row in leaders)
