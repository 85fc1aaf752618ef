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


def test_the_timesheet_gives_all_55_cars_with_a_practice_time_and_the_entry_lists_class(data):
    assert len(data.cars) == 55
    assert data.cars[0].number == "17" and data.cars[0].practice_s == pytest.approx(239.9)
    assert data.cars[0].make == "Ferrari" and data.cars[0].chassis.startswith("Ferrari 250 TRI")
    assert (data.cars[0].car_class, data.cars[0].entry.litres, data.cars[0].entry.family) == ("S3.0", 3.0, "S")
    assert {c.car_class for c in data.cars} == {"S3.0", "S2.5", "GT3.0", "GT4.0", "S2.0", "GT1.6", "GT2.0", "S1.0",
                                                "GT1.3", "S850"}
    assert data.lap_km == pytest.approx(13.461) and data.final_lap_s == 1200 and data.classified_share == 0.7
    assert data.classified_against == "class winner"
    assert set(data.index_targets.values()) == {None} and "Index of Performance" in data.index_reason
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
    sample = hz.Sample(np.zeros((n, len(hz.TERMS))), hz.TERMS, np.minimum(t, 24.0), t < 24.0)
    fitted = hz.fit(sample, [0, 6, 12, 24], {"bands": 0.1, "terms": 1.0, "makes": 1.0})
    assert np.exp(fitted.log_rates) == pytest.approx([rate] * 3, rel=0.15)


def test_the_fit_recovers_a_make_that_fails_twice_as_often():
    rng = np.random.default_rng(2)
    n = 6000
    fragile = rng.random(n) < 0.5
    t = rng.exponential(1 / np.where(fragile, 0.04, 0.02))
    x = np.column_stack([np.zeros(n), fragile.astype(float), (~fragile).astype(float)])
    sample = hz.Sample(x, ("litres", "make:A", "make:B"), np.minimum(t, 24.0), t < 24.0)
    fitted = hz.fit(sample, [0, 12, 24], {"bands": 0.01, "terms": 0.01, "makes": 0.01})
    assert np.exp(fitted.beta["make:A"] - fitted.beta["make:B"]) == pytest.approx(2.0, rel=0.15)


def test_the_hazard_is_learnt_from_the_record_with_a_cross_validated_choice(data, learnt):
    cars = data.record.cars
    assert len(cars) == 669 and sum(c.fell_out for c in cars) == 414  # the starters of 1949-1960
    assert {c.year for c in cars} == set(range(1949, 1961))  # nothing of 1961
    grid = data.hazard["grid"]
    assert len(learnt.tried) == len(grid["trend"]) * len(grid["terms"]) * len(grid["makes"])
    assert learnt.choice == max(learnt.tried, key=lambda r: r["cv_loglik"])
    assert learnt.fit.spec.names[0] == "litres" and "pace" not in learnt.fit.spec.names
    assert len(learnt.refits) == data.hazard["bootstrap"]
    assert 1.0 < learnt.pace_ratio < 1.1


def test_the_record_reads_displacement_family_and_make_as_written():
    from sim.timesheet.record import family, litres, make_of

    assert (litres("Jaguar 3.4L S6"), litres("Porsche 1498cc F4"), litres("O.S.C.A. 988c S4")) == (3.4, 1.498, 0.988)
    assert (family("GT1.6"), family("S750"), family("3.0"), family("")) == ("GT", "S", "S", "S")
    assert make_of("Aston Martin DB2", {"Aston": "Aston Martin"}) == "Aston Martin"
    assert make_of("DB HBR", {"DB": "D.B."}) == "D.B." and make_of("D.B. HBR-4", {"DB": "D.B."}) == "D.B."


HEADER = "year,pos,class,number,team_country,team,chassis,engine,laps,retired_after,reason\n"


def test_a_retired_car_without_a_time_stops_at_its_share_of_the_winners_laps(tmp_path):
    from sim.timesheet.record import read_results

    path = tmp_path / "r.csv"
    path.write_text(HEADER + "1950,1,S5.0,5,FRA,x,Talbot-Lago T26,Talbot-Lago 4.5L S6,256,,\n"
                    "1950,DNF,S1.1,40,FRA,x,Simca Huit,Simca 1.1L S4,64,,Engine\n"
                    "1950,DNF,S1.1,41,FRA,x,Simca Huit,Simca 1.1L S4,64,2:30:00,Engine\n"
                    "1950,NC,S1.1,42,FRA,x,Simca Huit,Simca 1.1L S4,150,,\n"
                    "1950,DNS,S1.1,43,FRA,x,Simca Huit,Simca 1.1L S4,0,,\n")
    cars = read_results(path, {}, 24.0)
    assert [(c.number, c.end_h, c.fell_out, c.end_known, c.classified) for c in cars] == [
        ("5", 24.0, False, True, True), ("40", 6.0, True, False, False), ("41", 2.5, True, True, False),
        ("42", 24.0, False, True, False)]


def test_a_bad_engine_text_names_file_line_and_value(tmp_path):
    from sim.errors import RaceDataError
    from sim.timesheet.record import read_results

    path = tmp_path / "r.csv"
    path.write_text(HEADER + "1950,1,S5.0,5,FRA,x,Talbot-Lago T26,Talbot-Lago big S6,256,,\n")
    with pytest.raises(RaceDataError, match=r"r.csv:2.*gives no displacement.*Talbot-Lago big S6"):
        read_results(path, {}, 24.0)


def test_the_covariates_are_log_litres_family_trend_and_make():
    from sim.timesheet.record import Car

    cars = [Car(1950, "1", "S2.0", "S", 2.0, "X", "", ""), Car(1960, "2", "GT1.0", "GT", 1.0, "Y", "", ""),
            Car(1960, "3", "S4.0", "S", 4.0, "X", "", "")]
    spec = hz.spec_of(cars, trend=True)
    assert spec.names == ("litres", "family:GT", "year", "make:X", "make:Y")
    x = spec.x(cars + [Car(1961, "4", "S1.0", "S", 1.0, "Z", "", "")])
    assert x[:, 0] == pytest.approx([1.0, 0.0, 2.0, 0.0]) and list(x[:, 1]) == [0, 1, 0, 0]
    assert x[:, 2] == pytest.approx([(y - np.mean([1950, 1960, 1960])) / 10 for y in (1950, 1960, 1960, 1961)])
    assert list(x[3, 3:]) == [0.0, 0.0]  # a make the record does not know counts 1


def test_the_70_percent_rule_is_read_against_the_class_winner(data, learnt):
    from dataclasses import replace

    setup = build_setup(data, learnt)
    n = len(setup.numbers)
    classes = np.full(n, 2)
    classes[:3], classes[3] = 0, 1
    setup = replace(setup, duration_s=1000.0, final_lap_s=60.0, classes=classes)
    crossings = np.full((1, n, 200), np.inf)
    # class 0: 100 laps; 70 (70% of its class winner's); 68 (under 70%); class 1: one car of 40 laps, its own winner
    for car, lap_s in ((0, 10.0), (1, 14.2), (2, 14.5), (3, 25.0)):
        crossings[0, car] = np.arange(1, 201) * lap_s
    out = classify(setup, crossings, np.full((1, n), np.inf))
    assert list(out["laps"][0, :4]) == [100, 70, 68, 40]
    assert list(out["classified"][0, :4]) == [True, True, False, True] and not out["classified"][0, 4:].any()
    assert list(out["class_win"][0, :4]) == [True, False, False, True] and not out["class_win"][0, 4:].any()


@given(st.lists(st.integers(0, 3), min_size=2, max_size=8), st.integers(0, 10_000))
@settings(max_examples=60, deadline=None)
def test_each_class_has_at_most_one_winner_and_it_is_classified(classes, seed):
    from sim.timesheet.montecarlo import _class_winners

    rng = np.random.default_rng(seed)
    classes = np.array(classes)
    classified = rng.random((5, len(classes))) < 0.5
    position = np.argsort(rng.random((5, len(classes))), axis=1).astype(np.int16) + 1
    won = _class_winners(classes, classified, position)
    assert not (won & ~classified).any()
    for k in np.unique(classes):
        members = classes == k
        assert ((won[:, members].sum(axis=1)) == (classified[:, members].any(axis=1))).all()
        best = np.where(classified[:, members], position[:, members], 999).min(axis=1)
        assert (np.where(won[:, members], position[:, members], 999).min(axis=1)[classified[:, members].any(axis=1)]
                == best[classified[:, members].any(axis=1)]).all()


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
        assert c["p_win"] <= c["p_class_win"] <= c["p_finish"]  # the overall winner wins its class
        assert c["laps_p10"] <= c["laps_p50"] <= c["laps_p90"]
    for k in result.summary["classes"]:
        members = [c for c in cars if c["class"] == k["class"]]
        assert k["cars"] == len(members) and k["index_target_km"] is None
        assert sum(c["p_class_win"] for c in members) + k["p_no_finisher"] == pytest.approx(1.0, abs=1e-3)


def test_the_field_looks_like_le_mans(result):
    field = result.summary["field"]
    assert 8 < field["expected_finishers"] < 35  # more than half the field usually falls out
    assert 280 < field["winner_laps_expected"] < 360  # 1957's winner ran 327 laps of the same circuit
    quick = max(result.summary["cars"], key=lambda c: c["p_win"])
    assert quick["practice_s"] < 250  # one of the quickest in practice


def test_the_mean_p_finish_lies_inside_the_decades_range(result):
    field = result.summary["field"]
    record = field["record"]
    assert (record["years"], record["share_min"], record["share_max"]) == ("1949-1960", 0.2453, 0.4833)
    assert record["share_min"] <= field["mean_p_finish"] <= record["share_max"]
    assert field["mean_p_finish"] * 55 == pytest.approx(field["expected_finishers"], abs=0.01)


def test_the_same_seed_gives_the_same_summary_and_another_seed_does_not(data, learnt):
    from sim.timesheet.montecarlo import run
    from sim.timesheet.summary import summarise

    setup = build_setup(data, learnt)
    a, b, c = (summarise(data, setup, run(setup, 300, seed, 1, False), 300, seed, learnt.shares) for seed in (4, 4, 5))
    assert json.dumps(a) == json.dumps(b) and json.dumps(a["cars"]) != json.dumps(c["cars"])


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
    assert {"forecast.json", "report.md", "run.json"} | {f"{chart}.{suffix}" for chart in (
        "probabilities", "laps", "hazard", "practice-vs-laps") for suffix in ("png", "svg")} <= names
    report = (out / "report.md").read_text()
    assert "## Calibration in the large" in report and "## Classes" in report and "| S850 | 13 | null |" in report
    assert "leave-one-year-out cross-validation" in report
    assert "Motor Sport, July 1961" in report and "assumption: pit stop seconds" in report
    assert "| 17 |" in report


def test_a_bad_hazard_setting_names_file_key_and_value(tmp_path):
    from sim.errors import RaceDataError
    from sim.factfile import RACES_DIR

    text = (RACES_DIR / RACE / "race.toml").read_text().replace("band_edges_hours = [0, 1, 3, 6, 10, 14, 18, 24]",
                                                               "band_edges_hours = [0, 6, 2, 24]")
    (tmp_path / "race.toml").write_text(text)
    for name in ("record-1949-1960.csv", "entries-1961.csv"):
        (tmp_path / name).write_bytes((RACES_DIR / RACE / name).read_bytes())
    with pytest.raises(RaceDataError, match=r"race.toml: must be ascending hours from 0 "
                                            r"\(key .hazard.band_edges_hours., value \[0, 6, 2, 24\]\)"):
        load_forecast_race(sim.load_race(RACE), tmp_path)


def test_the_command_lines_forecast_defaults_are_the_models():
    from sim.cli import forecast as cli
    from sim.timesheet import model

    assert (cli.DEFAULT_RUNS, cli.DEFAULT_SEED) == (model.DEFAULT_RUNS, model.DEFAULT_SEED)


def test_the_same_seed_writes_the_same_bytes_in_every_file(result):
    again = sim.forecast(RACE, runs=500, seed=7, workers=2, progress=False)
    first, second = result.files("{}\n"), again.files("{}\n")
    assert sorted(first) == sorted(second) and {n for n in first if n.endswith(".svg")}
    assert [n for n in first if first[n] != second[n]] == []
