"""Styles and axes helpers shared by the plots: make colours, checkpoint markers, the race-time axis, label placement.

Nothing here touches pyplot's global state: figures are built with :class:`matplotlib.figure.Figure`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from sim.clock import HOUR, clock_label
from sim.plots.palette import separation


def _read_colours() -> tuple[dict[str, str], tuple[str, ...]]:
    with Path(__file__).with_name("makes.toml").open("rb") as fh:
        table = tomllib.load(fh)
    return table["colours"], tuple(table["palette"]["colours"])


FIGSIZE = (16, 9)  # inches, readable at full size
DPI = 120
LONG_STOP_S = 180.0  # a pit stop or delay at least this long is drawn on the car's line

# each make's colour, and the palette (most distinct first) a make not listed takes one from: sim/plots/makes.toml
MAKE_COLOURS, PALETTE = _read_colours()
CAR_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
               "#bcbd22", "#17becf", "#393b79", "#637939"]

# how each checkpoint status is drawn: (marker, face colour, edge colour, label)
CHECKPOINT_STYLES = {
    "pass": ("o", "black", "black", "pass (filled)"),
    "fail": ("o", "white", "black", "fail (hollow)"),
    "conflict": ("D", "#b15be0", "black", "conflict (sources disagree)"),
    "fitted": ("s", "#bdbdbd", "black", "fitted (not evidence)"),
}


def make_colour(make: str | None) -> str:
    """The colour of a make; a make without one gets a palette colour chosen from its name (always the same, but
    not told apart from the others: a chart or page of many makes uses :func:`make_colours`)."""
    key = make or "?"
    return MAKE_COLOURS.get(key) or PALETTE[sum(map(ord, key)) % len(PALETTE)]


def make_colours(makes) -> dict[str, str]:
    """A colour for each of `makes` (those of one chart or page), told apart: a listed make keeps its own, each other
    make (in sorted order) takes the palette colour furthest, in CIEDE2000, from the colours already taken."""
    colours = {m: MAKE_COLOURS[m] for m in makes if m in MAKE_COLOURS}
    for make in sorted({m for m in makes if m not in MAKE_COLOURS}, key=str):
        used = set(colours.values())
        free = [c for c in PALETTE if c not in used] or list(PALETTE)
        colours[make] = max(free, key=lambda c: min((separation(c, u) for u in used), default=float("inf")))
    return colours


LINESTYLES = ("-", "--", ":", "-.", (0, (6, 2, 1, 2, 1, 2)))


def line_styles(makes: dict[str, str], cars) -> dict[str, object]:
    """A line style per car: solid for the first car of each make in `cars`, then dashed, dotted, dash-dot, ..."""
    seen: dict[str, int] = {}
    styles = {}
    for car in cars:
        k = seen[makes[car]] = seen.get(makes[car], -1) + 1
        styles[car] = LINESTYLES[k % len(LINESTYLES)]
    return styles


def new_figure(nrows: int = 1, ncols: int = 1, sharey: bool = False, right: float = 0.80, bottom: float = 0.10,
               wspace: float = 0.12, **kw):
    """A Figure of the standard size with a grid of axes and fixed margins (so label placement is predictable)."""
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    axes = fig.subplots(nrows, ncols, sharey=sharey, squeeze=False, **kw)
    fig.subplots_adjust(left=0.05, right=right, top=0.90, bottom=bottom, wspace=wspace, hspace=0.42)
    return fig, axes


def race_times(duration_s: float, fine_until_s: float = 3 * HOUR, fine_step_s: float = 120.0,
               step_s: float = 600.0, extra=()) -> np.ndarray:
    """Sample times: every `fine_step_s` for the first `fine_until_s`, then every `step_s`, plus `extra` times."""
    times = np.concatenate([np.arange(0.0, fine_until_s, fine_step_s), np.arange(fine_until_s, duration_s, step_s),
                            [duration_s], np.asarray(list(extra), dtype=float)])
    return np.unique(np.clip(times, 0.0, duration_s))


def race_axis(ax, facts, every_h: int = 2, label: bool = True, weather_labels: bool = True) -> None:
    """Race hours on x with the clock under each tick ('6h\\n22:00'), night and fog shaded and labelled."""
    hours = facts.duration_s / HOUR
    ax.set_xlim(0, hours)
    ticks = np.arange(0, hours + 1e-9, every_h)
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{h:g}h\n{clock_label(h * HOUR, facts.start)}" for h in ticks], fontsize=8)
    if label:
        ax.set_xlabel(f"race time (hours) and clock time, {facts.start:%a %d %b %Y} {facts.start:%H:%M} to the flag")
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    night, fog = facts.assumptions.night, facts.assumptions.fog
    for (lo, hi), colour, text in (((night[0], night[1]), "#c9d3e6", "night"), ((fog[0], fog[1]), "#e3e3e3", "fog")):
        ax.axvspan(lo / HOUR, hi / HOUR, color=colour, alpha=0.55, zorder=0, linewidth=0, gid=f"shade-{text}")
        if weather_labels:
            ax.text((lo + hi) / 2 / HOUR, 1.005,
                    f"{text} {clock_label(lo, facts.start)}-{clock_label(hi, facts.start)}",
                    transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=8, color="#44536b")


def positions_axis(ax, lowest: int, label: str = "position") -> None:
    """Positions on y, 1 at the top, an integer tick every few places."""
    ax.set_ylim(lowest + 0.8, -0.6)  # row 0, above P1, holds the race-wide checkpoints
    step = 1 if lowest <= 12 else (2 if lowest <= 30 else 5)
    ax.set_yticks([1] + list(range(step, lowest + 1, step)) if step > 1 else list(range(1, lowest + 1)))
    ax.set_ylabel(label)
    ax.grid(axis="y", color="#eeeeee", linewidth=0.5)


def place_labels(ax, items, fontsize: float = 8, pad_px: float = 9.0, avoid=(), avoid_pt: float = 5.0) -> list:
    """Write short labels near points without overlaps: [(x, y, text, colour)] in data coordinates.

    Each label goes just right of its point; a label that would overlap one already placed or a marker in `avoid`
    ([(x, y)] in data coordinates) is moved up or down in steps of one label height, with a thin leader line back
    to its point; `avoid_pt` is a marker's half width in points. Returns the Text artists. Works in display
    pixels, so call it after the axes limits are final.
    """
    fig = ax.figure
    px_pt = fig.dpi / 72.0
    height = fontsize * 1.25 * px_pt
    to_px = ax.transData.transform
    from_px = ax.transData.inverted().transform
    r = avoid_pt * px_pt
    placed: list[tuple[float, float, float, float]] = [(x - r, y - r, x + r, y + r) for x, y in
                                                       (to_px(point) for point in avoid)]
    texts = []
    bottom, top = sorted(ax.transAxes.transform([(0, 0), (0, 1)])[:, 1])
    for x, y, text, colour in sorted(items, key=lambda it: (round(it[0], 3), it[1])):
        px, py = to_px((x, y))
        width = len(text) * fontsize * 0.62 * px_pt + 2
        box, cy, x0 = None, py, px + pad_px
        for step in (0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6, -8, 8, -10, 10):
            cy = py + step * height  # pixels grow upwards
            if not bottom - height < cy < top + height / 2:
                continue
            for x0 in (px + pad_px, px + pad_px + 2 * r):
                box = (x0, cy - height / 2, x0 + width, cy + height / 2)
                if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                    break
            else:
                continue
            break
        placed.append(box)
        tx, ty = from_px((x0, cy))
        if step:
            ax.plot([x, tx], [y, ty], color=colour, linewidth=0.5, alpha=0.7, clip_on=False, gid="end-leader")
        texts.append(ax.text(tx, ty, text, color=colour, fontsize=fontsize, ha="left", va="center", zorder=6,
                             fontweight="bold", clip_on=False, gid="end-label",
                             bbox={"boxstyle": "square,pad=0.05", "facecolor": "white", "alpha": 0.75, "linewidth": 0}))
    return texts
