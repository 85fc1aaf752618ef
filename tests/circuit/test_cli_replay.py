"""The replay commands: standings JSON for every hour, the checkpoint report, run's output files, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli import main


@pytest.fixture(scope="module")
def standings_json(replay):  # the replay fixture warms the calibration cache
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["standings", "le-mans-1957", "--format", "json"]) == 0
    return json.loads(out.getvalue())


def test_standings_json_has_every_starter_at_every_hour(standings_json, replay):
    assert standings_json["race"] == "le-mans-1957"
    hours = standings_json["standings"]
    assert [h["hour"] for h in hours] == list(range(1, 25))
    starters = {e.number for e in replay.race.starters}
    for h in hours:
        assert {row["car"] for row in h["order"]} == starters
        assert [row["position"] for row in h["order"]] == list(range(1, len(starters) + 1))
        statuses = [row["status"] for row in h["order"]]
        # running cars first, then the retired ones
        first_out = next((i for i, s in enumerate(statuses) if s in ("retired", "disqualified", "DSQ")), len(statuses))
        assert all(s in ("retired", "disqualified", "DSQ") for s in statuses[first_out:])


def test_standings_json_at_the_flag_is_the_results_table(standings_json, replay):
    final = standings_json["standings"][-1]["order"]
    for row in final:
        entry = replay.race.entry(row["car"])
        assert row["laps"] == entry.laps
        expected = {"classified": "finished", "NC": "NC", "DSQ": "DSQ"}.get(entry.status, "retired")
        assert row["status"] == expected
    assert [r["car"] for r in final[:20]] == [e.number for e in sorted(
        (e for e in replay.race.starters if e.status == "classified"), key=lambda e: e.position)]


def test_hour_one_leader_is_hawthorn_with_14_laps(standings_json):
    first = standings_json["standings"][0]["order"][0]
    assert (first["car"], first["laps"], first["status"]) == ("7", 14, "running")


def test_check_json_counts_every_checkpoint(capsys, replay):
    assert main(["check", "le-mans-1957", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sum(data["totals"].values()) == len(data["checkpoints"]) == len(replay.facts.checkpoints)
    assert {c["status"] for c in data["checkpoints"]} <= {"pass", "fail", "fitted", "conflict", "not evaluated"}
    ids = {c["id"] for c in data["conflicts"]}
    assert {"retirement-20", "retirement-32", "retirement-5", "retirement-9", "retirement-7"} <= ids
    # a fitted checkpoint always says what was fitted
    assert all(c["note"] for c in data["checkpoints"] if c["status"] == "fitted")


def test_run_writes_standings_events_and_report(tmp_path, capsys, replay):
    assert main(["run", "le-mans-1957", "--out", str(tmp_path), "--no-plots"]) == 0
    out = capsys.readouterr().out
    assert "At the flag: 1. car 3 (Jaguar, 327 laps)" in out
    for name in ("standings.csv", "events.csv", "checkpoints.md", "checkpoints.json"):
        assert (tmp_path / name).stat().st_size > 0
    assert not list(tmp_path.glob(".*.tmp"))
    header = (tmp_path / "events.csv").read_text().splitlines()[0]
    assert header == "time,clock,car,kind,mark,distance_km,driver,cause,seconds,refuel,reason"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["standings", "le-mans-1957", "--at", "25"],
         "race-replay: error: is outside the race (0 to 24 hours) (key '--at', value '25')\n"),
        (["standings", "le-mans-1957", "--at", "noon"],
         "race-replay: error: is not a race hour (0-24) or a clock time HH:MM (key '--at', value 'noon')\n"),
        (["check", "le-mans-1961"],
         ("race-replay: error: cannot be replayed: it is a timesheet race, "
          "and a practice timesheet has no results to replay (it can only be forecast) "
          "(key 'race', value 'le-mans-1961')\n")),
        (["check", "le-mans-1957", "--seed", "-1"],
         "race-replay: error: must be 0 or more (key '--seed', value '-1')\n"),
        (["run", "le-mans-1957", "--out", "/proc/race-replay-out", "--no-plots"],
         "race-replay: error: /proc/race-replay-out: No such file or directory\n"),
    ],
)
def test_bad_replay_arguments_exit_2_with_one_line(capsys, replay, argv, message):
    assert main(argv) == 2
    assert capsys.readouterr().err == message


def test_same_seed_gives_byte_identical_files(tmp_path, capsys, replay):
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["run", "le-mans-1957", "--out", str(first), "--seed", "1957"]) == 0
    assert main(["run", "le-mans-1957", "--out", str(second)]) == 0  # no seed: the same fixed default
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert {"positions.png", "history.svg", "class.png", "index.svg", "events.csv", "checkpoints.json"} <= set(names)
    for name in names:
        if name == "run.json":  # the manifest records the command, and the two commands differ
            continue
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    manifests = [json.loads((folder / "run.json").read_text()) for folder in (first, second)]
    assert [m.pop("command") for m in manifests] == [
        f"race-replay run le-mans-1957 --out {first} --seed 1957", f"race-replay run le-mans-1957 --out {second}"]
    assert manifests[0] == manifests[1]


def test_plot_draws_one_kind_as_png_and_svg(tmp_path, capsys, replay):
    out = tmp_path / "s11.png"
    assert main(["plot", "le-mans-1957", "--kind", "class", "--class", "S1.1", "--out", str(out)]) == 0
    assert capsys.readouterr().out.split() == [str(tmp_path / "s11.png"), str(tmp_path / "s11.svg")]
    assert (tmp_path / "s11.png").read_bytes()[:4] == b"\x89PNG"


def test_plot_a_scenario(tmp_path, capsys, replay):
    scenario = Path(__file__).parents[2] / "scenarios" / "brooks-no-crash.toml"
    assert main(["plot", "le-mans-1957", "--scenario", str(scenario), "--top", "6", "--out", str(tmp_path / "b")]) == 0
    assert (tmp_path / "b.png").exists()


def test_plot_unknown_class_exits_2(tmp_path, capsys, replay):
    assert main(["plot", "le-mans-1957", "--class", "S9.9", "--out", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err == (
        "race-replay: error: is not a class of this race (S1.1, S1.5, S2.0, S3.0, S5.0, S750) "
        "(key '--class', value 'S9.9')\n")


def test_class_standings_keep_overall_positions(capsys, replay):
    assert main(["standings", "le-mans-1957", "--at", "12", "--class", "S2.0", "--format", "json"]) == 0
    order = json.loads(capsys.readouterr().out)["standings"][0]["order"]
    assert {row["class"] for row in order} == {"S2.0"}
    assert order[0]["car"] == "28"  # the Belgian Testarossa led the class at half-distance
    assert [row["position"] for row in order] == sorted(row["position"] for row in order)


def test_a_scenario_for_another_race_exits_2(tmp_path, capsys, replay):
    scenario = tmp_path / "other.toml"
    scenario.write_text('[scenario]\nname = "x"\nrace = "le-mans-1961"\n')
    assert main(["plot", "le-mans-1957", "--scenario", str(scenario), "--out", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err == (
        "race-replay: error: other.toml: the scenario is for le-mans-1961, not le-mans-1957 "
        "(key 'scenario.race', value 'le-mans-1961')\n")


def test_the_class_as_the_text_writes_it_is_the_tables_class(capsys, replay):
    assert main(["standings", "le-mans-1957", "--at", "12", "--class", "S-2000", "--format", "json"]) == 0
    spelled = json.loads(capsys.readouterr().out)
    assert main(["standings", "le-mans-1957", "--at", "12", "--class", "S2.0", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == spelled
    assert {row["class"] for row in spelled["standings"][0]["order"]} == {"S2.0"}


def test_the_starts_time_of_day_on_the_last_day_is_the_flag(capsys, replay):
    assert main(["standings", "le-mans-1957", "--at", "16:00", "24", "--format", "json"]) == 0
    at_clock, at_hour = json.loads(capsys.readouterr().out)["standings"]
    assert at_clock["order"] == at_hour["order"] and at_clock["order"][0]["laps"] == 327


def test_run_writes_into_out_race_id_by_default_and_no_cache_recalibrates(tmp_path, monkeypatch, capsys, replay):
    import sim.circuit.replay

    def no_calibration(*args, **kwargs):
        raise sim.CalibrationError("recalibrated")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sim.circuit.replay, "calibrate", no_calibration)
    assert main(["run", "le-mans-1957", "--no-plots"]) == 0  # the cached calibration
    assert (tmp_path / "out" / "le-mans-1957" / "run.json").is_file()
    capsys.readouterr()
    assert main(["run", "le-mans-1957", "--no-plots", "--no-cache"]) == 2
    assert "recalibrated" in capsys.readouterr().err


def test_version(capsys):
    import sim

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"race-replay {sim.__version__}"
