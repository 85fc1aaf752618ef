"""Every scenario script runs as people run it (``python scenarios/<name>.py``) and prints how the result changes.

The four scripts run at once, each in its own temporary directory; their key lines are checked against the
library's own comparison, so the tests follow the calibration as it is tuned.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.checkpoints import check
from sim.circuit.chartdata import changed_cars
from sim.circuit.scenario import compare, load_scenario
from sim.pipeline import apply_scenario as apply

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
WHATIFS = {  # script -> (scenario file, plot name)
    "hawthorn_survives": ("hawthorn-survives.toml", "hawthorn-survives"),
    "brooks_no_crash": ("brooks-no-crash.toml", "brooks-no-crash"),
    "refuel_window_1956": ("refuel-window-1956.toml", "refuel-window-1956"),
}
TIMEOUT_S = 120
MONTE_CARLO = ["--runs", "3", "--workers", "1", "--only", "event.hawthorn-*"]  # a few draws that all calibrate


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Start all four scripts in parallel; baseline with the default out dir, the others with --out."""
    env = dict(os.environ, MPLBACKEND="Agg")
    procs = {}
    for name in ["baseline", *WHATIFS]:
        cwd = tmp_path_factory.mktemp(name)
        args = ([sys.executable, str(SCENARIOS / f"{name}.py")]
                + ([] if name == "baseline" else ["--out", str(cwd / "plots")]))
        args += MONTE_CARLO if name == "hawthorn_survives" else []
        procs[name] = (cwd, subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                             text=True))
    results = {}
    for name, (cwd, proc) in procs.items():
        out, err = proc.communicate(timeout=TIMEOUT_S)
        results[name] = (cwd, proc.returncode, out, err)
    return results


def test_baseline_prints_the_classification_and_checkpoint_totals(runs, replay):
    cwd, code, out, err = runs["baseline"]
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "1957 24 Hours of Le Mans, real race (seed 1957)"
    assert re.search(r"^\s+1\s+3\s+S5\.0\s+Jaguar\s+327\s+finished$", out, re.M)  # Flockhart/Bueb, 327 laps
    assert re.search(r"^\s+21\s+34\s+S1\.5\s+Porsche\s+275\s+NC$", out, re.M)  # Storez's Porsche ran out of fuel
    totals = check(replay)["totals"]
    (line,) = [x for x in lines if x.startswith("Checkpoints:")]
    assert line.startswith(f"Checkpoints: {sum(totals.values())} published statements: ")
    for status, n in totals.items():
        assert f"{n} {status}" in line
    png = cwd / "out" / "scenarios" / "baseline-positions.png"
    assert png.stat().st_size > 10_000 and png.with_suffix(".svg").exists()
    assert f"Position chart: {png.relative_to(cwd)} (and baseline-positions.svg)" in lines


@pytest.mark.parametrize("name", sorted(WHATIFS))
def test_whatif_script_prints_the_change(runs, replay, name):
    cwd, code, out, err = runs[name]
    assert code == 0, err
    toml, plot = WHATIFS[name]
    scenario = load_scenario(SCENARIOS / toml)
    whatif = apply(scenario, seed=1957)
    result = compare(replay, whatif)
    lines = out.splitlines()
    assert lines[0] == f"What if: {scenario.name}"
    assert "Final order, top 10:" in lines
    makes = whatif.table.makes
    w, second = result["winner_whatif"], result["top10_whatif"][1]
    assert (f"Winner, what-if  : car {w} ({makes[w]}), {result['winner_laps_whatif']} laps, "
            f"by {result['margin_whatif_laps']} laps over car {second} ({makes[second]})") in lines
    assert any(x.startswith("Winner, real race: car 3 (Jaguar), 327 laps, by ") for x in lines)
    changed = changed_cars(replay, whatif)
    for car in changed:
        assert re.search(rf"^  car +{car} {makes[car]} \(\S+\): real \d+ laps, \w+, \d+\w\w -> what-if \d+ laps",
                         out, re.M), car
    if not changed:
        assert any(x.startswith("Cars whose laps or status changed: none") for x in lines)
    png = cwd / "plots" / f"{plot}.png"
    assert png.stat().st_size > 10_000 and png.with_suffix(".svg").exists()
    assert f"Comparison plot: {png} (and {plot}.svg)" in lines


def test_hawthorn_survives_moves_car_7_from_retired_to_finished(runs):
    out = runs["hawthorn_survives"][2]
    assert re.search(r"^  car +7 Ferrari \(S5\.0\): real \d+ laps, retired, \d+th -> what-if \d+ laps, finished",
                     out, re.M)


def test_hawthorn_survives_prints_the_probability_that_car_7_wins(runs):
    out = runs["hawthorn_survives"][2]
    lines = out.splitlines()
    assert "Monte Carlo: 3 draws (seed 1957), 3 calibrated" in lines
    (line,) = [x for x in lines if x.startswith("P(car 7 wins | Hawthorn survives) = ")]
    p = float(line.split(" = ")[1].split()[0])
    (winners,) = [x for x in lines if x.startswith("Winners under the what-if: ")]
    shares = dict(re.findall(r"car (\w+) (\d+)%", winners))
    assert abs(100 * p - int(shares.get("7", 0))) <= 1 and sum(map(int, shares.values())) in (99, 100, 101)
    margin = re.search(r"^  winner's margin \(laps\): p10 (\d+), p50 (\d+), p90 (\d+)$", out, re.M)
    assert margin and int(margin[1]) <= int(margin[2]) <= int(margin[3])
    assert re.search(r"^  share of draws per margin: \d+ laps? \d+%", out, re.M)


def test_brooks_no_crash_lists_brooks_and_maglioli(runs):
    out = runs["brooks_no_crash"][2]
    assert re.search(r"^  car +20 Aston Martin \(S3\.0\): real 140 laps, retired", out, re.M)
    assert re.search(r"^  car +32 Porsche \(S1\.5\): real 129 laps, retired", out, re.M)


def test_refuel_window_1956_means_fewer_stops_for_the_winner(runs):
    out = runs["refuel_window_1956"][2]
    match = re.search(r"^Pit stops of car 3: real (\d+) stops, .* what-if (\d+) stops", out, re.M)
    assert match and int(match[2]) < int(match[1])


def test_help_is_the_docstring():
    proc = subprocess.run([sys.executable, str(SCENARIOS / "hawthorn_survives.py"), "--help"], capture_output=True,
                          text=True, timeout=TIMEOUT_S, env=dict(os.environ, MPLBACKEND="Agg"))
    assert proc.returncode == 0
    assert "Hawthorn survives: what if Musso's Ferrari" in proc.stdout and "--out OUT" in proc.stdout
    assert "--runs RUNS" in proc.stdout and "--only PATTERN" in proc.stdout


def run_script(name, *args):
    return subprocess.run([sys.executable, str(SCENARIOS / f"{name}.py"), *args], capture_output=True, text=True,
                          timeout=TIMEOUT_S, env=dict(os.environ, MPLBACKEND="Agg"), check=False)


def test_anchor_dependence_finds_the_pass_that_rests_on_brooks_four_minutes():
    proc = run_script("anchor_dependence", "--anchor", "brooks-four-minutes-behind-at-takeover", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    import json

    [result] = json.loads(proc.stdout)
    assert result["anchor"] == "brooks-four-minutes-behind-at-takeover" and result["car"] == "20"
    assert result["passes_lost"] == ["gendebien-second-after-musso"]
    assert {"checkpoint": "brooks-four-minutes-behind", "with": "fitted", "without": "fail"} in result["changed"]


def test_anchor_dependence_names_an_unknown_anchor():
    proc = run_script("anchor_dependence", "--anchor", "brooks-five-minutes")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().endswith("(key 'anchor', value 'brooks-five-minutes')")


def test_hawthorn_survives_refuses_a_pattern_that_matches_no_range_before_printing_anything():
    proc = run_script("hawthorn_survives", "--only", "event.no-such-*", "--out", "/nonexistent-never-written")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().endswith("matches no range of this race (key 'only', value 'event.no-such-*')")
