"""What the Monte Carlo says (issue 12, item 5): the notebook API, the saved file, bands on the charts, the CLI.

A few draws of Hawthorn's assumed troubles only (`only=("event.hawthorn-*",)`: every such draw calibrates), in
this process, once per module.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import sim
from sim.errors import RaceReplayError

ONLY = ("event.hawthorn-*",)
RUNS = 3


@pytest.fixture(scope="module")
def mc():
    return sim.monte_carlo("le-mans-1957", runs=RUNS, seed=5, only=ONLY, scenario="scenarios/hawthorn-survives.toml")


@pytest.fixture(scope="module")
def saved(mc, tmp_path_factory):
    return mc.save(tmp_path_factory.mktemp("mc") / "montecarlo.json")


def test_the_api_object_answers_the_questions(mc):
    assert (mc.race, mc.runs, mc.seed) == ("le-mans-1957", RUNS, 5)
    assert mc.calibrated + sum(mc.failed.values()) == RUNS and mc.calibrated == RUNS  # hawthorn-only draws calibrate
    assert abs(sum(mc.winners.values()) - 1) < 1e-9 and mc.p_win("3") == mc.winners.get("3", 0.0)
    assert mc.p_win(7, scenario=True) == mc.scenario_winners.get("7", 0.0)
    assert abs(sum(mc.scenario_winners.values()) - 1) < 1e-9
    for margin in (mc.margin, mc.scenario_margin):
        assert margin["p10"] <= margin["p50"] <= margin["p90"]
        assert abs(sum(margin["share"].values()) - 1) < 1e-3 and all(isinstance(k, int) for k in margin["share"])
        assert min(margin["share"]) <= margin["p50"] <= max(margin["share"])
    assert mc.summary["margin_laps_share"] and mc.summary["scenario_margin_laps_share"]
    with pytest.raises(RaceReplayError, match="is not a car of this Monte Carlo"):
        mc.p_win("999")


def test_checkpoint_shares_say_in_how_many_draws_each_holds(mc):
    shares = mc.checkpoint_shares()
    assert list(shares.columns) == ["id", "kind", "pass", "fitted", "fail", "conflict", "not evaluated", "holds"]
    assert len(shares) == len(mc.summary["checkpoints"]) and shares.kind.notna().all()
    total = shares[["pass", "fitted", "fail", "conflict", "not evaluated"]].sum(axis=1)
    assert np.allclose(total, 1.0, atol=1e-3)
    assert np.allclose(shares.holds, shares["pass"] + shares["fitted"], atol=1e-3)
    conflict = shares[shares.conflict > 0]
    assert len(conflict) and (conflict.holds < 1).all()  # a conflict never counts as holding


def test_positions_are_the_bands_per_car_and_hour(mc):
    frame = mc.positions()
    assert list(frame.columns[:5]) == ["car", "hour", "p10", "p50", "p90"]
    assert set(frame.hour) == set(range(1, 25)) and frame.car.nunique() == 54
    assert (frame.p10 <= frame.p50).all() and (frame.p50 <= frame.p90).all()
    assert (frame.laps_behind_p10 <= frame.laps_behind_p90).all()
    winner = frame[(frame.car == "3") & (frame.hour == 24)].iloc[0]
    assert winner.p50 == 1 and winner.laps_behind_p50 == 0


def test_save_and_read_give_the_same_summary(mc, saved):
    back = sim.MonteCarlo.read(saved)
    assert back.summary == mc.summary and back.winners == mc.winners and back.margin == mc.margin
    assert json.loads(saved.read_text())["race"] == "le-mans-1957"


@pytest.mark.parametrize("text, message", [
    ("not json", "not.json: is not a Monte Carlo summary (montecarlo.json): not JSON"),
    ("[1, 2]", "not.json: is not a Monte Carlo summary (montecarlo.json): not a JSON object"),
    ('{"race": "le-mans-1957", "runs": 3}', "not.json: is not a Monte Carlo summary (montecarlo.json): a key is "
                                            "missing (key 'seed')"),
    ('{"race": "x", "runs": "3"}', "not.json: is not a Monte Carlo summary (montecarlo.json): must be a whole "
                                   "number (key 'runs', value '3')"),
])
def test_a_file_that_is_not_a_montecarlo_json_is_one_error(tmp_path, text, message):
    path = tmp_path / "not.json"
    path.write_text(text)
    with pytest.raises(RaceReplayError) as err:
        sim.MonteCarlo.read(path)
    assert str(err.value).startswith(message)


def test_a_band_without_its_keys_names_the_key(saved, tmp_path):
    data = json.loads(saved.read_text())
    del data["positions"][4]["p90"]
    (tmp_path / "m.json").write_text(json.dumps(data))
    with pytest.raises(RaceReplayError, match=r"m\.json: .* \(key 'positions\[4\]\.p90'\)"):
        sim.MonteCarlo.read(tmp_path / "m.json")


def test_bad_arguments_are_one_error():
    with pytest.raises(RaceReplayError, match="matches no range of this race .key 'only', value 'nothing.'"):
        sim.monte_carlo("le-mans-1957", runs=1, only=("nothing*",))
    with pytest.raises(RaceReplayError, match="key 'runs', value 0"):
        sim.monte_carlo("le-mans-1957", runs=0)


def _bands(ax):
    return {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("band-")}


def test_the_position_chart_draws_a_band_per_car(replay, mc):
    fig = sim.position_chart(replay, top=6, bands=mc)
    ax = fig.axes[0]
    shown = [line.get_gid()[4:] for line in ax.lines if (line.get_gid() or "").startswith("car-")]
    bands = _bands(ax)
    assert set(bands) == {f"band-{car}" for car in shown}
    assert "10th–90th percentile over 3 draws" in ax.get_title()
    band = bands["band-3"]
    assert band.get_alpha() < 0.3 and band.get_facecolor()[0][:3] == pytest.approx(
        matplotlib_rgb(next(line for line in ax.lines if line.get_gid() == "car-3").get_color()))
    verts = band.get_paths()[0].vertices
    # hour 1 to the flag; the winner's place, first in every draw, is a thin band around P1 (steps, as the lines)
    assert verts[:, 0].min() == 1 and verts[:, 0].max() == 24 and verts[:, 1].min() == pytest.approx(0.75)
    assert 1.5 in verts[:, 0] and 0.5 not in verts[:, 0]
    legend_texts = [t.get_text() for legend in ax.artists + [ax.get_legend()] if legend is not None
                    for t in legend.get_texts()]
    assert any("Monte Carlo band" in t for t in legend_texts)
    assert not _bands(sim.position_chart(replay, top=6).axes[0])  # no bands unless asked


def matplotlib_rgb(colour):
    from matplotlib.colors import to_rgb

    return to_rgb(colour)


def test_the_race_history_chart_draws_laps_behind_bands(replay, mc):
    ax = sim.race_history_chart(replay, top=6, bands=mc.summary).axes[0]
    bands = _bands(ax)
    assert "band-3" in bands and "10th–90th percentile over 3 draws" in ax.get_title()
    retired = bands["band-7"].get_paths()[0].vertices  # Hawthorn's Ferrari retired in the 4th hour: band ends there
    assert retired[:, 0].max() <= 4
    winner = bands["band-3"].get_paths()[0].vertices
    assert winner[:, 1].max() <= 1  # the winner is never more than a lap behind at an hour's end


def test_bands_of_another_race_are_refused(replay, mc):
    with pytest.raises(ValueError, match="are not of this race"):
        sim.position_chart(replay, bands={**mc.summary, "race": "another-race"})


def test_plot_bands_from_a_saved_file(saved, tmp_path, capsys):
    from sim.cli import main

    assert main(["plot", "le-mans-1957", "--kind", "positions", "--bands", "--montecarlo", str(saved),
                 "--out", str(tmp_path) + "/"]) == 0
    assert (tmp_path / "positions.png").stat().st_size > 10_000
    svg = (tmp_path / "positions.svg").read_text()
    assert 'id="band-3"' in svg and "over 3 draws" in svg
    capsys.readouterr()
    data = json.loads(saved.read_text())
    (tmp_path / "other.json").write_text(json.dumps({**data, "race": "another-race"}))
    assert main(["plot", "le-mans-1957", "--montecarlo", str(tmp_path / "other.json"), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == ("race-replay: error: other.json: is a Monte Carlo of another race, not of "
                                       "le-mans-1957 (key 'race', value 'another-race')\n")


@pytest.mark.parametrize("argv, message", [
    (["--kind", "class", "--bands"],
     "draws no bands (--bands draws on positions, history) (key '--kind', value 'class')"),
    (["--runs", "5"], "applies only with --bands (key '--runs')"),
    (["--bands", "--runs", "0"],
     "argument --runs: must be a whole number of 1 or more in the digits 0-9 (value '0') "
     "(try race-replay plot --help)"),
    (["--bands", "--scenario", "scenarios/hawthorn-survives.toml"],
     "are of the real race's draws: give --bands or --scenario, not both (key '--bands')"),
])
def test_plot_band_options_are_checked(tmp_path, capsys, argv, message):
    from sim.cli import main

    assert main(["plot", "le-mans-1957", *argv, "--out", str(tmp_path) + "/"]) == 2
    assert capsys.readouterr().err == f"race-replay: error: {message}\n"


def _run_with_draws(out, *extra):
    from sim.cli import main

    assert main(["run", "le-mans-1957", "--draws", "2", "--workers", "1", "--only", ONLY[0], "--out", str(out),
                 *extra]) == 0


def test_run_with_draws_writes_montecarlo_json_and_the_holds_column(tmp_path, capsys):
    out = tmp_path / "run"
    _run_with_draws(out, "--no-plots")
    printed = capsys.readouterr().out
    assert "Monte Carlo: 2 draws (seed 1957), 2 calibrated" in printed
    data = sim.MonteCarlo.read(out / "montecarlo.json")
    assert data.runs == 2 and data.summary["only"] == list(ONLY)
    report = (out / "checkpoints.md").read_text()
    assert "| status | holds in % of draws (refit, if fitted) | checkpoint |" in report
    assert "**Holds in % of draws**: the share of 2 recalibrated Monte Carlo draws" in report
    holds = {cp["id"]: cp for cp in data.summary["checkpoints"]}
    share = sim.MonteCarlo(data.summary).checkpoint_shares().set_index("id").holds["musso-second-in-fourth-hour"]
    assert f"musso-second-in-fourth-hour: published 2, replay 2; holds in {100 * share:.0f}% of draws" in report
    assert "musso-second-in-fourth-hour" in holds
    fitted = [c for c in data.summary["checkpoints"] if "fitted" in c["status_share"]]
    assert fitted and "**refit in % of draws** (a fitted statement)" in report
    for c in fitted:  # a fitted checkpoint's share is never shown as "holds", nor among the evidence
        (row,) = [line for line in report.splitlines() if line.startswith("| ") and f"| {c['id']} |" in line]
        assert "| refit " in row and "| holds " not in row, row
    evidence = report.split("**The evidence**", 1)[1].split("## Checkpoints", 1)[0]
    assert "refit" not in evidence and not any(f" {c['id']}:" in evidence for c in fitted)


@pytest.mark.slow
def test_run_with_draws_draws_the_bands_on_its_plots(tmp_path, capsys):
    _run_with_draws(tmp_path)
    assert 'id="band-3"' in (tmp_path / "positions.svg").read_text()
    assert 'id="band-3"' in (tmp_path / "history.svg").read_text()
    assert 'id="band-3"' not in (tmp_path / "class.svg").read_text()


def test_run_without_draws_is_as_before(tmp_path, capsys):
    from sim.cli import main

    assert main(["run", "le-mans-1957", "--no-plots", "--out", str(tmp_path)]) == 0
    assert not (tmp_path / "montecarlo.json").exists()
    assert "holds in % of draws" not in (tmp_path / "checkpoints.md").read_text()
    assert "Monte Carlo" not in capsys.readouterr().out


def test_run_draws_on_a_race_without_ranges_is_one_error(tmp_path, capsys):
    from sim.cli import main

    assert main(["run", "le-mans-1961", "--draws", "2", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("race-replay: error: cannot be used: the race cannot be replayed: it is a timesheet "
                          "race")
    assert err.endswith("(key '--draws', value 2)\n") and not any(tmp_path.iterdir())


def test_the_readme_monte_carlo_example_runs(tmp_path, monkeypatch, capsys):
    """The README's Monte Carlo section in Python, with 3 draws instead of 20 and the file in a temporary folder."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    section = (root / "README.md").read_text(encoding="utf-8").split("## Monte Carlo over", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, re.S)
    assert "runs=20" in block and "out/montecarlo.json" in block
    block = block.replace("runs=20", "runs=3").replace("out/montecarlo.json", str(tmp_path / "montecarlo.json"))
    monkeypatch.chdir(root)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the README is ours
    out = capsys.readouterr().out
    assert out.startswith("<MonteCarlo le-mans-1957: 3 draws, seed 1957, 3 calibrated; winners car 3 100%>")
    assert set(namespace["shares"].columns) >= {"id", "holds"} and len(namespace["bands"]) == 54 * 24


def test_montecarlo_out_writes_the_banded_plots_and_the_report(tmp_path, capsys):
    from sim.cli import main

    assert main(["montecarlo", "le-mans-1957", "--runs", "2", "--workers", "1", "--only", ONLY[0],
                 "--out", str(tmp_path)]) == 0
    assert "winner's margin (laps): p10 " in capsys.readouterr().out
    names = {p.name for p in tmp_path.iterdir()}
    assert {"montecarlo.json", "report.md", "checkpoints.md", "positions.png", "positions.svg", "history.png",
            "history.svg"} <= names
    assert "| status | holds in % of draws (refit, if fitted) |" in (tmp_path / "checkpoints.md").read_text()
    assert "| conflict | holds, or refit if fitted |" in (tmp_path / "report.md").read_text()
    assert 'id="band-3"' in (tmp_path / "history.svg").read_text()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["positions"][0].__setitem__("hour", "x"),
         "must be a whole number, 0 or more (key 'positions[0].hour', value 'x')"),
        (lambda d: d["positions"][0].__setitem__("car", 3),
         "a car number must be text (key 'positions[0].car', value 3)"),
        (lambda d: d.__setitem__("positions", []), "calibrated draws but no bands (key 'positions', value '[]')"),
        (lambda d: d["checkpoints"][0]["status_share"].__setitem__("pass", "a"),
         "a share must be a number from 0 to 1 (key 'checkpoints[0].status_share.pass', value 'a')"),
    ],
)
def test_a_hand_edited_montecarlo_file_is_one_error_naming_the_key(tmp_path, mc, change, message):
    data = json.loads(json.dumps(mc.summary))
    change(data)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(sim.RaceReplayError) as err:
        sim.MonteCarlo.read(path)
    assert str(err.value) == f"edited.json: is not a Monte Carlo summary (montecarlo.json): {message}"


@pytest.mark.parametrize("workers", [-1, 0, 2.5, True])
def test_a_bad_worker_count_is_an_error_before_any_cluster_starts(workers):
    # -1 once started a Dask cluster with no workers and waited for ever
    with pytest.raises(sim.RaceReplayError, match="key 'workers'"):
        sim.monte_carlo("le-mans-1957", runs=1, workers=workers)


def test_holds_is_not_applicable_where_no_draw_could_tell():
    from sim.bands import holds_text

    assert holds_text({"pass": 0.97, "fail": 0.03}) == "97%"
    assert holds_text({"fitted": 0.4, "fail": 0.6}) == "40%"
    assert holds_text({"fail": 1.0}) == "0%"
    assert holds_text({"conflict": 1.0}) == holds_text({"not evaluated": 1.0}) == holds_text({}) == "n/a"


def test_winner_pit_time_fitted_with_the_pit_stop_each_draw_changes_is_not_said_to_hold():
    """Incident: the Monte Carlo report said the fitted winner-pit-time "holds in 5% of draws"."""
    from sim.bands import draw_share_text

    assert draw_share_text({"fitted": 0.05, "fail": 0.95}, fitted=True) == "refit 5%"
    assert draw_share_text({"pass": 0.97, "fail": 0.03}, fitted=False) == "holds 97%"
    assert draw_share_text({"conflict": 1.0}, fitted=True) == "n/a"


def test_the_plots_that_take_bands_are_one_list():
    from sim.circuit.charts import BAND_KINDS
    from sim.circuit.plotkinds import BAND_PLOT_KINDS

    assert sim.KINDS["circuit"].band_kinds == BAND_PLOT_KINDS == BAND_KINDS
    assert sim.KINDS["time-trial"].band_kinds == ("controls",)  # issue 20: the leaders at each control, banded
