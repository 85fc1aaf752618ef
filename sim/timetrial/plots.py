"""The plots that tell a time trial's story; each function returns a Figure (and takes an `ax` to draw one panel).

* :func:`distance_time_chart`: km against the clock, one line per car: the staggered starts, the passes on the road
  (lines crossing) and the retirements (a cross where a line stops);
* :func:`control_chart`: position by elapsed time at each control (the rally analysts' stage progression);
* :func:`gap_chart`: gap to the eventual winner on elapsed time at each control, for the top cars;
* :func:`road_vs_elapsed_chart`: road position (order of arrival on the clock) against elapsed position at a control.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from sim.bands import check_race, summary_of
from sim.clock import HOUR, clock_label
from sim.plots.render import render_figure
from sim.plots.style import CAR_COLOURS, new_figure, place_labels
from sim.timetrial.standings import control_standings, eventual_winner, featured

FAINT = "#c8c8c8"


def _axes(ax, right=0.84, left=0.05, bottom=0.10):
    if ax is not None:
        return ax.figure, ax
    fig, axes = new_figure(right=right)
    fig.subplots_adjust(left=left, bottom=bottom)
    return fig, axes[0][0]


def _route_ticks(ax, names, kms, axis="x") -> None:
    """Control names with their km; a label close to the one before it drops a line so the two never overlap."""
    labels, previous = [], -1e9
    for name, km in zip(names, kms):
        close = km - previous < 0.06 * kms[-1] and not (labels and labels[-1].startswith("\n\n"))
        labels.append(("\n\n" if close else "") + f"{name}\n{km:g} km")
        previous = km
    ax.set_xticks(kms)
    ax.set_xticklabels(labels)


def _surname(replay, car: str) -> str:
    first = replay.table.drivers[car].split(" / ")[0].split()
    return " ".join(first[1:] or first)  # "von Trips", "de Portago": the name after the given name


def biggest_class(replay) -> str:
    """The class with the most listed cars (ties: the first in the table): the default class shown in colour."""
    counts = Counter(c.car_class for c in replay.plan.cars)
    return max(counts, key=lambda k: (counts[k], -[c.car_class for c in replay.plan.cars].index(k)))


def _clock_axis(ax, replay, hours: float) -> None:
    """Ticks every two hours on whole hours of the clock (the replay's zero need not be one)."""
    start = replay.facts.start
    first = (-(start.minute * 60 + start.second) % 3600) / HOUR
    ticks = np.arange(first, hours + 1e-9, 2.0)
    ax.set_xticks(ticks)
    ax.set_xticklabels([clock_label(t * HOUR, replay.facts.start) for t in ticks])
    ax.set_xlim(0, hours)
    ax.set_xlabel(f"clock time ({replay.facts.start:%d %B} to the next day)")


def distance_time_chart(replay, car_class: str | None = None, top: int = 6, ax=None):
    """km from the start against the clock, one line per car; the top cars and a class in colour."""
    fig, ax = _axes(ax, left=0.125)
    car_class = car_class or biggest_class(replay)
    leaders = featured(replay, top)
    colours = {car: CAR_COLOURS[i % len(CAR_COLOURS)] for i, car in enumerate(leaders)}
    in_class = [c for c in replay.table.cars if replay.table.classes[c] == car_class and c not in colours]
    unknown = unplaced(replay)
    labels, ends = [], []
    for car in replay.table.cars:
        if car in unknown:
            continue
        run = replay.runs[car]
        colour = colours.get(car, "#6b8e23" if car in in_class else FAINT)
        strong = car in colours or car in in_class
        ax.plot(run.clock / HOUR, run.km, color=colour, linewidth=1.6 if car in colours else 0.9 if strong else 0.6,
                alpha=1.0 if strong else 0.7, zorder=3 if car in colours else 2 if strong else 1)
        if not run.finished:
            ends.append((run.clock[-1] / HOUR, run.km[-1], colour if strong else "#999999"))
        if car in colours:
            labels.append((run.clock[-1] / HOUR, run.km[-1], f"{car} {_surname(replay, car)}", colour))
    ax.scatter([e[0] for e in ends], [e[1] for e in ends], marker="x", c=[e[2] for e in ends], s=30, zorder=4,
               label="stopped (did not finish)")
    if unknown:
        starts = [replay.runs[c].start / HOUR for c in unknown]
        ax.scatter(starts, [0] * len(starts), marker="^", s=40, color="#d62728", zorder=5, clip_on=False,
                   label=f"started; no time and no place in the sources, so not drawn on the road ({len(unknown)}: "
                   + " ".join(unknown) + ")")
    course = replay.log.course
    for _name, km in zip(course.mark_names, course.marks_km):
        ax.axhline(km, color="#888888", linewidth=0.5, linestyle=":", zorder=0)
    ax.set_yticks([0, *course.marks_km])
    ax.set_yticklabels([replay.facts.route.points[0].name,
                        *[f"{n} {km:g}" for n, km in zip(course.mark_names, course.marks_km)]])
    ax.set_ylim(0, course.marks_km[-1] * 1.02)
    _clock_axis(ax, replay, replay.facts.duration_s / HOUR)
    ax.set_ylabel(f"km from {replay.facts.route.points[0].name} (controls labelled)")
    ax.set_title(f"{replay.race.title}: every listed car on the road from its own start (colour: the top {top} "
                 f"and the leaders at a control; green: class {car_class}; grey: the rest)")
    ax.plot([], [], color="#6b8e23", label=f"class {car_class}")
    ax.legend(loc="lower right", fontsize=8)
    place_labels(ax, labels, fontsize=8)
    return fig


def unplaced(replay) -> list[str]:
    """The cars that did not finish with no time and no place in the sources: where they stopped is unknown."""
    return [c.number for c in replay.plan.cars
            if c.reading is not None and c.reading.default and c.reading.time_s is None]


def _control_bands(ax, bands: dict, names: list[str], cars: list[str], colours: dict) -> None:
    """A Monte Carlo summary's 10-90% band of each featured car's position at each control (a bar beside its
    marker; one that runs below the chart is cut at its edge), and who leads there in what share of the draws
    (above the control)."""
    n = len(cars)
    for control in bands.get("controls", ()):
        if control["control"] not in names:
            continue
        x = names.index(control["control"])
        for row in control["front"]:
            if row["car"] in colours:
                dx = 0.025 * (cars.index(row["car"]) - (n - 1) / 2)
                ax.plot([x + dx, x + dx], [row["position_p10"], row["position_p90"]], color=colours[row["car"]],
                        linewidth=5, alpha=0.25, solid_capstyle="butt")
        shares = "\n".join(f"{car} {100 * s:.0f}%" for car, s in list(control["leaders"].items())[:3])
        ax.annotate(shares, (x, 0), xytext=(0, 4), textcoords="offset points", ha="center", va="bottom",
                    fontsize=7, color="#444444", annotation_clip=False)


def control_chart(replay, top: int = 10, ax=None, bands: dict | None = None):
    """Position by elapsed time at each control: the top `top` at the finish and anyone who led. With `bands` (a
    Monte Carlo summary), each of them has its 10-90% band of position there and the leaders' shares are written
    above each control."""
    own = ax is None
    fig, ax = _axes(ax)
    if own and bands is not None:
        fig.subplots_adjust(top=0.84)  # room for the title and the leaders' shares above the controls
    frame = control_standings(replay)
    names = list(dict.fromkeys(frame.control))
    cars = featured(replay, top)
    labels, lowest = [], 1
    colours = {car: CAR_COLOURS[i % len(CAR_COLOURS)] for i, car in enumerate(cars)}
    if bands is not None:
        bands = summary_of(bands)
        check_race(bands, replay.race.id)
        _control_bands(ax, bands, names, cars, colours)
    for car in cars:
        rows = frame[frame.car == car]
        x = [names.index(c) for c in rows.control]
        colour = colours[car]
        ax.plot(x, rows.position, marker="o", color=colour, linewidth=1.6)
        lowest = max(lowest, int(rows.position.max()))
        out = "" if len(x) == len(names) else " (out)"
        labels.append((x[-1], int(rows.position.iloc[-1]), f"{car} {_surname(replay, car)}{out}", colour))
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels([f"{n}\n{km:g} km" for n, km in dict(zip(frame.control, frame.km)).items()])
    ax.set_xlim(-0.2, len(names) - 1 + 0.2)
    ax.set_ylim(lowest + 0.5, 0.5)
    ax.set_yticks(range(1, lowest + 1))
    ax.set_ylabel("position by elapsed time at the control")
    title = f"{replay.race.title}: position at each control (the top {top} at the finish and every leader)"
    if bands is not None:
        title += (f"\nbars: 10th-90th percentile over {bands['calibrated']} draws; above each control: who leads "
                  "there in what share of them")
    ax.set_title(title, pad=52 if bands is not None else 6)
    ax.grid(axis="y", color="#eeeeee")
    place_labels(ax, labels, fontsize=9)
    return fig


def gap_chart(replay, top: int = 6, ax=None):
    """Gap to the eventual winner on elapsed time at each control (minutes; above the line: ahead of him), x = km."""
    fig, ax = _axes(ax, bottom=0.15)
    frame = control_standings(replay)
    winner = eventual_winner(replay)
    labels, cars = [], featured(replay, top)
    for i, car in enumerate(cars):
        rows = frame[frame.car == car]
        colour = CAR_COLOURS[i % len(CAR_COLOURS)]
        ax.plot(rows.km, rows.gap_to_winner_s / 60, marker="o", color=colour, linewidth=1.6)
        out = "" if len(rows) == len(replay.log.course.marks_km) else " (out)"
        labels.append((float(rows.km.iloc[-1]), float(rows.gap_to_winner_s.iloc[-1] / 60),
                       f"{car} {_surname(replay, car)}{out}", colour))
    course = replay.log.course
    _route_ticks(ax, course.mark_names, course.marks_km)
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.set_xlim(0, course.marks_km[-1] * 1.01)
    gaps = frame[frame.car.isin(cars)].gap_to_winner_s / 60
    ax.set_ylim(float(gaps.max()) * 1.05 + 1, min(float(gaps.min()) * 1.05, 0) - 2)
    ax.set_xlabel(f"km from {replay.facts.route.points[0].name}")
    ax.set_ylabel(f"minutes behind car {winner} {_surname(replay, winner)} (the winner) on elapsed time")
    ax.set_title(f"{replay.race.title}: gap to the eventual winner at each control (the top {top} and every leader; "
                 "above the line: ahead of him there)")
    ax.grid(color="#eeeeee")
    place_labels(ax, labels, fontsize=9)
    return fig


def road_vs_elapsed_chart(replay, control: str | None = None, label_top: int = 12, ax=None):
    """Road position (order of arrival on the clock) against elapsed position at a control (default the finish)."""
    fig, ax = _axes(ax, right=0.86)
    frame = control_standings(replay)
    control = control or frame.control.iloc[-1]
    rows = frame[frame.control == control]
    ax.scatter(rows.road_position, rows.position, s=18, color="#1f77b4", zorder=3)
    n = len(rows)
    ax.plot([1, n], [1, n], color="#999999", linewidth=0.8, linestyle="--", label="road order = elapsed order")
    ax.set_xlim(0, n + 1)
    ax.set_ylim(n + 1, -2)
    top = rows[rows.position <= label_top]
    place_labels(ax, [(float(r.road_position), float(r.position), f"{r.car} {_surname(replay, r.car)}", "#1f4e79")
                      for r in top.itertuples()], fontsize=8, avoid=[(float(x), float(y)) for x, y in
                                                                      zip(rows.road_position, rows.position)])
    ax.set_xlabel(f"road position at {control} (1 = first to arrive on the clock)")
    ax.set_ylabel(f"position by elapsed time at {control}")
    ax.set_title(f"{replay.race.title}: who was first on the road against who was leading, at {control}")
    ax.legend(loc="upper right", fontsize=9)
    return fig


CHARTS = {"distance-time": distance_time_chart, "controls": control_chart, "gaps": gap_chart,
          "road-vs-elapsed": road_vs_elapsed_chart}


def draw(replay, kind: str, top=None, car_class=None, bands=None):
    """One plot by name (`bands`, a Monte Carlo summary, on the controls chart); ValueError on a name that is not
    one of CHARTS."""
    if kind not in CHARTS:
        raise ValueError(f"plot kind {kind!r} is not one of {', '.join(CHARTS)}")
    if kind == "controls" and bands is not None:
        return control_chart(replay, bands=bands, **({"top": top} if top else {}))
    if kind == "distance-time":
        return distance_time_chart(replay, car_class=car_class, **({"top": top} if top else {}))
    if kind == "road-vs-elapsed":
        return road_vs_elapsed_chart(replay)
    return CHARTS[kind](replay, **({"top": top} if top else {}))


def render_all(replay, bands=None) -> dict[str, bytes]:
    """The four plots as PNG and SVG bytes: {"distance-time.png": ..., ...}; with `bands` (a Monte Carlo summary)
    the controls chart shows them."""
    rendered = {}
    for name, chart in CHARTS.items():
        fig = chart(replay, bands=bands) if name == "controls" and bands is not None else chart(replay)
        rendered |= {name + suffix: data for suffix, data in render_figure(fig).items()}
    return rendered
