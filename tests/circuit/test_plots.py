"""The plots: the artists each chart draws, checked against the replay and the checkpoint report.

The checkpoint report is still being tuned, so these tests count markers against ``check(replay)``, never against
fixed pass/fail numbers. Artists are found by their gid: ``car-<n>``, ``retired-<n>``, ``checkpoints-<status>``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.legend import Legend

from sim.checkpoints import check
from sim.circuit.chartdata import checkpoint_marks, comparison_cars, long_stops, select_cars
from sim.circuit.charts import class_chart, comparison_chart, index_chart, position_chart, race_history_chart
from sim.circuit.scenario import load_scenario
from sim.clock import HOUR
from sim.pipeline import apply_scenario as apply
from sim.plots.render import save_figure
from sim.plots.style import CHECKPOINT_STYLES, MAKE_COLOURS, line_styles, make_colour
from sim.standings import positions_matrix

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def report(replay):
    return check(replay)


@pytest.fixture(scope="module")
def chart(replay, report):
    return position_chart(replay, report=report)


@pytest.fixture(scope="module")
def hawthorn(replay):
    return apply(load_scenario(SCENARIOS / "hawthorn-survives.toml"))


def gids(ax, prefix):
    return [a.get_gid()[len(prefix):] for a in ax.get_children() if (a.get_gid() or "").startswith(prefix)]


def lines(ax, gid):
    return [line for line in ax.get_lines() if line.get_gid() == gid]


def out_cars(replay):
    return {car for car, (_, kind) in replay.table.end.items() if kind in ("retired", "disqualified")}


# --- which cars ----------------------------------------------------------------------------------------------------

def test_default_cars_are_those_in_the_top_ten_at_some_hour(replay):
    cars, positions, _ = positions_matrix(replay.table, np.arange(1, 25) * HOUR)
    expected = {car for car, row in zip(cars, positions) if row.min() <= 10}
    assert set(select_cars(replay)) == expected
    assert select_cars(replay)[:3] == ["3", "15", "17"]  # final order


def test_top_three_is_a_subset_and_keeps_the_early_leaders(replay):
    top3 = set(select_cars(replay, top=3))
    assert top3 < set(select_cars(replay))
    assert {"3", "7"} <= top3  # the winner, and Hawthorn who led the first hour


def test_class_filter_shows_every_car_of_the_class(replay):
    assert set(select_cars(replay, car_class="S1.1")) == {c for c, k in replay.table.classes.items() if k == "S1.1"}


@pytest.mark.parametrize("kwargs, message", [
    ({"cars": ["99"]}, "cars(=['99']) did not start this race"),
    ({"top": 0}, "top(=0) must be >= 1"),
    ({"car_class": "GT"}, "car_class(='GT') is not a class of this race (classes: S1.1, S1.5, S2.0, S3.0, S5.0, S750)"),
])
def test_bad_selection_names_the_value(replay, kwargs, message):
    with pytest.raises(ValueError) as info:
        position_chart(replay, report=False, **kwargs)
    assert str(info.value) == message


# --- the position chart ----------------------------------------------------------------------------------------------

def test_position_chart_draws_one_line_per_shown_car(replay, chart):
    assert isinstance(chart, Figure)
    ax = chart.axes[0]
    shown = select_cars(replay)
    assert sorted(gids(ax, "car-")) == sorted(shown)
    for car in shown:
        (line,) = lines(ax, f"car-{car}")
        assert line.get_color() == make_colour(replay.table.makes[car])
    assert sorted(t.get_text() for t in ax.texts if t.get_gid() == "end-label") == sorted(shown)


def test_position_one_is_at_the_top(chart):
    bottom, top = chart.axes[0].get_ylim()
    assert top < bottom


def test_retirements_are_marked_where_the_line_ends(replay, chart):
    ax = chart.axes[0]
    shown = set(select_cars(replay))
    assert set(gids(ax, "retired-")) == shown & out_cars(replay)
    (cross,) = lines(ax, "retired-7")  # Musso's piston, fourth hour
    (line,) = lines(ax, "car-7")
    assert cross.get_marker() == "x"
    assert (cross.get_xdata()[0], cross.get_ydata()[0]) == (line.get_xdata()[-1], line.get_ydata()[-1])
    assert 3.5 < cross.get_xdata()[0] < 4.5


def test_long_stops_are_drawn_on_the_car(replay, chart):
    stops = long_stops(replay)
    assert any(hi - lo > 45 * 60 for lo, hi in stops["1"])  # Moss's long stop, lap 20
    assert stops["4"] and stops["41"]  # Hamilton's exhaust; Masson pushing his Lotus for over an hour
    assert "3" not in stops  # the winner's only unplanned stop, for a light bulb, was short
    ax = chart.axes[0]
    for car in select_cars(replay):
        assert len(lines(ax, f"stop-{car}")) == len(stops.get(car, [])), car


def test_checkpoint_markers_match_the_report(replay, report, chart):
    ax = chart.axes[0]
    marks = checkpoint_marks(replay, report, select_cars(replay))
    by_id = {cp["id"]: cp for cp in report["checkpoints"]}
    for m in marks:  # every mark is a checkpoint of the report, with its status, time and car
        cp = by_id[m["id"]]
        assert m["status"] == cp["status"]
        if m["car"] is None:  # a race-wide statement, in the row above P1
            assert (len(cp["marks"]), m["position"], m["time_s"]) == (0, 0, cp["time_s"])
            continue
        assert m["car"] in dict(cp["marks"])
        published = dict(cp["marks"])[m["car"]]
        if published is not None:
            assert (m["position"], m["time_s"]) == (published, cp["time_s"])
    drawable = {cp["id"] for cp in report["checkpoints"]
                if cp["status"] in CHECKPOINT_STYLES and cp["time_s"] is not None
                and (not cp["marks"] or any(car in select_cars(replay) for car, _ in cp["marks"]))}
    assert {m["id"] for m in marks} == drawable
    for status, (marker, face, _, _) in CHECKPOINT_STYLES.items():
        (line,) = lines(ax, f"checkpoints-{status}")
        assert len(line.get_xdata()) == sum(m["status"] == status for m in marks)
        assert line.get_marker() == marker and line.get_markerfacecolor() == face
    assert (lines(ax, "checkpoints-pass")[0].get_markerfacecolor()
            != lines(ax, "checkpoints-fail")[0].get_markerfacecolor())


def test_legend_explains_every_marker_with_its_count(replay, report, chart):
    marks = checkpoint_marks(replay, report, select_cars(replay))
    texts = [t.get_text() for legend in chart.axes[0].findobj(Legend) for t in legend.get_texts()]
    for status, (*_, label) in CHECKPOINT_STYLES.items():  # checkpoints, as the report counts them, not markers
        total = sum(cp["status"] == status for cp in report["checkpoints"])
        drawn = len({m["id"] for m in marks if m["status"] == status})
        assert f"{label}: {total}" + (f", {drawn} drawn" if drawn != total else "") in texts
    assert "retired or disqualified" in texts and "Jaguar" in texts


def test_checkpoints_of_filtered_out_cars_are_not_drawn(replay, report):
    fig = position_chart(replay, report=report, cars=["3"])
    ax = fig.axes[0]
    assert gids(ax, "car-") == ["3"]
    drawn = sum(len(line.get_xdata()) for status in CHECKPOINT_STYLES for line in lines(ax, f"checkpoints-{status}"))
    assert drawn == len(checkpoint_marks(replay, report, ["3"])) > 0
    assert {m["car"] for m in checkpoint_marks(replay, report, ["3"])} == {"3", None}  # None: the race-wide row


def test_no_report_no_checkpoints(replay):
    ax = position_chart(replay, report=False).axes[0]
    assert gids(ax, "checkpoints-") == []


def test_draws_on_a_given_axes(replay):
    fig = Figure()
    ax = fig.add_subplot()
    assert position_chart(replay, report=False, top=3, ax=ax) is fig


def test_time_axis_shows_race_hours_clock_night_and_fog(chart):
    ax = chart.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "0h\n16:00" and labels[3] == "6h\n22:00" and labels[-1] == "24h\n16:00"
    assert {"shade-night", "shade-fog"} <= {p.get_gid() for p in ax.patches}
    assert any(t.get_text().startswith("night 22:15") for t in ax.texts)
    assert any(t.get_text().startswith("fog 05:30") for t in ax.texts)
    assert "overall position" in ax.get_title()


# --- the other charts ------------------------------------------------------------------------------------------------

def test_race_history_has_every_car_and_the_winner_on_zero(replay):
    ax = race_history_chart(replay).axes[0]
    assert sorted(gids(ax, "car-")) == sorted(replay.table.cars)
    (winner,) = lines(ax, "car-3")
    assert winner.get_ydata()[-1] == pytest.approx(0.0)
    (hamilton,) = lines(ax, "car-4")  # two hours in the pits with a broken exhaust
    assert hamilton.get_ydata()[-1] > 20
    assert sorted(gids(race_history_chart(replay, top=3).axes[0], "car-")) == sorted(select_cars(replay, top=3))


def test_class_chart_has_a_panel_per_class_and_a_line_per_car(replay):
    fig = class_chart(replay)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 6
    for ax in panels:
        klass = ax.get_title(loc="left").split()[1]
        assert sorted(gids(ax, "car-")) == sorted(c for c, k in replay.table.classes.items() if k == klass)
    (one,) = class_chart(replay, car_class="S750").axes
    (lotus,) = lines(one, "car-55")  # the 750 cc Lotus won its class (and the Index)
    assert lotus.get_ydata()[-1] == 1


def test_index_chart_ends_at_the_published_index(replay):
    ax = index_chart(replay, top=10).axes[0]
    published = replay.race.published["index_of_performance"]
    assert len(gids(ax, "car-")) == 10
    (stars,) = [c for c in ax.collections if c.get_gid() == "published-index"]
    xy = stars.get_offsets()
    assert np.allclose(xy[:, 0], 24.0) and np.allclose(xy[:, 1], [score for _, _, score in published])
    for _, car, score in published:  # every published top-ten car is drawn and ends within 0.01 of its score
        (line,) = lines(ax, f"car-{car}")
        assert line.get_ydata()[-1] == pytest.approx(score, abs=0.01)


def test_comparison_chart_shows_the_changed_cars_in_both_panels(replay, hawthorn):
    cars = comparison_cars(replay, hawthorn)
    assert cars[0] == "7"  # Hawthorn's Ferrari, the only car whose result changed
    fig = comparison_chart(replay, hawthorn)
    real_ax, whatif_ax = fig.axes[:2]
    assert sorted(gids(real_ax, "car-")) == sorted(gids(whatif_ax, "car-")) == sorted(cars)
    assert "7" in gids(real_ax, "retired-") and "7" not in gids(whatif_ax, "retired-")
    (thick,) = lines(whatif_ax, "car-7")
    (thin,) = lines(whatif_ax, "car-3")
    assert thick.get_linewidth() > thin.get_linewidth()
    assert "Hawthorn survives" in fig._suptitle.get_text()


def test_save_figure_writes_png_and_svg(replay, tmp_path):
    paths = save_figure(position_chart(replay, report=False, top=3), tmp_path / "sub" / "positions")
    assert [p.name for p in paths] == ["positions.png", "positions.svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in paths[1].read_bytes()[:500]


def test_no_pyplot_figures_leak(replay, report):
    before = plt.get_fignums()
    position_chart(replay, report=report, top=3)
    class_chart(replay, car_class="S1.5")
    assert plt.get_fignums() == before


def test_colours_and_styles_are_fixed():
    assert make_colour("Jaguar") == MAKE_COLOURS["Jaguar"] and make_colour("Ferrari") == MAKE_COLOURS["Ferrari"]
    assert make_colour("Bugatti") == make_colour("Bugatti")  # an unknown make gets the same spare colour each time
    assert "Bugatti" not in MAKE_COLOURS
    assert (line_styles({"3": "Jaguar", "15": "Jaguar", "8": "Ferrari"}, ["3", "15", "8"])
            == {"3": "-", "15": "--", "8": "-"})


def test_each_chart_of_one_panel_draws_into_the_callers_axes(replay):
    from matplotlib.figure import Figure

    import sim

    fig = Figure(figsize=(12, 8))
    axes = fig.subplots(2, 2)
    assert sim.position_chart(replay, top=5, ax=axes[0][0]) is fig
    assert sim.race_history_chart(replay, top=5, ax=axes[0][1]) is fig
    assert sim.class_chart(replay, car_class="S1.1", ax=axes[1][0]) is fig
    assert sim.index_chart(replay, top=5, ax=axes[1][1]) is fig
    assert all(ax.lines for row in axes for ax in row)
    with pytest.raises(ValueError, match="give the car_class"):
        sim.class_chart(replay, ax=axes[1][0])
