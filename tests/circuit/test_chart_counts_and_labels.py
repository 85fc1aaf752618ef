"""The position chart says what the report says, and its markers leave the car numbers readable (issue 22).

Incident: positions.png's legend counted markers ("pass 23, fitted 73": a checkpoint about three cars drew three)
while checkpoints.md counted checkpoints (18 pass, 46 fitted): two numbers for one thing. And checkpoint markers
sat on the car numbers at the line ends.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.legend import Legend

from sim.checkpoints import check
from sim.circuit.charts import MARK_SIZE, position_chart
from sim.circuit.report import markdown, report_data
from sim.plots.style import CHECKPOINT_STYLES


@pytest.fixture(scope="module")
def report(replay):
    return check(replay)


@pytest.fixture(scope="module")
def chart(replay, report):
    fig = position_chart(replay, report=report)
    FigureCanvasAgg(fig).draw()
    return fig


def _legend_counts(fig) -> dict[str, int]:
    texts = [t.get_text() for legend in fig.axes[0].findobj(Legend) for t in legend.get_texts()]
    counts = {}
    for status, (*_, label) in CHECKPOINT_STYLES.items():
        (text,) = [t for t in texts if t.startswith(label + ":")]
        counts[status] = int(re.match(r"(\d+)", text[len(label) + 1:].strip())[1])
    return counts


def _report_counts(replay) -> dict[str, int]:
    """The counts of checkpoints.md's status table."""
    text = markdown(report_data(replay), replay)
    return {status: int(count) for status, count in re.findall(r"^\| ([a-z ]+) \| (\d+) \|$", text, re.M)}


def test_legend_counts_are_the_reports_counts(replay, chart):
    legend, in_report = _legend_counts(chart), _report_counts(replay)
    for status in CHECKPOINT_STYLES:
        assert legend[status] == in_report.get(status, 0), status
    assert legend["pass"] == 18 and legend["fitted"] == 46  # le-mans-1957 at seed 1957, as checkpoints.md has them


def test_a_chart_of_one_car_still_counts_the_reports_checkpoints_and_says_how_many_it_draws(replay, report):
    fig = position_chart(replay, report=report, cars=["3"])
    texts = [t.get_text() for legend in fig.axes[0].findobj(Legend) for t in legend.get_texts()]
    assert any(re.fullmatch(r"fitted \(not evidence\): 46, \d+ drawn", t) for t in texts), texts


def test_no_checkpoint_marker_covers_a_car_number(chart):
    ax = chart.axes[0]
    renderer = chart.canvas.get_renderer()
    half = MARK_SIZE / 2 * chart.dpi / 72
    markers = np.concatenate([ax.transData.transform(np.column_stack([line.get_xdata(), line.get_ydata()]))
                              for line in ax.get_lines() if (line.get_gid() or "").startswith("checkpoints-")
                              and len(line.get_xdata())])
    labels = [t for t in ax.texts if t.get_gid() == "end-label"]
    assert labels
    for text in labels:
        box = text.get_window_extent(renderer)
        hit = ((markers[:, 0] + half > box.x0) & (markers[:, 0] - half < box.x1)
               & (markers[:, 1] + half > box.y0) & (markers[:, 1] - half < box.y1))
        assert not hit.any(), (text.get_text(), markers[hit])


def test_every_chart_colours_a_car_by_its_make_the_index_chart_included(replay):
    from matplotlib.colors import to_hex

    from sim.circuit.charts import class_chart, index_chart, race_history_chart
    from sim.plots.style import make_colour

    for fig in (index_chart(replay), race_history_chart(replay), class_chart(replay), position_chart(replay)):
        drawn = [(line.get_gid()[4:], to_hex(line.get_color())) for ax in fig.axes for line in ax.get_lines()
                 if (line.get_gid() or "").startswith("car-")]
        assert drawn
        for car, colour in drawn:
            assert colour == to_hex(make_colour(replay.table.makes[car])), car
