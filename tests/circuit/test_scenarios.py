"""The scenario files: the three shipped what-ifs replay, and bad files fail with the file, key and value named.

Invalid inputs live under tests/data/scenarios/invalid/, one mistake per file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.circuit.scenario import compare, load_scenario
from sim.errors import ScenarioError
from sim.pipeline import apply_scenario as apply
from sim.sources import race_ids

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
INVALID = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "invalid"


@pytest.fixture(scope="module")
def hawthorn():
    return apply(load_scenario(SCENARIOS / "hawthorn-survives.toml"))


@pytest.fixture(scope="module")
def brooks():
    return apply(load_scenario(SCENARIOS / "brooks-no-crash.toml"))


@pytest.fixture(scope="module")
def refuel_1956():
    return apply(load_scenario(SCENARIOS / "refuel-window-1956.toml"))


def refuel_laps(replay, car):
    return [e.mark for e in replay.log.of(car, ["pit_in"]) if e.refuel]


@pytest.mark.parametrize("name, remove, rules", [
    ("hawthorn-survives.toml", ("musso-piston",), ()),
    ("brooks-no-crash.toml", ("brooks-crash-tertre-rouge",), ()),
    ("refuel-window-1956.toml", (), (("min_laps_between_refuels", 34),)),
])
def test_shipped_scenarios_load(name, remove, rules):
    scenario = load_scenario(SCENARIOS / name)
    assert (scenario.race, scenario.remove_events, scenario.rules) == ("le-mans-1957", remove, rules)
    assert scenario.name and scenario.description


def test_hawthorn_survives_musso_runs_to_the_flag(replay, hawthorn):
    assert replay.table.end["7"][1] == "retired"
    assert hawthorn.table.end["7"][1] == "finished"
    assert hawthorn.table.laps_at("7", hawthorn.facts.duration_s) > 300
    assert hawthorn.label == "Hawthorn survives"
    result = compare(replay, hawthorn)
    changed = [c for c in result["changes"] if c["laps_change"] or c["status_real"] != c["status_whatif"]]
    assert [c["car"] for c in changed] == ["7"]


def test_brooks_no_crash_takes_maglioli_out_of_the_accident_too(replay, brooks):
    """Maglioli's Porsche hit Brooks's wreck at Tertre Rouge: without the crash both cars run on."""
    for car in ("20", "32"):
        assert replay.table.end[car][1] == "retired"
        assert brooks.table.end[car][1] == "finished"
    result = compare(replay, brooks)
    changed = {c["car"] for c in result["changes"] if c["laps_change"]}
    assert changed == {"20", "32"}


def test_other_cars_keep_their_laps_when_a_retirement_is_removed(replay, hawthorn, brooks):
    t = replay.facts.duration_s
    for whatif, removed in ((hawthorn, {"7"}), (brooks, {"20", "32"})):
        for car in set(replay.table.cars) - removed:
            assert whatif.table.laps_at(car, t) == replay.table.laps_at(car, t), car


def test_1956_window_refuels_no_earlier_than_34_laps(replay, refuel_1956):
    """Regular stops move to every 34 laps; the two refuels the sources tell of stay where they were
    (Masson's Lotus 41 refuelled at lap 31 after pushing it in, Dubois's Porsche 60 refuelled too early)."""
    told = {"41", "60"}
    for car in set(refuel_1956.table.cars) - told:
        gaps = np.diff([0] + refuel_laps(refuel_1956, car))
        assert (gaps >= 34).all(), car
    assert refuel_laps(refuel_1956, "41")[0] == refuel_laps(replay, "41")[0] == 31
    assert len(refuel_laps(refuel_1956, "3")) < len(refuel_laps(replay, "3"))
    assert refuel_1956.plan.rules["min_laps_between_refuels"] == 34


ERRORS = {
    "unknown-car.toml": "unknown-car.toml: names a car that did not start this race (key 'car[0].number', value '99')",
    "unknown-event.toml": ("unknown-event.toml: names no event of this race (see its events.toml) "
                           "(key 'scenario.remove_events[0]', value 'musso-crash')"),
    "unknown-rule.toml": ("unknown-rule.toml: is not a known rules key "
                          "(known: min_laps_between_refuels, max_stint_laps, max_driver_hours) "
                          "(key 'rules.max_refuels', value 10)"),
    "rule-wrong-type.toml": "rule-wrong-type.toml: must be int (key 'rules.min_laps_between_refuels', value '34')",
    "rule-not-positive.toml": "rule-not-positive.toml: must be > 0 (key 'rules.min_laps_between_refuels', value 0)",
    "pace-wrong-type.toml": "pace-wrong-type.toml: must be int or float (key 'car[0].pace_factor', value True)",
    "event-not-string.toml": ("event-not-string.toml: must be an event id (a string) "
                              "(key 'scenario.remove_events[0]', value 7)"),
    "no-name.toml": "no-name.toml: is required (key 'scenario.name')",
    "unknown-section.toml": ("unknown-section.toml: is not a known section (scenario, rules, assumptions, car) "
                             "(key 'weather')"),
    "not-toml.toml": ("not-toml.toml: not valid TOML: Expected ']' at the end of a table declaration "
                      "(at line 1, column 10)"),
    "event-twice.toml": ("event-twice.toml: names an event already removed "
                         "(key 'scenario.remove_events[1]', value 'musso-piston')"),
    "car-twice.toml": ("car-twice.toml: names a car already changed above: put all its changes in one [[car]] "
                       "(key 'car[1].number', value '7')"),
    # issue 8: NaN and infinity (TOML allows both), ranges, a missing race, an unreadable file
    "pace-nan.toml": "pace-nan.toml: must be a finite number (key 'car[0].pace_factor', value nan)",
    "pace-inf.toml": "pace-inf.toml: must be a finite number (key 'car[0].pace_factor', value inf)",
    "pace-zero.toml": "pace-zero.toml: must be from 0.5 to 2 (key 'car[0].pace_factor', value 0)",
    "pit-stop-inf.toml": "pit-stop-inf.toml: must be a finite number (key 'assumptions.pit_stop_seconds', value inf)",
    "pit-stop-nan.toml": "pit-stop-nan.toml: must be a finite number (key 'assumptions.pit_stop_seconds', value nan)",
    "pit-stop-too-long.toml": ("pit-stop-too-long.toml: must be at most 3600 seconds (an hour) "
                               "(key 'assumptions.pit_stop_seconds', value 7200)"),
    "rule-nan.toml": "rule-nan.toml: must be a finite number (key 'rules.max_driver_hours', value nan)",
    "no-race.toml": "no-race.toml: is required (key 'scenario.race')",
    "unknown-race.toml": (f"unknown-race.toml: names no race (known: {', '.join(race_ids())}) "
                          "(key 'scenario.race', value 'le-mans-1975')"),
    "finish-not-bool.toml": "finish-not-bool.toml: must be bool (key 'car[0].finish', value 'yes')",
    "car-not-array.toml": "car-not-array.toml: must be an array of tables [[car]] (key 'car')",
    "not-utf8.toml": "not-utf8.toml:3: is not UTF-8 text (byte 0xe9)",
}


def test_every_invalid_file_has_an_expected_message():
    assert sorted(p.name for p in INVALID.glob("*.toml")) == sorted(ERRORS)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_bad_scenario_names_file_key_and_value(name):
    with pytest.raises(ScenarioError) as info:
        apply(load_scenario(INVALID / name))
    assert str(info.value) == ERRORS[name]
    assert info.value.file == str(INVALID / name)


def test_missing_scenario_file():
    with pytest.raises(ScenarioError, match=r"^nope\.toml: scenario file not found$"):
        load_scenario(INVALID / "nope.toml")


def test_a_folder_in_place_of_a_scenario_file(tmp_path):
    (tmp_path / "whatif.toml").mkdir()
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "whatif.toml")
    assert str(info.value) == "whatif.toml: is a folder, not a TOML file"


def test_a_bad_scenario_is_one_line_on_stderr_and_exit_2(tmp_path, capsys):
    """The command line reports a NaN pace as it reports any user mistake: one line, status 2, no output written."""
    from sim.cli import main

    out = tmp_path / "x"
    assert main(["plot", "le-mans-1957", "--scenario", str(INVALID / "pace-nan.toml"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err == "race-replay: error: " + ERRORS["pace-nan.toml"] + "\n"
    assert not out.exists()
