"""Charts of a replay: positions, race history, class positions, Index of Performance, real vs what-if.

Every function returns a :class:`matplotlib.figure.Figure` (built without pyplot, so nothing leaks into global
state and it works under any backend); :func:`save_figure` writes it as PNG and SVG. Styles live in
:mod:`sim.plotstyle`. Bad arguments (an unknown car or class, ``top`` < 1) raise ``ValueError`` naming the value.

>>> fig = position_chart(run_replay())                       # doctest: +SKIP
>>> save_figure(fig, "out/le-mans-1957/positions")           # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D

from sim.checkpoints import check, index_at
from sim.clock import HOUR
from sim.plotstyle import (CAR_COLOURS, CHECKPOINT_STYLES, LINESTYLES, LONG_STOP_S, line_styles, make_colour, new_figure,
                           place_labels, positions_axis, race_axis, race_times)
from sim.standings import OUT_KINDS, positions_matrix

DEFAULT_TOP = 10


def select_cars(replay, top: int | None = None, car_class: str | None = None, cars=None) -> list[str]:
    """The cars a chart shows, in final order: `cars` as given, else the cars of `car_class` (all of them unless
    `top` is given), else the cars that were in the top `top` (default 10) at the end of any race hour.

    Raises ValueError for a car that did not start, an unknown class or a `top` below 1.
    """
    table = replay.table
    final = [row[0] for row in table.order_at(table.duration_s)]
    if cars is not None:
        unknown = [c for c in cars if c not in table.crossings]
        if unknown:
            raise ValueError(f"cars(={unknown!r}) did not start this race")
        wanted = {str(c) for c in cars}
        return [c for c in final if c in wanted]
    if top is not None and top < 1:
        raise ValueError(f"top(={top!r}) must be >= 1")
    if car_class is not None and car_class not in set(table.classes.values()):
        raise ValueError(f"car_class(={car_class!r}) is not a class of this race (classes: {', '.join(sorted(set(table.classes.values())))})")
    pool = [c for c in final if car_class is None or table.classes[c] == car_class]
    if car_class is not None and top is None:
        return pool
    hours = np.arange(1, int(table.duration_s // HOUR) + 1) * HOUR
    all_cars, positions, _ = positions_matrix(table, hours)
    best = dict(zip(all_cars, positions.min(axis=1)))
    return [c for c in pool if best[c] <= (top or DEFAULT_TOP)]


def long_stops(replay, min_seconds: float = LONG_STOP_S) -> dict[str, list[tuple[float, float]]]:
    """Per car, the (start, end) seconds of every pit stop or on-track delay lasting at least `min_seconds`."""
    out: dict[str, list[tuple[float, float]]] = {}
    pit_in: dict[str, float] = {}
    for e in replay.log:
        if e.kind == "pit_in":
            pit_in[e.car] = float(e.time)
        elif e.kind == "pit_out" and e.car in pit_in:
            start = pit_in.pop(e.car)
            if e.time - start >= min_seconds:
                out.setdefault(e.car, []).append((start, float(e.time)))
        elif e.kind == "delay":
            seconds = float(e.detail.split()[-1].rstrip("s"))
            if seconds >= min_seconds:
                out.setdefault(e.car, []).append((float(e.time), float(e.time) + seconds))
    return out


def _out_time(table, car: str) -> float:
    """When the car left the race (retired or disqualified), or inf."""
    end_t, kind = table.end.get(car, (np.inf, "finished"))
    return float(end_t) if kind in OUT_KINDS else np.inf


def _positions_start(table) -> float:
    """Positions mean something once every car still running has crossed the line once."""
    return float(max((c[0] for c in table.crossings.values() if len(c)), default=0.0))


def _position_series(replay, extra=()) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    table = replay.table
    ends = [_out_time(table, c) - 1.0 for c in table.cars]
    first_lap = _positions_start(table)
    times = race_times(table.duration_s, extra=[e for e in ends if np.isfinite(e)] + [first_lap] + list(extra))
    times = times[times >= first_lap]
    cars, positions, _ = positions_matrix(table, times)
    return times, dict(zip(cars, positions))


def _position_at(replay, car: str, t: float) -> int:
    cars, positions, _ = positions_matrix(replay.table, np.array([t]))
    return int(positions[cars.index(car), 0])


def _draw_positions(ax, replay, cars, thick=()) -> tuple[int, list]:
    """One line per car (make colour), x at retirements, long stops as wide bands.

    Returns the lowest position drawn and the line ends [(x, y, car, colour)] for the labels."""
    table = replay.table
    times, pos = _position_series(replay)
    stops = long_stops(replay)
    styles = line_styles(table.makes, cars)
    lowest, ends = 1, []
    for car in cars:
        colour = make_colour(table.makes[car])
        out_t = _out_time(table, car)
        keep = times < out_t
        x, y = times[keep] / HOUR, pos[car][keep]
        width = 2.6 if car in thick else 1.4
        ax.plot(x, y, color=colour, linewidth=width, linestyle=styles[car], drawstyle="steps-post", gid=f"car-{car}", zorder=3)
        lowest = max(lowest, int(y.max()) if len(y) else 1)
        for lo, hi in stops.get(car, []):
            ts = np.linspace(lo, min(hi, out_t - 1.0), 12)
            cs, ps, _ = positions_matrix(table, ts)
            ax.plot(ts / HOUR, ps[cs.index(car)], color=colour, linewidth=8, alpha=0.3, solid_capstyle="butt",
                    gid=f"stop-{car}", zorder=2)
        if len(x):
            if np.isfinite(out_t):
                ax.plot(x[-1], y[-1], marker="x", markersize=9, markeredgewidth=2.2, color=colour, gid=f"retired-{car}", zorder=4)
            ends.append((x[-1], y[-1], car, colour))
    return lowest, ends


def _make_handles(table, cars) -> list:
    """Legend entries: one per make (most cars first), then what the dashed and dotted lines mean."""
    makes = sorted({table.makes[c] for c in cars}, key=lambda m: (-sum(table.makes[c] == m for c in cars), m))
    handles = [Line2D([], [], color=make_colour(m), linewidth=2.5, label=m) for m in makes]
    most = max((sum(table.makes[c] == m for c in cars) for m in makes), default=0)
    texts = ("2nd car of a make", "3rd car of a make", "4th car of a make", "5th car of a make")
    handles += [Line2D([], [], color="#555555", linewidth=1.4, linestyle=style, label=text)
                for style, text in zip(LINESTYLES[1:most], texts)]
    return handles


def _legend_makes(ax, table, cars, anchor=(1.045, 1.0), extra=()):
    handles = _make_handles(table, cars)
    handles += [Line2D([], [], color="#555555", marker="x", markersize=8, markeredgewidth=2, linestyle="none", label="retired or disqualified"),
                Line2D([], [], color="#555555", linewidth=8, alpha=0.3, label=f"stop or delay ≥ {LONG_STOP_S / 60:.0f} min")]
    handles += list(extra)
    return ax.add_artist(ax.legend(handles=handles, loc="upper left", bbox_to_anchor=anchor, fontsize=9, title="make",
                                   frameon=False, borderaxespad=0))


def checkpoint_marks(replay, report, cars) -> list[dict]:
    """Where the position chart draws each checkpoint: one dict (id, status, car, time_s, position) per mark.

    A checkpoint is drawn when it has a time, a drawable status (pass, fail, conflict, fitted) and marks a shown car:
    at its published position, or at the car's replay position when the claim gives none (not before its first lap).
    """
    shown = set(cars)
    out = []
    for cp in report["checkpoints"]:
        if cp["status"] not in CHECKPOINT_STYLES or cp["time_s"] is None:
            continue
        for car, published in cp["marks"]:
            if car not in shown:
                continue
            t = float(cp["time_s"])
            if published is None:  # on the car's line: not before its first lap, not after it left the race
                t = min(max(t, _positions_start(replay.table)), _out_time(replay.table, car) - 1.0)
                published = _position_at(replay, car, t)
            out.append({"id": cp["id"], "status": cp["status"], "car": car, "time_s": t, "position": int(published)})
    return out


def position_chart(replay, report=None, top=None, car_class=None, cars=None, ax=None):
    """Every shown car's overall position through the race, one line per car coloured by make, numbers at line ends.

    Retirements are marked x, long stops and delays as wide bands, night and fog shaded. The published checkpoints
    (`report` from :func:`sim.checkpoints.check`, computed when None; pass False for none) are drawn at their time and
    published position: filled = pass, hollow = fail, diamond = conflict, grey square = fitted.
    Cars: see :func:`select_cars`. Draws on `ax` if given. Raises ValueError as select_cars does.
    """
    shown = select_cars(replay, top=top, car_class=car_class, cars=cars)
    fig, ax = (ax.figure, ax) if ax is not None else (lambda f, a: (f, a[0][0]))(*new_figure(right=0.79))
    race_axis(ax, replay.facts)
    lowest, ends = _draw_positions(ax, replay, shown)
    extra, marks = [], []
    if report is not False:
        report = check(replay) if report is None else report
        marks = checkpoint_marks(replay, report, shown)
        for status, (marker, face, edge, label) in CHECKPOINT_STYLES.items():
            mine = [m for m in marks if m["status"] == status]
            ax.plot([m["time_s"] / HOUR for m in mine], [m["position"] for m in mine], linestyle="none", marker=marker,
                    markersize=8, markerfacecolor=face, markeredgecolor=edge, markeredgewidth=1.4, zorder=5, clip_on=False,
                    gid=f"checkpoints-{status}")
            extra.append(Line2D([], [], linestyle="none", marker=marker, markersize=8, markerfacecolor=face,
                                markeredgecolor=edge, markeredgewidth=1.4, label=f"{label}: {len(mine)}"))
        lowest = max([lowest] + [m["position"] for m in marks])
    positions_axis(ax, lowest)
    place_labels(ax, ends, avoid=[(m["time_s"] / HOUR, m["position"]) for m in marks])
    _legend_makes(ax, replay.table, shown)
    if extra:
        ax.legend(handles=extra, loc="lower left", bbox_to_anchor=(1.045, 0.0), fontsize=9, frameon=False,
                  title="published checkpoints (count drawn)", borderaxespad=0, alignment="left")
    which = (f"the class {car_class}" if car_class else "the chosen cars" if cars is not None
             else f"the cars in the top {top or DEFAULT_TOP} at any hour")
    ax.set_title(f"{replay.race.title}, {replay.label}: overall position through the race, {which}", fontsize=13, pad=18)
    return fig


def _fractional_laps(table, car: str, times: np.ndarray) -> np.ndarray:
    c = table.crossings[car]
    return np.interp(times, np.concatenate([[0.0], c]), np.arange(len(c) + 1.0))


def race_history_chart(replay, top=None, ax=None):
    """Laps behind the leader through the race for every car (or the cars that reached the top `top` at an hour).

    Distance is counted in fractions of a lap between crossings, so a long stop shows as a line falling away from
    the leader. Raises ValueError for a `top` below 1.
    """
    table = replay.table
    shown = select_cars(replay, top=top) if top is not None else [row[0] for row in table.order_at(table.duration_s)]
    times = race_times(table.duration_s, fine_step_s=60.0, step_s=300.0)
    frac = {c: _fractional_laps(table, c, times) for c in table.cars}
    out = {c: times >= _out_time(table, c) for c in table.cars}
    leader = np.max([np.where(out[c], 0.0, frac[c]) for c in table.cars], axis=0)
    fig, ax = (ax.figure, ax) if ax is not None else (lambda f, a: (f, a[0][0]))(*new_figure())
    race_axis(ax, replay.facts)
    ends, deepest, styles = [], 1.0, line_styles(table.makes, shown)
    for car in shown:
        keep = ~out[car]
        gap = (leader - frac[car])[keep]
        colour = make_colour(table.makes[car])
        ax.plot(times[keep] / HOUR, gap, color=colour, linewidth=1.3, linestyle=styles[car], gid=f"car-{car}")
        if len(gap):
            if np.isfinite(_out_time(table, car)):
                ax.plot(times[keep][-1] / HOUR, gap[-1], marker="x", markersize=8, markeredgewidth=2, color=colour,
                        gid=f"retired-{car}")
            ends.append((times[keep][-1] / HOUR, gap[-1], car, colour))
            deepest = max(deepest, float(gap.max()))
    ax.set_ylim(deepest * 1.03 + 0.5, -0.5)
    winner = table.order_at(table.duration_s)[0]
    lap_s = table.duration_s / max(winner[1], 1)
    ax.set_ylabel(f"laps behind the leader (one lap ≈ {lap_s // 60:.0f} min {lap_s % 60:02.0f} s at the winner's average)")
    ax.grid(axis="y", color="#eeeeee", linewidth=0.5)
    place_labels(ax, ends)
    _legend_makes(ax, table, shown)
    which = "every car" if top is None else f"the cars in the top {top} at any hour"
    ax.set_title(f"{replay.race.title}, {replay.label}: race history, laps behind the leader, {which}", fontsize=13, pad=18)
    return fig


def _class_key(name: str) -> float:
    size = name.lstrip("S")
    return -(float(size) / 1000 if float(size) > 100 else float(size))


def class_chart(replay, car_class=None):
    """Position within class through the race: one panel per class (largest engines first), or one chosen class.

    Lines are coloured by make (dashed/dotted for a second/third car of a make in the panel), x at retirements.
    Raises ValueError for an unknown class.
    """
    table = replay.table
    classes = sorted(set(table.classes.values()), key=_class_key)
    if car_class is not None:
        if car_class not in classes:
            raise ValueError(f"car_class(={car_class!r}) is not a class of this race (classes: {', '.join(classes)})")
        classes = [car_class]
    ncols = min(3, len(classes))
    nrows = -(-len(classes) // ncols)
    fig, axes = new_figure(nrows, ncols, right=0.96 if len(classes) > 1 else 0.88, bottom=0.14, wspace=0.18)
    times, pos = _position_series(replay)
    final = [row[0] for row in table.order_at(table.duration_s)]
    for k, klass in enumerate(classes):
        ax = axes[k // ncols][k % ncols]
        members = [c for c in final if table.classes[c] == klass]
        ranks = np.argsort(np.argsort(np.array([pos[c] for c in members]), axis=0), axis=0) + 1
        race_axis(ax, replay.facts, every_h=4 if len(classes) > 1 else 2, label=len(classes) == 1,
                  weather_labels=k // ncols == 0)
        styles, ends = line_styles(table.makes, members), []
        for car, rank in zip(members, ranks):
            keep = times < _out_time(table, car)
            colour = make_colour(table.makes[car])
            ax.plot(times[keep] / HOUR, rank[keep], color=colour, linewidth=1.5, drawstyle="steps-post",
                    linestyle=styles[car], gid=f"car-{car}")
            if keep.any():
                if np.isfinite(_out_time(table, car)):
                    ax.plot(times[keep][-1] / HOUR, rank[keep][-1], marker="x", markersize=8, markeredgewidth=2,
                            color=colour, gid=f"retired-{car}")
                ends.append((times[keep][-1] / HOUR, rank[keep][-1], car, colour))
        positions_axis(ax, len(members), label="position in class")
        ax.set_title(f"class {klass} ({len(members)} starters)", fontsize=11, loc="left", pad=16)
        place_labels(ax, ends)
    for k in range(len(classes), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    makes = {table.makes[c] for c in table.cars if table.classes[c] in classes}
    handles = [Line2D([], [], color=make_colour(m), linewidth=2.5, label=m) for m in sorted(makes)]
    handles += [Line2D([], [], color="#555555", linestyle=style, label=text) for style, text in
                (("--", "2nd car of a make in the class"), (":", "3rd car of a make"), ("-.", "4th car of a make"))]
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 11), fontsize=9, frameon=False,
               title="make (numbers at the line ends are the cars)")
    fig.suptitle(f"{replay.race.title}, {replay.label}: position within class through the race (x = retired)", fontsize=14)
    return fig


def _index_series(replay, car: str, from_s: float) -> tuple[np.ndarray, np.ndarray] | None:
    """A car's index at each of its lap crossings after `from_s`, and at the flag; None without a target."""
    table, facts = replay.table, replay.facts
    crossings = table.crossings[car]
    laps = np.arange(1, len(crossings) + 1)
    keep = crossings >= from_s
    times = np.append(crossings[keep], table.duration_s)
    laps = np.append(laps[keep], table.laps_at(car, table.duration_s))
    scores = [index_at(replay.race, car, int(n), float(t), facts.duration_s, facts.lap_length_km) for n, t in zip(laps, times)]
    if scores[-1] is None:
        return None
    return times, np.array(scores, dtype=float)


def index_chart(replay, top=10):
    """Index of Performance through the race (distance over the pro-rata target, at each lap) of the `top`
    classified cars ranked by their index at the flag, with the published final scores (the Index table's top
    ten) as stars at 24 h.

    Drawn from the second hour (earlier the first lap's standing start dominates). Raises ValueError for `top` < 1.
    """
    if top < 1:
        raise ValueError(f"top(={top!r}) must be >= 1")
    table, facts, race = replay.table, replay.facts, replay.race
    series = {}
    for car in table.cars:
        if replay.plan.car(car).status == "classified":
            found = _index_series(replay, car, 2 * HOUR)
            if found is not None:
                series[car] = found
    shown = sorted(series, key=lambda c: -series[c][1][-1])[:top]
    colours = {car: CAR_COLOURS[k % len(CAR_COLOURS)] for k, car in enumerate(shown)}
    fig, axes = new_figure(right=0.78)
    ax = axes[0][0]
    race_axis(ax, facts)
    ends = []
    for k, car in enumerate(shown):
        times, scores = series[car]
        entry = race.entry(car)
        cc = entry.engine.displacement_cc if entry.engine else None
        ax.plot(times / HOUR, scores, color=colours[car], linewidth=1.6, gid=f"car-{car}",
                label=f"{k + 1}. car {car}, {table.makes[car]} {cc} cc: {scores[-1]:.3f}")
        ends.append((times[-1] / HOUR, scores[-1], car, colours[car]))
    published = race.published.get("index_of_performance") or []
    ax.scatter([facts.duration_s / HOUR] * len(published), [score for _, _, score in published], marker="*", s=170,
               zorder=5, edgecolors="black", linewidths=0.8, c=[colours.get(car, "white") for _, car, _ in published],
               gid="published-index", clip_on=False, label="published final index (its top 10)")
    ax.set_ylabel("Index of Performance (distance so far / target distance pro rata)")
    ax.grid(axis="y", color="#eeeeee", linewidth=0.5)
    ax.legend(loc="upper left", bbox_to_anchor=(1.06, 1.0), fontsize=9, frameon=False, borderaxespad=0,
              title="replay: index at the flag")
    place_labels(ax, ends, pad_px=12)
    ax.set_title(f"{race.title}, {replay.label}: Index of Performance through the race, top {len(shown)} at the flag",
                 fontsize=13, pad=18)
    return fig


def changed_cars(real, whatif) -> list[str]:
    """The cars whose laps or status at the flag differ between two replays, in what-if order."""
    a = {row[0]: (row[1], row[2]) for row in real.table.order_at(real.table.duration_s)}
    return [row[0] for row in whatif.table.order_at(whatif.table.duration_s) if a.get(row[0]) != (row[1], row[2])]


def comparison_cars(real, whatif) -> list[str]:
    """The cars whose result changed (:func:`changed_cars`), then the top 6 of either replay, in what-if order."""
    order = [row[0] for row in whatif.table.order_at(whatif.table.duration_s)]
    top = set(order[:6]) | {row[0] for row in real.table.order_at(real.table.duration_s)[:6]}
    changed = changed_cars(real, whatif)
    return changed + [c for c in order if c in top and c not in changed]


def comparison_chart(real, whatif, cars=None):
    """Overall positions in the real race (left) and the what-if (right), sharing the position axis.

    Shows `cars`, by default :func:`comparison_cars` (those whose result changed drawn thick, plus the top 6).
    Raises ValueError for a car that did not start.
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
    _legend_makes(axes[0][1], whatif.table, shown, anchor=(1.06, 1.0), extra=[note])
    fig.suptitle(f"{real.race.title}: overall position, real race vs what-if \"{whatif.label}\"", fontsize=14)
    return fig


def save_figure(fig, path_without_suffix) -> list[Path]:
    """Write `fig` as PNG and SVG next to each other (parent folders created); returns the two paths."""
    base = Path(path_without_suffix)
    base.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix in (".png", ".svg"):
        path = base.with_name(base.name + suffix)
        fig.savefig(path, dpi=fig.dpi)
        paths.append(path)
    return paths
