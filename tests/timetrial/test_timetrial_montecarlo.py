"""The time trial's Monte Carlo (issue 20, items 2 and 4): the profile, the tied ratio, the car types on the
Apennine roads and the DNF readings drawn; every finisher still at Brescia on the table's time; who leads where."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.errors import RaceDataError
from sim.kinds import replay_kind
from sim.montecarlo.run import base, run_draw
from sim.montecarlo.summary import markdown_report, summarise, to_json
from sim.montecarlo.tally import Tally
from sim.pipeline import replay_plan, run_replay
from sim.timetrial.draws import draw_values, with_values
from sim.timetrial.facts import load_facts

RACE = "mille-miglia-1957"
FOLDER = Path(sim.__file__).parent / "races" / RACE


@pytest.fixture(scope="module")
def facts():
    return base(RACE)[1]


def _replay(facts_drawn, label="draw"):
    race = sim.load_race(RACE)
    kind = replay_kind(race)
    plan, calibration = kind.prepare(race, facts_drawn, 0)
    return replay_plan(race, facts_drawn, plan, calibration, label=label)


def _elapsed_at_finish(replay) -> dict[str, float]:
    table = replay.table
    return {c.number: float(table.crossings[c.number][-1] - table.starts[c.number]) for c in replay.plan.cars
            if c.status == "classified"}


def test_the_race_folder_names_each_range_with_its_reason(facts):
    names = {r.name: r for r in facts.ranges}
    assert {"profile.coast", "profile.hills", "profile.tied.ratio", "car_type.GT", "car_type.touring",
            "reading.534", "reading.531"} <= set(names)
    assert "car_type.sports" not in names  # the profile's own: fitted to sports cars, not drawn
    assert names["profile.coast"].sd == pytest.approx(facts.profile.sd["coast"])
    assert (names["profile.tied.ratio"].low, names["profile.tied.ratio"].high) == (1.0, 1.5)
    assert names["reading.534"].choices == ("stop-time", "elapsed at Pescara", "elapsed at L'Aquila", "elapsed at Roma")
    assert all(r.reason for r in facts.ranges)


def test_the_default_values_are_the_default_facts_and_a_draw_is_a_function_of_seed_and_index(facts):
    assert with_values(facts, {r.name: r.value for r in facts.ranges}) == facts
    a, b = draw_values(facts, 7, 3), draw_values(facts, 7, 3)
    assert a == b and a != draw_values(facts, 7, 4) and a != draw_values(facts, 8, 3)
    for r in facts.ranges:
        assert r.low <= a[0][r.name] <= r.high


def test_every_finisher_reaches_brescia_on_the_tables_time_in_every_draw(facts):
    expected = _elapsed_at_finish(run_replay(RACE))
    for index in range(3):
        values, _ = draw_values(facts, 1957, index)
        got = _elapsed_at_finish(_replay(with_values(facts, values)))
        assert got == expected  # to the second, whatever the profile, the car types and the readings drawn


def test_the_extreme_car_type_factors_keep_the_finish_and_move_the_share_before_the_apennines(facts):
    slow = with_values(facts, {"car_type.GT": 1.15, "car_type.touring": 1.2})
    fast = with_values(facts, {"car_type.GT": 0.9, "car_type.touring": 0.85})
    a, b = _replay(slow), _replay(fast)
    assert _elapsed_at_finish(a) == _elapsed_at_finish(b)
    gt = next(c.number for c in a.plan.cars if c.status == "classified" and c.car_class.startswith("GT"))
    sports = next(c.number for c in a.plan.cars if c.status == "classified" and c.car_class.startswith("S"))
    slow_gt, fast_gt = (float(r.table.crossings[gt][0] - r.table.starts[gt]) for r in (a, b))
    assert slow_gt < fast_gt  # losing more on the passes, it was faster on the plain before them
    assert a.table.crossings[sports][0] == b.table.crossings[sports][0]  # a sports car's profile is the profile's


def test_a_drawn_reading_replaces_the_written_one(facts):
    replay = _replay(with_values(facts, {"reading.534": 3.0}))  # elapsed at Roma, then out before Firenze
    table = replay.table
    assert float(table.crossings["534"][3] - table.starts["534"]) == 5 * 3600 + 3 * 60 + 11
    assert len(table.crossings["534"]) == 4
    default = run_replay(RACE).table
    assert len(default.crossings["534"]) == 3  # the written reading: stops between L'Aquila and Roma


def test_the_readings_drawn_are_the_ones_the_rule_finds_also_fit():
    """The data (conflicts.toml [[reading.also]]) is held to the rule of sim/timetrial/readings.py."""
    replay = run_replay(RACE)
    for car, verdict in replay.calibration.verdicts.items():
        drawn = replay.facts.alternatives.get(car, ())
        labels = {(r.means, r.control) for r in drawn[1:]}
        assert labels == {(c.means, c.control) for c in verdict.also}, car


def test_the_summary_says_who_leads_at_each_control_the_same_whatever_the_batches(facts):
    results = [run_draw(RACE, 5, i) for i in range(4)]
    whole = summarise(RACE, facts, 5, Tally.of(results))
    merged = Tally.of(results[2:]).merge(Tally.of(results[:2]))
    assert to_json(summarise(RACE, facts, 5, merged)) == to_json(whole)
    names = [c["control"] for c in whole["controls"]]
    assert names == list(facts.route.mark_names)
    for control in whole["controls"]:
        assert sum(control["leaders"].values()) == pytest.approx(1.0)
        for row in control["front"]:
            assert row["elapsed_p10"] <= row["elapsed_p50"] <= row["elapsed_p90"]
    finish = whole["controls"][-1]
    assert finish["leaders"] == whole["winners"] == {"535": 1.0}  # Taruffi, on the table's time in every draw
    taruffi = next(r for r in finish["front"] if r["car"] == "535")
    assert taruffi["elapsed_p10"] == taruffi["elapsed_p90"] == 10 * 3600 + 27 * 60 + 47
    report = markdown_report(whole, facts)
    assert "## Who leads at each control" in report and "| Roma | 874 |" in report
    assert "reading.534: one of stop-time" in report


def test_the_montecarlo_command_writes_the_json_and_the_report(tmp_path, capsys):
    from sim.cli import main

    assert main(["montecarlo", RACE, "--runs", "2", "--out", str(tmp_path), "--no-plots", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["calibrated"] == 2 and len(data["controls"]) == 8
    assert json.loads((tmp_path / "montecarlo.json").read_text()) == data
    sim.MonteCarlo.read(tmp_path / "montecarlo.json")  # a valid summary: a time trial's has no hourly bands
    assert "Who leads at each control" in (tmp_path / "report.md").read_text()


@pytest.mark.slow
def test_serial_and_two_dask_workers_give_the_same_json():
    serial = sim.monte_carlo(RACE, runs=8, seed=3, workers=1)
    dask = sim.monte_carlo(RACE, runs=8, seed=3, workers=2)
    assert serial.to_json() == dask.to_json()


def _copy(tmp_path) -> Path:
    folder = tmp_path / RACE
    shutil.copytree(FOLDER, folder)
    return folder


def _load(folder):
    race = sim.load_race(RACE)
    return load_facts(race, Path(race.source_file).read_text(encoding="utf-8"), folder)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_class_with_no_car_type_names_it(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "race.toml", 'classes = ["T", "TS"]', 'classes = ["T"]')
    with pytest.raises(RaceDataError) as err:
        _load(folder)
    assert "gives no type to the class" in err.value.message and "TS" in str(err.value)


def test_an_alternative_reading_that_repeats_the_written_one_is_refused(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "conflicts.toml", 'control = "Pescara"\nstop_at = "Guidizzolo"', 'control = "Roma"\n'
          'stop_at = "Guidizzolo"')
    with pytest.raises(RaceDataError) as err:
        _load(folder)
    assert err.value.key == "reading.531.also[0]"


def test_an_unknown_key_of_the_draws_section_names_it(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "race.toml", "[draws.tied]", "[draws.tide]")
    with pytest.raises(RaceDataError, match="tide"):
        _load(folder)


def test_no_draws_section_no_ranges(tmp_path, facts):
    folder = _copy(tmp_path)
    text = (folder / "race.toml").read_text(encoding="utf-8")
    start, end = text.index("[draws]"), text.index("[assumptions.start_rule]")
    (folder / "race.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    assert _load(folder).ranges == () and np.isclose(_load(folder).road_factor["coast"], facts.road_factor["coast"])


def test_the_controls_chart_shows_the_bands_and_the_leaders_shares(facts):
    from sim.timetrial.plots import control_chart

    summary = summarise(RACE, facts, 5, Tally.of(run_draw(RACE, 5, i) for i in range(2)))
    fig = control_chart(run_replay(RACE), bands=summary)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith("535 ") and t.endswith("%") for t in texts)  # who leads at the finish, in what share
    assert "10th-90th percentile over 2 draws" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="not of this race"):
        control_chart(run_replay(RACE), bands={**summary, "race": "le-mans-1957"})
    finish = summary["controls"][-1]["front"]
    assert [r["position_p50"] for r in finish][:3] == [1, 2, 3]
