"""One API for every kind: each public function and each command either works on a race of each kind or refuses in
one line that says what the kind cannot do (a RaceReplayError; exit status 2 on the command line), never a
traceback."""

from __future__ import annotations

import inspect
import json

import pytest

import sim
from sim.cli import main

RACES = {"circuit": "le-mans-1957", "time-trial": "mille-miglia-1957", "timesheet": "le-mans-1961"}
REPLAY_FUNCTIONS = ("position_chart", "race_history_chart", "class_chart", "index_chart", "distance_time_chart",
                    "control_chart", "gap_chart", "road_vs_elapsed_chart", "check", "check_regulations",
                    "final_classification")
PAIR_FUNCTIONS = ("compare", "changed_cars", "comparison_chart")  # a real replay and a what-if of it
RACE_FUNCTIONS = ("entries_frame", "find_anomalies", "index_of_performance", "lap_length_km")


def _works_or_refuses(call) -> str:
    """'works' or 'refuses' (one RaceReplayError of one line); anything else fails the test."""
    try:
        call()
    except sim.RaceReplayError as exc:
        assert "\n" not in str(exc), str(exc)
        return "refuses"
    return "works"


@pytest.fixture(scope="module")
def replays():
    return {kind: sim.replay(race) for kind, race in RACES.items() if kind != "timesheet"}


def test_every_public_function_is_one_of_those_this_test_calls():
    """A new public function must be added here, so that it is tried on every kind."""
    called = {*REPLAY_FUNCTIONS, *PAIR_FUNCTIONS, *RACE_FUNCTIONS, "replay", "load_race", "forecast", "monte_carlo",
              "anchor_ids", "anchor_dependence", "load_scenario", "apply_scenario", "run_replay"}
    not_about_a_race = {"parse_document", "read_document", "race_ids", "kind_of", "save_figure", "positions_matrix",
                        "standings_at", "target_km"}  # documents, files and tables, not a race of one kind
    functions = {n for n in sim.__all__ if inspect.isfunction(getattr(sim, n)) or callable(getattr(sim, n))
                 and not inspect.isclass(getattr(sim, n))} - {"KINDS"}
    assert sorted(functions - called - not_about_a_race) == []


@pytest.mark.parametrize("kind", RACES)
def test_a_race_of_each_kind_replays_or_says_why_not(kind):
    expected = "refuses" if kind == "timesheet" else "works"
    assert _works_or_refuses(lambda: sim.replay(RACES[kind])) == expected
    assert _works_or_refuses(lambda: sim.load_race(RACES[kind])) == "works"


@pytest.mark.parametrize("name", REPLAY_FUNCTIONS)
@pytest.mark.parametrize("kind", ["circuit", "time-trial"])
def test_every_function_of_a_replay_works_or_refuses(replays, kind, name):
    _works_or_refuses(lambda: getattr(sim, name)(replays[kind]))


@pytest.mark.parametrize("name", PAIR_FUNCTIONS)
@pytest.mark.parametrize("kind", ["circuit", "time-trial"])
def test_every_function_of_a_real_race_and_a_what_if_works_or_refuses(replays, kind, name):
    _works_or_refuses(lambda: getattr(sim, name)(replays[kind], replays[kind]))


@pytest.mark.parametrize("name", RACE_FUNCTIONS)
@pytest.mark.parametrize("kind", RACES)
def test_every_function_of_a_parsed_race_works_or_refuses(kind, name):
    _works_or_refuses(lambda: getattr(sim, name)(sim.load_race(RACES[kind])))


@pytest.mark.parametrize("kind", RACES)
def test_the_kind_specific_analyses_work_for_their_kind_and_refuse_the_others(kind):
    race = RACES[kind]
    expected = {"forecast": kind == "timesheet", "monte_carlo": kind in ("circuit", "time-trial"),
                "anchor_ids": kind == "circuit"}
    calls = {"forecast": lambda: sim.forecast(race, runs=40, workers=1, progress=False),
             "monte_carlo": lambda: sim.monte_carlo(race, runs=1, workers=1),
             "anchor_ids": lambda: sim.anchor_ids(race)}
    for name, call in calls.items():
        assert _works_or_refuses(call) == ("works" if expected[name] else "refuses"), name


def test_anchor_dependence_of_one_anchor_of_the_circuit_and_refused_elsewhere():
    first = sim.anchor_ids(RACES["circuit"])[0]
    assert sim.anchor_dependence(RACES["circuit"], anchors=[first])[0].event_id == first
    for kind in ("time-trial", "timesheet"):
        assert _works_or_refuses(lambda k=kind: sim.anchor_dependence(RACES[k])) == "refuses"


def _scenario(tmp_path, race: str):
    path = tmp_path / f"{race}.toml"
    path.write_text(f'[scenario]\nname = "what if"\nrace = "{race}"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", RACES)
def test_a_what_if_scenario_of_each_kind_works_or_refuses(tmp_path, kind):
    path = _scenario(tmp_path, RACES[kind])
    expected = "works" if kind == "circuit" else "refuses"
    assert _works_or_refuses(lambda: sim.replay(RACES[kind], scenario=path)) == expected
    assert _works_or_refuses(lambda: sim.apply_scenario(sim.load_scenario(path))) == expected


# -- the command line ---------------------------------------------------------------------------------------------

def _commands(race: str, tmp_path) -> dict[str, list[str]]:
    out = str(tmp_path / "out")
    return {
        "entries": ["entries", race, "--format", "json"],
        "inspect": ["inspect", race],
        "run": ["run", race, "--no-plots", "--out", out],
        "standings": ["standings", race, "--format", "csv"],
        "check": ["check", race],
        "plot": ["plot", race, "--out", str(tmp_path / "plot")],
        "plot --scenario": ["plot", race, "--scenario", str(_scenario(tmp_path, race)), "--out", str(tmp_path / "p")],
        "html": ["html", race, "--out", str(tmp_path / "r.html")],
        "forecast": ["forecast", race, "--runs", "40", "--workers", "1"],
        "backtest": ["backtest", race, "--draws", "20", "--year", "1957"],
        "montecarlo": ["montecarlo", race, "--runs", "1", "--workers", "1", "--no-progress"],
    }


COMMAND_NAMES = tuple(_commands("x", __import__("pathlib").Path(".")))


@pytest.mark.parametrize("command", COMMAND_NAMES)
@pytest.mark.parametrize("kind", RACES)
def test_every_command_works_or_refuses_in_one_line(tmp_path, capsys, kind, command):
    status = main(_commands(RACES[kind], tmp_path)[command])
    err = capsys.readouterr().err
    assert status in (0, 2), err
    if status == 2:
        assert err.count("\n") == 1 and err.startswith("race-replay: error: "), err


def test_every_subcommand_is_tried(tmp_path):
    from sim.cli.commands import build_parser

    subcommands = build_parser()._subparsers._group_actions[0].choices  # argparse keeps them there
    assert sorted(set(subcommands) - {c.split()[0] for c in COMMAND_NAMES}) == ["score"]


@pytest.mark.parametrize("kind", RACES)
def test_score_of_a_forecast_of_each_kind(tmp_path, capsys, kind):
    results = tmp_path / "results.json"
    results.write_text(json.dumps([{"number": "1", "pos": 1, "laps": 300}]), encoding="utf-8")
    status = main(["forecast", RACES[kind], "--runs", "40", "--workers", "1", "--format", "json"])
    forecast = tmp_path / "forecast.json"
    forecast.write_text(capsys.readouterr().out or "{}", encoding="utf-8")
    assert main(["score", str(forecast), str(results)]) in ((0, 2) if status == 0 else (2,))
    err = capsys.readouterr().err
    assert not err or err.count("\n") == 1
