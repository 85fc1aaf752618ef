"""Scoring a forecast against results files made up for the test (no real 1961 result is used)."""

from __future__ import annotations

import json

import pytest

from sim.cli import main
from sim.errors import RaceDataError
from sim.timesheet.score import read_results, score


def _forecast(n: int = 6) -> dict:
    cars = []
    for i in range(n):
        p_win = [0.5, 0.3, 0.1, 0.1, 0.0, 0.0][i]
        cars.append({"car": str(i + 1), "class": "S", "practice_s": 240.0 + i, "p_win": p_win,
                     "p_podium": [0.9, 0.8, 0.6, 0.4, 0.2, 0.1][i], "p_finish": [0.95, 0.9, 0.8, 0.7, 0.5, 0.3][i],
                     "expected_position": i + 1.5})
    return {"race": "made-up", "runs": 100, "seed": 0, "cars": cars}


def _results(order: list[int], classified: int) -> dict:
    return {str(n): {"pos": k + 1 if k < classified else None, "laps": 300 - 10 * k} for k, n in enumerate(order)}


def test_a_forecast_scores_better_on_the_result_it_favoured():
    expected = score(_forecast(), _results([1, 2, 3, 4, 5, 6], 4))["models"]["forecast"]
    upset = score(_forecast(), _results([6, 5, 4, 3, 2, 1], 2))["models"]["forecast"]
    for key in ("p_win", "p_podium", "p_finish"):
        assert expected[key]["brier"] < upset[key]["brier"]
        assert expected[key]["log_loss"] < upset[key]["log_loss"]
    assert expected["spearman_position"] == pytest.approx(1.0)
    assert upset["spearman_position"] < 0


def test_the_baselines_are_scored_beside_the_forecast():
    out = score(_forecast(), _results([1, 2, 3, 4, 5, 6], 3))
    assert set(out["models"]) == {"forecast", "practice order, all finish", "practice order, constant failure rate"}
    everyone = out["models"]["practice order, all finish"]
    assert everyone["p_finish"]["brier"] == pytest.approx(0.5 * 0.01 ** 2 + 0.5 * 0.99 ** 2)


def test_a_bad_results_file_names_the_item(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps([{"number": "1", "pos": 1, "laps": 300}, {"number": "2", "pos": "2nd", "laps": 3}]))
    with pytest.raises(RaceDataError, match=r"\[1\]\.pos.*2nd"):
        read_results(path)


def test_race_replay_score_prints_every_model(tmp_path, capsys):
    forecast, results = tmp_path / "f.json", tmp_path / "r.json"
    forecast.write_text(json.dumps(_forecast()))
    results.write_text(json.dumps([{"number": str(n), "pos": n if n < 4 else None, "laps": 300 - n}
                                   for n in range(1, 7)]))
    assert main(["score", str(forecast), str(results), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cars"] == 6 and len(data["models"]) == 3
    assert main(["score", str(forecast), str(tmp_path / "missing.json")]) == 2
    assert "results file not found" in capsys.readouterr().err
