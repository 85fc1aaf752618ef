"""The forecast of the 1961 race from its practice timesheet: the hazard model, the Monte Carlo and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers.simpy_forecast import simpy_crossings
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.cli import main
from sim.timesheet import hazard as hz
from sim.timesheet.model import build_setup, learn
from sim.timesheet.montecarlo import classify, draw, run_chunk, time_laps
from sim.timesheet.race import load_forecast_race

RACE = "le-mans-1961"


@pytest.fixture(scope="module")
def data():
    return load_forecast_race(sim.load_race(RACE))


@pytest.fixture(scope="module")
def learnt(data):
    return learn(data, sim.replay(data.hazard["learn_from"]), seed=0)


@pytest.fixture(scope="module")
def result():
    return sim.forecast(RACE, runs=500, seed=7, workers=1, progress=False)


def test_the_timesheet_gives_all_55_cars_with_a_make_and_a_practice_time(data):
    assert len(data.cars) == 55
    assert data.cars[0].number == "17" and data.cars[0].practice_s == pytest.approx(239.9)
    assert data.cars[0].make == "Ferrari" and data.cars[0].chassis.startswith("Ferrari 250 TRI")
    assert not any(hasattr(c, "engine_cc") or hasattr(c, "car_class") for c in data.cars)  # the sheet gives neither
    assert data.lap_km == pytest.approx(13.461) and data.final_lap_s == 1200 and data.classified_share == 0.7
    assert data.classified_against == "overall winner" and "no class" in data.no_classes_reason
    assert all(source for _, _, source in data.sources)  # every input has a source or a reason


@given(st.floats(0.001, 2.0), st.floats(0.0, 10.0))
@settings(max_examples=60, deadline=None)
def test_a_failure_time_inverts_the_cumulative_hazard(rate, e):
    edges = np.array([0.0, 2.0, 6.0, 24.0])
    rates = np.array([[rate, 2 * rate, rate / 2]])
    t = hz.failure_times_h(rates, edges, np.array([e]))[0]
    cum = rate * min(t, 2) + 2 * rate * np.clip(t - 2, 0, 4) + rate / 2 * np.clip(t - 6, 0, 18)
    total = rate * 2 + 2 * rate * 4 + rate / 2 * 18
    if e >= total:
        assert t == np.inf
    else:
        assert cum == pytest.approx(e, rel=1e-9, abs=1e-9)


def test_the_fit_recovers_a_known_constant_rate():
    rng = np.random.default_rng(1)
    n, rate = 4000, 0.05
    t = rng.exponential(1 / rate, n)
    sample = hz.Sample(tuple(map(str, range(n))), np.zeros((n, len(hz.TERMS))), hz.TERMS, np.minimum(t, 24.0), t < 24.0)
    fitted = hz.fit(sample, [0, 6, 12, 24], {"bands": 0.1, "terms": 1.0, "makes": 1.0})
    assert np.exp(fitted.log_rates) == pytest.approx([rate] * 3, rel=0.15)


def test_the_hazard_learnt_from_1957_beats_a_constant_rate_out_of_sample(learnt):
    cv = learnt.cv
    assert len(cv["observed"]) == 54 and cv["observed"].sum() == 34  # 54 starters, 34 not classified
    assert cv["brier_model"] < cv["brier_constant"]
    assert sum(row["cars"] for row in cv["table"]) == 54
    assert 1.0 < learnt.pace_ratio < 1.1
    assert learnt.sample.names[0] == "pace" and not {"size", "class_gap"} & set(learnt.sample.names)
    assert learnt.sample.x[:, 0].min() == 0.0  # the gap to the quickest car of the replayed field


def test_no_engine_size_or_class_table_in_the_race_data():
    from sim.errors import RaceDataError
    from sim.factfile import RACES_DIR
    from sim.tomlfile import read_toml

    doc = read_toml(RACES_DIR / RACE / "race.toml", RaceDataError, "")
    assert "models" not in doc and "bands" not in doc["assumptions"]["classes"]


def test_the_pace_covariate_is_the_gap_to_the_quickest_in_tenths():
    x = hz.covariates(["a", "b", "c"], [200.0, 210.0, 240.0], ["X", "Y", "X"], ["X"])
    assert x.names == ("pace", "make:X")
    assert x.x[:, 0] == pytest.approx([0.0, 0.5, 2.0]) and list(x.x[:, 1]) == [1.0, 0.0, 1.0]


def test_the_70_percent_rule_is_read_against_the_overall_winner(data, learnt):
    from dataclasses import replace

    setup = replace(build_setup(data, learnt), duration_s=1000.0, final_lap_s=60.0)
    n = len(setup.numbers)
    crossings = np.full((1, n, 200), np.inf)
    for car, lap_s in ((0, 10.0), (1, 14.2), (2, 14.5)):  # 100 laps; 70 (70% of the winner's); 68 (under 70%)
        crossings[0, car] = np.arange(1, 201) * lap_s
    out = classify(setup, crossings, np.full((1, n), np.inf))
    assert list(out["laps"][0, :3]) == [100, 70, 68]
    assert list(out["classified"][0, :3]) == [True, True, False] and not out["classified"][0, 3:].any()


def test_the_numpy_timing_is_the_simpy_engine(data, learnt):
    setup = build_setup(data, learnt)
    d = draw(setup, 2, np.random.default_rng(3))
    fast, engine = time_laps(setup, d), simpy_crossings(setup, d)
    for r in range(2):
        for i in range(len(setup.numbers)):
            timed = np.isfinite(engine[r, i])
            assert fast[r, i, timed] == pytest.approx(engine[r, i, timed], rel=1e-12)
    assert (classify(setup, fast, d.fail_h)["position"] == classify(setup, engine, d.fail_h)["position"]).all()


def test_probabilities_are_consistent(result):
    cars = result.summary["cars"]
    assert len(cars) == 55
    assert sum(c["p_win"] for c in cars) == pytest.approx(1.0, abs=1e-3)
    assert sum(c["p_podium"] for c in cars) == pytest.approx(3.0, abs=1e-3)
    for c in cars:
        assert 0 <= c["p_win"] <= c["p_podium"] <= c["p_finish"] + 0.01 <= 1.01
        assert c["class"] is None and c["p_class_win"] is None  # the timesheet gives no classes
        assert c["laps_p10"] <= c["laps_p50"] <= c["laps_p90"]
    assert "no class" in result.summary["notes"]["p_class_win"]


def test_the_field_looks_like_le_mans(result):
    field = result.summary["field"]
    assert 8 < field["expected_finishers"] < 35  # more than half the field usually falls out
    assert 280 < field["winner_laps_expected"] < 360  # 1957's winner ran 327 laps of the same circuit
    quick = max(result.summary["cars"], key=lambda c: c["p_win"])
    assert quick["practice_s"] < 250  # one of the quickest in practice


def test_a_chunk_is_a_pure_function_of_its_seed(data, learnt):
    setup = build_setup(data, learnt)
    seed = np.random.SeedSequence(5)
    a, b = run_chunk(setup, seed, 20), run_chunk(setup, seed, 20)
    assert all((a[k] == b[k]).all() for k in a)


@pytest.mark.slow
def test_the_same_seed_gives_the_same_json_on_one_core_or_two(capsys):
    texts = []
    for workers in ("1", "2"):
        assert main(["forecast", RACE, "--runs", "600", "--seed", "3", "--workers", workers, "--format", "json"]) == 0
        texts.append(capsys.readouterr().out)
    assert texts[0] == texts[1]
    data = json.loads(texts[0])
    assert (data["race"], data["runs"], data["seed"], len(data["cars"])) == (RACE, 600, 3, 55)
    assert texts[0].isascii()


def test_a_circuit_race_cannot_be_forecast(capsys):
    assert main(["forecast", "le-mans-1957", "--runs", "10"]) == 2
    assert "cannot be forecast: it is a circuit race" in capsys.readouterr().err


def test_bad_runs_are_one_line_errors(capsys):
    assert main(["forecast", RACE, "--runs", "0"]) == 2
    assert main(["forecast", RACE, "--seed", "١٢"]) == 2
    assert "digits 0-9" in capsys.readouterr().err


@pytest.mark.slow
def test_out_writes_the_json_the_report_and_the_plots(tmp_path, capsys):
    out = tmp_path / "fc"
    assert main(["forecast", RACE, "--runs", "250", "--out", str(out), "--format", "json"]) == 0
    printed = capsys.readouterr().out
    assert (out / "forecast.json").read_text() == printed
    names = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert {"forecast.json", "report.md", "run.json", "probabilities.png", "fan.png", "hazard.png",
            "practice-vs-laps.png"} <= names
    report = (out / "report.md").read_text()
    assert "Calibration check on le-mans-1957 (leave one car out)" in report
    assert "Motor Sport, July 1961" in report and "assumption: pit stop seconds" in report
    assert "| 17 |" in report


def test_a_bad_hazard_setting_names_file_key_and_value(tmp_path):
    from sim.errors import RaceDataError
    from sim.factfile import RACES_DIR

    text = (RACES_DIR / RACE / "race.toml").read_text().replace("band_edges_hours = [0, 2, 6, 12, 18, 24]",
                                                               "band_edges_hours = [0, 6, 2, 24]")
    (tmp_path / "race.toml").write_text(text)
    with pytest.raises(RaceDataError, match=r"race.toml: must be ascending hours from 0 "
                                            r"\(key .hazard.band_edges_hours., value \[0, 6, 2, 24\]\)"):
        load_forecast_race(sim.load_race(RACE), tmp_path)


def test_the_command_lines_forecast_defaults_are_the_models():
    from sim.cli import forecast as cli
    from sim.timesheet import model

    assert (cli.DEFAULT_RUNS, cli.DEFAULT_SEED) == (model.DEFAULT_RUNS, model.DEFAULT_SEED)
