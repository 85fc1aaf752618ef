"""Charts of a replay: positions, race history, class positions, Index of Performance, real vs what-if.

Every function returns a :class:`matplotlib.figure.Figure` (built without pyplot, so nothing leaks into global
state and it works under any backend); :func:`save_figure` writes it as PNG and SVG. Styles live in
:mod:`sim.plots.style`. Bad arguments (an unknown car or class, ``top`` < 1) raise ``ValueError`` naming the value.

>>> fig = position_chart(run_replay())                       # doctest: +SKIP
>>> save_figure(fig, "out/<race id>/positions")           # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.bands import band_label, car_band, check_race, summary_of
from sim.checkpoints import check
from sim.circuit.chartdata import (
    DEFAULT_TOP,
    changed_cars,
    checkpoint_marks,
    comparison_cars,
    fractional_laps,
    index_series,
    long_stops,
    out_time,
    position_series,
    select_cars,
)
from sim.circuit.plotkinds import BAND_PLOT_KINDS as BAND_KINDS
from sim.circuit.plotkinds import PLOT_KINDS
from sim.clock import HOUR
from sim.plots.render import render_figure, save_figure, write_file
from sim.plots.style import (
    CHECKPOINT_STYLES,
    LINESTYLES,
    LONG_STOP_S,
    line_styles,
    make_colours,
    new_figure,
    place_labels,
    positions_axis,
    race_axis,
    race_times,
)
from sim.standings import positions_matrix

__all__ = ["changed_cars", "checkpoint_marks", "class_chart", "comparison_cars", "comparison_chart", "draw",
           "index_chart", "long_stops", "position_chart", "race_history_chart", "render_all_plots",
           "render_banded_plots", "render_figure", "save_figure", "select_cars", "write_all_plots"]


def make_colours_of(table) -> dict[str, str]:
    """The colour of each make of the race (:func:`~sim.plots.style.make_colours`: told apart, one per make, the same
    in every chart of the race)."""
    return make_colours(set(table.makes.values()))


def _single_axes(ax, right: float = 0.80):
    """(figure, axes): the given axes and its figure, or a new standard figure with one axes."""
    if ax is not None:
        return ax.figure, ax
    fig, axes = new_figure(right=right)
    return fig, axes[0][0]


def _draw_positions(ax, replay, cars, thick=()) -> tuple[int, list]:
    """One line per car (make colour), x at retirements, long stops as wide bands.

    Returns the lowest position drawn and the line ends [(x, y, car, colour)] for the labels."""
    table = replay.table
    times, pos = position_series(replay)
    stops = long_stops(replay)
    styles = line_styles(table.makes, cars)
    lowest, ends = 1, []
    for car in cars:
        colour = make_colours_of(table)[table.makes[car]]
        out_t = out_time(table, car)
        keep = times < out_t
        x, y = times[keep] / HOUR, pos[car][keep]
        width = 2.6 if car in thick else 1.4
        ax.plot(x, y, color=colour, linewidth=width, linestyle=styles[car], drawstyle="steps-post", gid=f"car-{car}",
                zorder=3)
        lowest = max(lowest, int(y.max()) if len(y) else 1)
        for lo, hi in stops.get(car, []):
            ts = np.linspace(lo, min(hi, out_t - 1.0), 12)
            cs, ps, _ = positions_matrix(table, ts)
            ax.plot(ts / HOUR, ps[cs.index(car)], color=colour, linewidth=8, alpha=0.3, solid_capstyle="butt",
                    gid=f"stop-{car}", zorder=2)
        if len(x):
            if np.isfinite(out_t):
                ax.plot(x[-1], y[-1], marker="x", markersize=9, markeredgewidth=2.2, color=colour, gid=f"retired-{car}",
                        zorder=4)
            ends.append((x[-1], y[-1], car, colour))
    return lowest, ends


BAND_ALPHA = 0.14  # translucent enough that ten overlapping bands leave the lines readable
# a position is a whole number held until the next change: its band is a step around each hour's sample, as the
# lines are steps; laps behind grow through the hour, so their band runs straight from one hour to the next
BAND_STEP = {"position": "mid", "laps_behind": None}
BAND_PAD = {"position": 0.25, "laps_behind": 0.0}  # a place every draw agrees on still shows, as a thin band


def _draw_bands(ax, replay, bands, cars, what: str) -> tuple[float, list]:
    """Each shown car's band of `what` (10th to 90th percentile over the draws) in its make's colour, up to the hour
    it leaves the race in `replay`. The median is not drawn: beside the replay's own line it doubled every line
    (it is in the summary). Returns the deepest value drawn and the legend handles."""
    summary = summary_of(bands)
    check_race(summary, replay.race.id)
    table, deepest = replay.table, 0.0
    for car in cars:
        out_t = out_time(table, car)
        band = car_band(summary, car, what, until_hour=out_t / HOUR if np.isfinite(out_t) else None)
        if band is None:
            continue
        colour = make_colours_of(table)[table.makes[car]]
        pad = BAND_PAD[what]
        ax.fill_between(band.hours, band.p10 - pad, band.p90 + pad, step=BAND_STEP[what], color=colour,
                        alpha=BAND_ALPHA, linewidth=0, zorder=1.5, gid=f"band-{car}")
        deepest = max(deepest, float(band.p90.max()))
    label = band_label(summary).replace(" over ", "\nover ")  # two lines: the legend column is narrow
    return deepest, [Patch(facecolor="#555555", alpha=0.3, linewidth=0, label=f"Monte Carlo band:\n{label}")]


def _band_title(bands) -> str:
    summary = summary_of(bands)
    return f"\nshaded: each car's {band_label(summary)} (seed {summary['seed']}); line: this replay"


def _make_handles(table, cars) -> list:
    """Legend entries: one per make (most cars first), then what the dashed and dotted lines mean."""
    makes = sorted({table.makes[c] for c in cars}, key=lambda m: (-sum(table.makes[c] == m for c in cars), m))
    handles = [Line2D([], [], color=make_colours_of(table)[m], linewidth=2.5, label=m) for m in makes]
    most = max((sum(table.makes[c] == m for c in cars) for m in makes), default=0)
    texts = ("2nd car of a make", "3rd car of a make", "4th car of a make", "5th car of a make")
    handles += [Line2D([], [], color="#555555", linewidth=1.4, linestyle=style, label=text)
                for style, text in zip(LINESTYLES[1:most], texts)]
    return handles


def _legend_makes(ax, table, cars, anchor=(1.045, 1.0), extra=()):
    handles = _make_handles(table, cars)
    handles += [Line2D([], [], color="#555555", marker="x", markersize=8, markeredgewidth=2, linestyle="none",
                       label="retired or disqualified"),
                Line2D([], [], color="#555555", linewidth=8, alpha=0.3,
                       label=f"stop or delay ≥ {LONG_STOP_S / 60:.0f} min")]
    handles += list(extra)
    return ax.add_artist(ax.legend(handles=handles, loc="upper left", bbox_to_anchor=anchor, fontsize=9, title="make",
                                   frameon=False, borderaxespad=0))


MARK_SIZE = 7.0  # points: a checkpoint marker; car labels keep clear of it


def checkpoint_count_label(label: str, report: dict, status: str, marks: list[dict]) -> str:
    """A legend entry counting checkpoints as the report does ("pass (filled): 18"), with how many of them the chart
    draws where that is fewer ("18, 12 drawn"); a checkpoint about several cars is one checkpoint, however many
    markers it has."""
    total = sum(cp["status"] == status for cp in report["checkpoints"])
    drawn = len({m["id"] for m in marks if m["status"] == status})
    return f"{label}: {total}" + (f", {drawn} drawn" if drawn != total else "")


def position_chart(replay, report=None, top=None, car_class=None, cars=None, ax=None, bands=None):
    """Every shown car's overall position through the race, one line per car coloured by make, numbers at line ends.

    Retirements are marked x, long stops and delays as wide bands, night and fog shaded. The published checkpoints
    (`report` from :func:`sim.checkpoints.check`, computed when None; pass False for none) are drawn at their time and
    published position: filled = pass, hollow = fail, diamond = conflict, grey square = fitted.
    Cars: see :func:`select_cars`. Draws on `ax` if given (leave room on its right for the legends).
    `bands` (a :class:`~sim.MonteCarlo` or its summary dict) adds each car's 10th-90th percentile of position over
    the draws, hour by hour. Raises ValueError as select_cars does, and for bands of another race.
    """
    shown = select_cars(replay, top=top, car_class=car_class, cars=cars)
    fig, ax = _single_axes(ax, right=0.79)
    race_axis(ax, replay.facts)
    lowest, ends = _draw_positions(ax, replay, shown)
    band_handles = []
    if bands is not None:
        deepest, band_handles = _draw_bands(ax, replay, bands, shown, "position")
        lowest = max(lowest, int(deepest))
    extra, marks = [], []
    if report is not False:
        report = check(replay) if report is None else report
        marks = checkpoint_marks(replay, report, shown)
        for status, (marker, face, edge, label) in CHECKPOINT_STYLES.items():
            mine = [m for m in marks if m["status"] == status]
            ax.plot([m["time_s"] / HOUR for m in mine], [m["position"] for m in mine], linestyle="none",
                    marker=marker, markersize=MARK_SIZE, markerfacecolor=face, markeredgecolor=edge,
                    markeredgewidth=1.2, alpha=0.85, zorder=3.5, clip_on=False, gid=f"checkpoints-{status}")
            extra.append(Line2D([], [], linestyle="none", marker=marker, markersize=MARK_SIZE, markerfacecolor=face,
                                markeredgecolor=edge, markeredgewidth=1.2, label=checkpoint_count_label(
                                    label, report, status, marks)))
        lowest = max([lowest] + [m["position"] for m in marks])
    # a car that falls far down the order (Moss's long stop) would stretch the axis for everyone: cut it off there
    floor = max(len(shown) + 4, max((m["position"] for m in marks), default=1), 12)
    if lowest > floor:
        ax.annotate(f"below P{floor}: off the chart", xy=(0.005, 0.005), xycoords="axes fraction", fontsize=8,
                    color="0.35", va="bottom")
        ends = [(x, min(y, floor), car, colour) for x, y, car, colour in ends]
        lowest = floor
    positions_axis(ax, lowest)
    if any(m["car"] is None for m in marks):
        ax.axhline(0.5, color="0.8", linewidth=0.6, zorder=1)
        ax.text(-0.008, 0, "race-wide", transform=ax.get_yaxis_transform(), ha="right", va="center", fontsize=8,
                color="0.3")
    place_labels(ax, ends, avoid=[(m["time_s"] / HOUR, m["position"]) for m in marks], avoid_pt=MARK_SIZE / 2 + 1)
    _legend_makes(ax, replay.table, shown, extra=band_handles)
    if extra:
        ax.legend(handles=extra, loc="lower left", bbox_to_anchor=(1.045, 0.0), fontsize=9, frameon=False,
                  title="published checkpoints, counted\nas checkpoints.md counts them", borderaxespad=0,
                  alignment="left")
    which = (f"the class {car_class}" if car_class else "the chosen cars" if cars is not None
             else f"the cars in the top {top or DEFAULT_TOP} at any hour")
    title = f"{replay.race.title}, {replay.label}: overall position through the race, {which}"
    ax.set_title(title + (_band_title(bands) if bands is not None else ""), fontsize=13, pad=18)
    return fig


def race_history_chart(replay, top=None, ax=None, bands=None):
    """Laps behind the leader through the race for every car (or the cars that reached the top `top` at an hour).

    Distance is counted in fractions of a lap between crossings, so a long stop shows as a line falling away from
    the leader. Draws on `ax` if given. `bands` (a :class:`~sim.MonteCarlo` or its summary dict) adds each car's
    10th-90th percentile of laps behind the leader over the draws, at the end of each hour.
    Raises ValueError for a `top` below 1, and for bands of another race.
    """
    table = replay.table
    shown = select_cars(replay, top=top) if top is not None else [row[0] for row in table.order_at(table.duration_s)]
    times = race_times(table.duration_s, fine_step_s=60.0, step_s=300.0)
    frac = {c: fractional_laps(table, c, times) for c in table.cars}
    out = {c: times >= out_time(table, c) for c in table.cars}
    leader = np.max([np.where(out[c], 0.0, frac[c]) for c in table.cars], axis=0)
    fig, ax = _single_axes(ax)
    race_axis(ax, replay.facts)
    ends, deepest, styles = [], 1.0, line_styles(table.makes, shown)
    for car in shown:
        keep = ~out[car]
        gap = (leader - frac[car])[keep]
        colour = make_colours_of(table)[table.makes[car]]
        ax.plot(times[keep] / HOUR, gap, color=colour, linewidth=1.3, linestyle=styles[car], gid=f"car-{car}")
        if len(gap):
            if np.isfinite(out_time(table, car)):
                ax.plot(times[keep][-1] / HOUR, gap[-1], marker="x", markersize=8, markeredgewidth=2, color=colour,
                        gid=f"retired-{car}")
            ends.append((times[keep][-1] / HOUR, gap[-1], car, colour))
            deepest = max(deepest, float(gap.max()))
    band_handles = []
    if bands is not None:
        band_deepest, band_handles = _draw_bands(ax, replay, bands, shown, "laps_behind")
        deepest = max(deepest, band_deepest)
    ax.set_ylim(deepest * 1.03 + 0.5, -0.5)
    winner = table.order_at(table.duration_s)[0]
    lap_s = table.duration_s / max(winner[1], 1)
    ax.set_ylabel(f"laps behind the leader (one lap ≈ {lap_s // 60:.0f} min {lap_s % 60:02.0f} s "
                  "at the winner's average)")
    ax.grid(axis="y", color="#eeeeee", linewidth=0.5)
    place_labels(ax, ends)
    _legend_makes(ax, table, shown, extra=band_handles)
    which = "every car" if top is None else f"the cars in the top {top} at any hour"
    title = f"{replay.race.title}, {replay.label}: race history, laps behind the leader, {which}"
    ax.set_title(title + (_band_title(bands) if bands is not None else ""), fontsize=13, pad=18)
    return fig


def _class_key(name: str) -> float:
    size = name.lstrip("S")
    return -(float(size) / 1000 if float(size) > 100 else float(size))


def _class_panel(ax, replay, klass: str, series, many: bool, top_row: bool) -> None:
    """One class's positions through the race on `ax`."""
    table, (times, pos) = replay.table, series
    final = [row[0] for row in table.order_at(table.duration_s)]
    members = [c for c in final if table.classes[c] == klass]
    ranks = np.argsort(np.argsort(np.array([pos[c] for c in members]), axis=0), axis=0) + 1
    race_axis(ax, replay.facts, every_h=4 if many else 2, label=not many, weather_labels=top_row)
    styles, ends = line_styles(table.makes, members), []
    for car, rank in zip(members, ranks):
        keep = times < out_time(table, car)
        colour = make_colours_of(table)[table.makes[car]]
        ax.plot(times[keep] / HOUR, rank[keep], color=colour, linewidth=1.5, drawstyle="steps-post",
                linestyle=styles[car], gid=f"car-{car}")
        if keep.any():
            if np.isfinite(out_time(table, car)):
                ax.plot(times[keep][-1] / HOUR, rank[keep][-1], marker="x", markersize=8, markeredgewidth=2,
                        color=colour, gid=f"retired-{car}")
            ends.append((times[keep][-1] / HOUR, rank[keep][-1], car, colour))
    positions_axis(ax, len(members), label="position in class")
    ax.set_title(f"class {klass} ({len(members)} starters)", fontsize=11, loc="left", pad=16)
    place_labels(ax, ends)


def class_chart(replay, car_class=None, ax=None):
    """Position within class through the race: one panel per class (largest engines first), or one chosen class
    (drawn on `ax` if given: the caller's figure then keeps its own legend and title).

    Lines are coloured by make (dashed/dotted for a second/third car of a make in the panel), x at retirements.
    Raises ValueError for an unknown class, or an `ax` without a `car_class`.
    """
    table = replay.table
    classes = sorted(set(table.classes.values()), key=_class_key)
    if car_class is not None:
        if car_class not in classes:
            raise ValueError(f"car_class(={car_class!r}) is not a class of this race (classes: {', '.join(classes)})")
        classes = [car_class]
    if ax is not None:
        if car_class is None:
            raise ValueError("ax= draws one panel: give the car_class to draw")
        _class_panel(ax, replay, car_class, position_series(replay), many=False, top_row=True)
        return ax.figure
    ncols = min(3, len(classes))
    nrows = -(-len(classes) // ncols)
    fig, axes = new_figure(nrows, ncols, right=0.96 if len(classes) > 1 else 0.88, bottom=0.14, wspace=0.18)
    series = position_series(replay)
    for k, klass in enumerate(classes):
        _class_panel(axes[k // ncols][k % ncols], replay, klass, series, many=len(classes) > 1, top_row=k < ncols)
    for k in range(len(classes), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    makes = {table.makes[c] for c in table.cars if table.classes[c] in classes}
    handles = [Line2D([], [], color=make_colours_of(table)[m], linewidth=2.5, label=m) for m in sorted(makes)]
    texts = ("2nd car of a make in the class", "3rd car of a make", "4th car of a make", "5th car of a make")
    handles += [Line2D([], [], color="#555555", linestyle=style, label=text)
                for style, text in zip(LINESTYLES[1:], texts)]
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 11), fontsize=9, frameon=False,
               title="make (numbers at the line ends are the cars)")
    fig.suptitle(f"{replay.race.title}, {replay.label}: position within class through the race (x = retired)",
                 fontsize=14)
    return fig


def index_chart(replay, top=10, ax=None):
    """Index of Performance through the race (distance over the pro-rata target, at each lap) of the `top`
    classified cars ranked by their index at the flag, with the published final scores (the Index table's top
    ten) as stars at 24 h.

    Drawn from the second hour (earlier the first lap's standing start dominates), on `ax` if given.
    Raises ValueError for `top` < 1.
    """
    if top < 1:
        raise ValueError(f"top(={top!r}) must be >= 1")
    table, facts, race = replay.table, replay.facts, replay.race
    series = {}
    for car in table.cars:
        if replay.plan.car(car).status == "classified":
            found = index_series(replay, car, 2 * HOUR)
            if found is not None:
                series[car] = found
    shown = sorted(series, key=lambda c: -series[c][1][-1])[:top]
    colours = {car: make_colours_of(table)[table.makes[car]] for car in shown}  # by make, as every chart
    styles = line_styles(table.makes, shown)
    if ax is None:
        fig, axes = new_figure(right=0.78)
        ax = axes[0][0]
    fig = ax.figure
    race_axis(ax, facts)
    ends = []
    for k, car in enumerate(shown):
        times, scores = series[car]
        entry = race.entry(car)
        cc = entry.engine.displacement_cc if entry.engine else None
        ax.plot(times / HOUR, scores, color=colours[car], linewidth=1.6, linestyle=styles[car], gid=f"car-{car}",
                label=f"{k + 1}. car {car}, {table.makes[car]} {cc} cc: {scores[-1]:.3f}")
        ends.append((times[-1] / HOUR, scores[-1], car, colours[car]))
    published = race.published.get("index_of_performance") or []
    ax.scatter([facts.duration_s / HOUR] * len(published), [score for _, _, score in published], marker="*", s=170,
               zorder=5, edgecolors="black", linewidths=0.8, c=[colours.get(car, "white") for _, car, _ in published],
               gid="published-index", clip_on=False, label="published final index (its top 10)")
    ax.set_ylabel("Index of Performance (distance so far / target distance pro rata)")
    ax.grid(axis="y", color="#eeeeee", linewidth=0.5)
    ax.legend(loc="upper left", bbox_to_anchor=(1.06, 1.0), fontsize=9, frameon=False, borderaxespad=0,
              title="replay: index at the flag\n(colour: the make; dashed, dotted:\nits 2nd, 3rd car)")
    place_labels(ax, ends, pad_px=12)
    ax.set_title(f"{race.title}, {replay.label}: Index of Performance through the race, top {len(shown)} at the flag",
                 fontsize=13, pad=18)
    return fig


def comparison_chart(real, whatif, cars=None):
    """Overall positions in the real race (left) and the what-if (right), sharing the position axis.

    Shows `cars`, by default :func:`comparison_cars` (those whose result changed drawn thick, plus the top 6);
    no checkpoints. Raises ValueError for a car that did not start.
    """
    changed = changed_cars(real, whatif)
    shown = select_cars(whatif, cars=cars if cars is not None else comparison_cars(real, whatif))
    fig, axes = new_figure(1, 2, sharey=True, right=0.85)
    lowest, ends = 1, {}
    for ax, replay, title in ((axes[0][0], real, "real race"), (axes[0][1], whatif, f"what if: {whatif.label}")):
        race_axis(ax, replay.facts, every_h=4)
        low, ends[ax] = _draw_positions(ax, replay, shown, thick=changed)
        lowest = max(lowest, low)
        ax.set_title(title, fontsize=12, loc="left", pad=18)
    for ax in ends:
        positions_axis(ax, lowest)
        place_labels(ax, ends[ax])
    axes[0][1].set_ylabel("")
    note = Line2D([], [], color="#555555", linewidth=2.6, label="result changed (thick)")
    _legend_makes(axes[0][1], whatif.table, shown, anchor=(1.06, 1.0), extra=[note] if changed else [])
    fig.suptitle(f"{real.race.title}: overall position, real race vs what-if \"{whatif.label}\"", fontsize=14)
    return fig


_DRAW = {  # plot kind -> how to draw it from (replay, top, car_class, report, bands)
    "positions": lambda replay, top, car_class, report, bands: position_chart(replay, report=report, top=top,
                                                                              car_class=car_class, bands=bands),
    "history": lambda replay, top, car_class, report, bands: race_history_chart(replay, top=top, bands=bands),
    "class": lambda replay, top, car_class, report, bands: class_chart(replay, car_class=car_class),
    "index": lambda replay, top, car_class, report, bands: index_chart(replay, top=top or 10),
}


def draw(replay, kind: str, top=None, car_class=None, report=None, bands=None):
    """One plot by name: positions, history, class or index (the CLI's `plot --kind`), with `bands` on the
    positions and history plots. Raises ValueError on a bad kind, or bands on another kind."""
    if kind not in _DRAW:
        raise ValueError(f"kind(={kind!r}) must be one of {', '.join(_DRAW)}")
    if bands is not None and kind not in BAND_KINDS:
        raise ValueError(f"kind(={kind!r}) draws no bands (only {', '.join(BAND_KINDS)})")
    return _DRAW[kind](replay, top, car_class, report, bands)


def render_all_plots(replay, report=None, bands=None, kinds=None) -> dict[str, bytes]:
    """The standard plots of a replay (`kinds`, default all four) as PNG and SVG bytes: {"positions.png": ...,
    "positions.svg": ..., ...}; with `bands` (a Monte Carlo summary) on the positions and history plots."""
    import matplotlib.pyplot as plt  # only to close figures; they are built without pyplot

    rendered = {}
    for kind in PLOT_KINDS if kinds is None else kinds:
        fig = draw(replay, kind, report=report if kind == "positions" else None,
                   bands=bands if kind in BAND_KINDS else None)
        try:
            rendered |= {kind + suffix: data for suffix, data in render_figure(fig).items()}
        finally:
            plt.close(fig)
    return rendered


def render_banded_plots(replay, bands, report=None) -> dict[str, bytes]:
    """The position and race-history plots with the Monte Carlo `bands`, as PNG and SVG bytes."""
    return render_all_plots(replay, report=report, bands=bands, kinds=BAND_KINDS)


def write_all_plots(replay, out, report=None) -> dict[str, list[Path]]:
    """The four standard plots of a replay as PNG and SVG in folder `out`: {kind: [png, svg]}.

    All are rendered before any is written; each file is written atomically."""
    out = Path(out)
    rendered = render_all_plots(replay, report=report)
    out.mkdir(parents=True, exist_ok=True)
    return {kind: [write_file(out / name, rendered[name]) for name in (kind + ".png", kind + ".svg")]
            for kind in PLOT_KINDS}
