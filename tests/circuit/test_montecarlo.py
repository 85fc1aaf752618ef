"""Monte Carlo (issue 12): ranges as data, validated like every value; draws deterministic and worker-independent."""

from __future__ import annotations

import json
import shutil

import pytest

from sim.circuit.facts import load_facts
from sim.errors import RaceDataError
from sim.factfile import RACES_DIR

RACE_DIR = RACES_DIR / "le-mans-1957"
PIT = '[assumptions.pit_stop_seconds]\nvalue = 70\nrange = [60, 78]\n'
TYRE = 'id = "hawthorn-tyre-change"'


def _broken(tmp_path, file, old, new):
    folder = tmp_path / "le-mans-1957"
    shutil.copytree(RACE_DIR, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text, old
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "file, old, new, message",
    [
        ("race.toml", PIT, PIT.replace("[60, 78]", "[80, 90]"),
         "race.toml: must hold the value of `value` (70) (key 'assumptions.pit_stop_seconds.range', value [80, 90])"),
        ("race.toml", PIT, PIT.replace("[60, 78]", "[78, 60]"),
         "race.toml: must be a [low, high] pair with low < high "
         "(key 'assumptions.pit_stop_seconds.range', value [78, 60])"),
        ("race.toml", PIT, PIT.replace("[60, 78]", "[60, nan]"),
         "race.toml: must be a [low, high] pair of finite numbers "
         "(key 'assumptions.pit_stop_seconds.range', value [60, nan])"),
        ("race.toml", PIT, PIT.replace("[60, 78]", '[60, "78"]'),
         "race.toml: must be a [low, high] pair of finite numbers "
         "(key 'assumptions.pit_stop_seconds.range', value [60, '78'])"),
        ("race.toml", PIT, PIT.replace("[60, 78]", "[-5, 78]"),
         "race.toml: low end must be from 0 to 3600 (like `value`) "
         "(key 'assumptions.pit_stop_seconds.range', value [-5, 78])"),
        ("race.toml", "sigma = 0.004\nrange = [0.002, 0.006]", "sigma = 0.004\nrange = [0.002, 0.05]",
         "race.toml: high end must be >= 0 and < 0.05 (like `sigma`) "
         "(key 'assumptions.lap_noise.range', value [0.002, 0.05])"),
        ("race.toml", PIT, PIT + "mode = 90\n",
         "race.toml: must be within the range [60, 78] (key 'assumptions.pit_stop_seconds.mode', value 90)"),
        ("race.toml", PIT, PIT.replace("range = [60, 78]\n", "mode = 70\n"),
         "race.toml: applies only with a `range = [low, high]` (key 'assumptions.pit_stop_seconds.mode', value 70)"),
        ("race.toml", "value = 31\n", "value = 31\nrange = [30, 36]\n",
         "race.toml: cannot be drawn: only pit_stop_seconds, standing_start_seconds, night, fog, tyre_wear, lap_noise "
         "take a range (key 'assumptions.stint_laps.range', value [30, 36])"),
        ("events.toml", "minutes = 4.0\nrange = [3, 5]\nrange_reason", "minutes = 4.0\nrange = [3, 5]\n# range_reason",
         "events.toml: a range needs its reason: `range_reason` "
         "(key 'event.hawthorn-tyre-change.range_reason', car 7)"),
        ("events.toml", "minutes = 4.0\nrange = [3, 5]", "minutes = 4.0\nrange = [3, 2000]",
         "events.toml: high end must be from 0 to 1440 (like `minutes`) "
         "(key 'event.hawthorn-tyre-change.range', car 7, value [3, 2000])"),
        ("events.toml", "factor = 1.18\nrange = [1.12, 1.24]", "factor = 1.18\nrange = [1.2, 1.24]",
         "events.toml: must hold the value of `factor` (1.18) "
         "(key 'event.collins-engine-trouble.range', car 6, value [1.2, 1.24])"),
    ],
)
def test_a_bad_range_is_one_error(tmp_path, race, seed_text, file, old, new, message):
    with pytest.raises(RaceDataError) as err:
        load_facts(race, seed_text, _broken(tmp_path, file, old, new))
    assert str(err.value) == message


def test_every_assumed_delay_and_pace_trouble_has_a_range(race, seed_text):
    facts = load_facts(race, seed_text)
    ranged = {r.target[1] for r in facts.ranges if r.target[0] == "event"}
    assumed = {e.id for e in facts.events if e.assumption and (e.kind == "pace" and e.factor is not None
                                                               or e.kind == "delay" and e.seconds is not None)}
    assert assumed == ranged
    assert all(r.low <= r.value <= r.high and r.reason for r in facts.ranges)


def test_the_default_values_give_the_default_facts(race, seed_text):
    from sim.circuit.draws import with_values

    facts = load_facts(race, seed_text)
    assert with_values(facts, {r.name: r.value for r in facts.ranges}) == facts


def test_draws_depend_on_seed_and_index_alone(race, seed_text):
    from sim.circuit.draws import draw_values, with_values

    facts = load_facts(race, seed_text)
    a, b = draw_values(facts, 7, 3), draw_values(facts, 7, 3)
    assert a == b and a != draw_values(facts, 7, 4) and a != draw_values(facts, 8, 3)
    values, _ = a
    assert all(r.low <= values[r.name] <= r.high for r in facts.ranges)
    drawn = with_values(facts, values)
    tyre = next(e for e in drawn.events if e.id == "hawthorn-tyre-change")
    assert tyre.seconds == pytest.approx(values["event.hawthorn-tyre-change.minutes"] * 60)
    assert drawn.assumptions.night[2] == values["assumptions.night.factor"]


def test_the_default_replay_is_unchanged(replay):
    from sim.checkpoints import check

    totals = check(replay)["totals"]
    assert totals == {"pass": 18, "fitted": 46, "conflict": 1}
    final = replay.table.order_at(replay.facts.duration_s)
    assert final[0][:2] == ("3", 327)


def _cli_json(capsys, *argv):
    from sim.cli import main

    assert main(["montecarlo", "le-mans-1957", "--runs", "3", "--seed", "5", "--format", "json", *argv]) == 0
    return capsys.readouterr().out


@pytest.mark.slow
def test_a_sweep_is_the_same_on_one_process_and_two_dask_workers(capsys, tmp_path):
    serial = _cli_json(capsys, "--workers", "1", "--out", str(tmp_path / "mc"))
    data = json.loads(serial)
    assert data["runs"] == 3 and data["calibrated"] == 3 and not data["failed"]
    assert {"race", "runs", "seed", "failed", "checkpoints", "positions", "winners"} <= set(data)
    assert (tmp_path / "mc" / "montecarlo.json").read_text() == serial
    assert "| checkpoint | kind | pass |" in (tmp_path / "mc" / "report.md").read_text()
    assert _cli_json(capsys, "--workers", "2") == serial


def test_failed_draws_are_counted_by_cause(monkeypatch):
    """A draw no pace can meet (a tyre stop of ten hours) is counted under its cause, never dropped."""
    from sim.circuit import draws
    from sim.montecarlo import run, summarise

    real = draws.draw_values

    def impossible_for_odd_draws(facts, seed, index):
        values, noise = real(facts, seed, index)
        return ({**values, "event.hawthorn-tyre-change.minutes": 600.0} if index % 2 else values), noise

    from dataclasses import replace

    from sim.kinds import KINDS

    monkeypatch.setitem(KINDS, "circuit", replace(KINDS["circuit"], draw_values=impossible_for_odd_draws))
    results = [run.run_draw("le-mans-1957", 5, i) for i in range(4)]
    race, facts = run.base("le-mans-1957")
    data = summarise("le-mans-1957", facts, 5, results)
    assert data["runs"] == 4 and data["calibrated"] == 2
    (cause, count), = data["failed"].items()
    assert count == 2 and "car 7" in cause


def test_montecarlo_arguments_are_checked(capsys):
    from sim.cli import main

    assert main(["montecarlo", "le-mans-1957", "--runs", "٣"]) == 2
    assert "must be a whole number of 1 or more in the digits 0-9" in capsys.readouterr().err
    assert main(["montecarlo", "le-mans-1957", "--only", "nothing.*"]) == 2
    assert capsys.readouterr().err == ("race-replay: error: matches no range of this race (key '--only', "
                                       "value 'nothing.*')\n")


@pytest.mark.slow
def test_a_scenario_becomes_a_probability(capsys):
    from pathlib import Path

    scenario = Path(__file__).parents[2] / "scenarios" / "hawthorn-survives.toml"
    data = json.loads(_cli_json(capsys, "--workers", "1", "--runs", "2", "--only", "event.hawthorn-*",
                                "--scenario", str(scenario)))
    assert data["scenario"] == "hawthorn-survives.toml"
    assert abs(sum(data["scenario_winners"].values()) - 1) < 1e-9 and data["scenario_margin_laps"]["p50"] >= 0
