"""Index of Performance, Le Mans 1957: computed from the published laps against the published table.

The published table orders car 35 (6th) before car 46 (7th), both printed 1.176, while the laps give
46 the higher index; no displacement-based formula reverses that (see docs/index_of_performance.md).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from sim.index import compare_with_published, index_of_performance, lap_length_km, ranking, target_km
from sim.kinds import load_race
from sim.records import Race

DOC = Path(__file__).parents[2] / "docs" / "index_of_performance.md"


@pytest.fixture(scope="module")
def race() -> Race:
    return load_race("le-mans-1957")


def test_lap_length(race: Race) -> None:
    assert lap_length_km(race) == pytest.approx(4397.11 / 327)


def test_targets_interpolate_and_extrapolate(race: Race) -> None:
    targets = race.index_targets_km
    assert target_km(targets, 750) == 2666.7
    assert target_km(targets, 1300) == pytest.approx((3040.0 + 3272.7) / 2)
    assert target_km(targets, 744) == pytest.approx(2666.7 - 6 * (2956.5 - 2666.7) / 250)
    assert target_km(targets, 4500) == pytest.approx(3710.8 + 500 * (3710.8 - 3671.2) / 500)
    with pytest.raises(ValueError, match=r"^cc\(=0\) must be > 0$"):
        target_km(targets, 0)


def test_only_classified_cars_get_an_index(race: Race) -> None:
    scores = index_of_performance(race)
    assert set(scores) == {e.number for e in race.entries if e.status == "classified"}
    assert "34" not in scores  # Storez/Crawford ran out of fuel: NC, no Index


def test_top_ten_against_the_published_table(race: Race) -> None:
    published = race.published["index_of_performance"]
    computed = index_of_performance(race)
    for _, number, score in published:
        assert abs(computed[number] - score) <= 0.005, number
    top = [number for _, number, _ in ranking(race)[:10]]
    assert set(top) == {number for _, number, _ in published}
    # same order, except for pairs whose published scores are equal at the printed precision
    printed = {number: score for _, number, score in published}
    for i, a in enumerate(top):
        for b in top[i + 1 :]:
            ahead_in_print = [n for _, n, _ in published].index(a) < [n for _, n, _ in published].index(b)
            assert ahead_in_print or printed[a] == printed[b], (a, b)


def test_the_order_conflict_is_reported(race: Race) -> None:
    [conflict] = compare_with_published(race)
    assert conflict.kind == "source-conflict"
    assert conflict.line == 183  # the published row of car 46
    assert conflict.message == (
        "Index of Performance: the published table puts car 35 (position 6, 1.176) ahead of car 46 "
        "(position 7, 1.176), scores equal at the published precision, but their published laps give "
        "46 1.1805 > 35 1.1755; kept the computed order"
    )
    assert conflict in load_race("le-mans-1957").anomalies


def test_no_displacement_formula_can_put_35_first(race: Race) -> None:
    """46 first unless t(749) > 234/286 * t(1498): longer than the 750 cc target itself."""
    needed = 234 * target_km(race.index_targets_km, 1498) / 286
    assert needed > race.index_targets_km[750] + 10
    lap = lap_length_km(race)
    speeds = race.published["index_target_speeds_kph"]
    sizes = sorted(race.index_targets_km)

    def log_target(cc: float) -> float:
        logs = {math.log(s): race.index_targets_km[s] for s in sizes}
        return target_km(logs, math.log(cc))

    variants = {
        "speed x 24 h": lambda cc: target_km(speeds, cc) * 24,
        "log(cc)": log_target,
        "clamped at 750 cc": lambda cc: target_km(race.index_targets_km, max(cc, 750)),
    }
    for name, target in variants.items():
        assert 234 * lap / target(749) > 286 * lap / target(1498), name


def test_the_document_states_the_computed_scores(race: Race) -> None:
    computed = index_of_performance(race)
    rows = re.findall(r"^\| (\d+) \| (\d+) \| (\d+) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|",
                      DOC.read_text(encoding="utf-8"), re.M)
    assert len(rows) == 10
    for _, number, cc, laps, _published, mine in rows:
        entry = race.entry(number)
        assert (entry.engine.displacement_cc, entry.laps) == (int(cc), int(laps))
        assert f"{computed[number]:.4f}" == mine
