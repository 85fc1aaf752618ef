"""The forecast's charts, each titled with the race's name and rendered as PNG and SVG: the contenders' P(win) and
P(class win) with their uncertainty, the laps of the leading cars with their bands, the hazard learnt from the
record (the rates of the report's table), and practice time against laps. Legends sit outside the data.

Uncertainty of a probability: the runs are split into groups by the bootstrap refit they drew their failures from
(refit number modulo GROUPS); the bar is the share over all runs, the whisker the 10-90% range over the groups (the
model's uncertainty plus the Monte Carlo's own noise)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.plots.render import render_figure
from sim.plots.style import make_colour
from sim.timesheet import hazard as hz

GROUPS = 10
WIN_CARS = 12  # the contenders shown for the overall win
CLASS_CARS = 2  # per class
LAP_CARS = 15


def _spread(fc, key: str, i: int) -> tuple[float, float]:
    """10-90% over groups of refits of a car's share of runs won (overall or in its class)."""
    won = fc.results["position"][:, i] == 1 if key == "p_win" else fc.results["class_win"][:, i]
    group = fc.results["fit"] % GROUPS
    shares = [won[group == g].mean() for g in range(GROUPS) if (group == g).any()]
    return tuple(np.percentile(shares, [10, 90]))


def _bars(ax, fc, cars, key: str, labels) -> None:
    index = {c.number: i for i, c in enumerate(fc.race.cars)}
    y = np.arange(len(cars))[::-1]
    values = np.array([c[key] for c in cars])
    lo_hi = np.array([_spread(fc, key, index[c["car"]]) for c in cars])
    ax.barh(y, values, color=[make_colour(c["make"]) for c in cars], edgecolor="black", linewidth=0.4)
    ax.errorbar(values, y, xerr=[np.clip(values - lo_hi[:, 0], 0, None), np.clip(lo_hi[:, 1] - values, 0, None)],
                fmt="none", ecolor="black", capsize=3, lw=1)
    ax.set_yticks(y, labels, fontsize=8)
    ax.grid(axis="x", alpha=0.3)


def probability_chart(fc) -> Figure:
    cars = fc.summary["cars"]
    fig = Figure(figsize=(15, 9), dpi=100, layout="constrained")
    left, right = fig.subplots(1, 2)
    win = sorted(cars, key=lambda c: -c["p_win"])[:WIN_CARS]
    _bars(left, fc, win, "p_win", [f"car {c['car']} {c['make']} ({c['class']})" for c in win])
    left.set_xlabel("P(win), whisker 10-90% over refit groups")
    left.set_title("Overall win")
    contenders = []
    for k in fc.summary["classes"]:
        members = sorted((c for c in cars if c["class"] == k["class"]), key=lambda c: -c["p_class_win"])
        contenders += members[:CLASS_CARS]
    _bars(right, fc, contenders, "p_class_win", [f"{c['class']}: car {c['car']} {c['make']}" for c in contenders])
    right.set_xlabel("P(class win), whisker 10-90% over refit groups")
    right.set_title(f"Class win: the {CLASS_CARS} likeliest of each class")
    makes = sorted({c["make"] for c in win + contenders})
    fig.legend([Patch(color=make_colour(m)) for m in makes], makes, loc="outside right center", fontsize=8)
    fig.suptitle(f"{fc.race.title}: who wins, overall and by class ({fc.runs} runs, seed {fc.seed})")
    return fig


def laps_chart(fc) -> Figure:
    """Laps of the likeliest winners: 10-90% over all runs, and over the runs where the car is classified, with its
    median; P(finish) beside it."""
    laps, classified = fc.results["laps"], fc.results["classified"]
    cars = fc.summary["cars"]
    lead = sorted(range(len(cars)), key=lambda i: (-cars[i]["p_win"], -cars[i]["expected_laps"]))[:LAP_CARS]
    fig = Figure(figsize=(14, 8), dpi=100, layout="constrained")
    ax = fig.subplots()
    for row, i in enumerate(lead):
        y = len(lead) - row
        car = fc.summary["cars"][i]
        colour = make_colour(car["make"])
        ax.plot([car["laps_p10"], car["laps_p90"]], [y, y], color=colour, lw=2, alpha=0.35)
        done = laps[classified[:, i], i]
        if len(done):
            q = np.percentile(done, [10, 50, 90])
            ax.plot([q[0], q[2]], [y, y], color=colour, lw=7, solid_capstyle="butt")
            ax.plot(q[1], y, "|", color="black", ms=14)
        ax.annotate(f"P(finish) {car['p_finish']:.2f}", (1.0, y), xycoords=("axes fraction", "data"),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(lead), 0, -1), [f"car {fc.summary['cars'][i]['car']} {fc.summary['cars'][i]['make']} "
                                           f"({fc.summary['cars'][i]['class']})" for i in lead], fontsize=8)
    ax.set_xlabel("laps: thick bar 10-90% when classified (tick: median); thin line 10-90% over all runs")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"{fc.race.title}: laps of the {LAP_CARS} likeliest winners")
    return fig


def hazard_chart(fc) -> Figure:
    """The learnt failure rate per hour of the field's average car (the report's table), with its bootstrap band."""
    learnt, entries = fc.learnt, [c.entry for c in fc.race.cars]
    edges = learnt.fit.edges_h
    rates = np.array([hz.field_rates(f, entries) for f in learnt.refits])
    lo, hi = np.percentile(rates, [10, 90], axis=0)
    fig = Figure(figsize=(12, 6), dpi=100, layout="constrained")
    ax = fig.subplots()
    ax.stairs(hi, edges, baseline=lo, fill=True, alpha=0.25, color="C0", label="bootstrap 10-90%")
    ax.stairs(hz.field_rates(learnt.fit, entries), edges, baseline=None, color="black", lw=2, label="fit")
    ax.axhline(learnt.fit.field_rate, color="C3", ls="--", label="the record's constant rate")
    ax.set_xlabel("race hour")
    ax.set_ylabel("failures per car per hour")
    ax.set_xticks(edges)
    ax.set_ylim(0, None)
    ax.grid(alpha=0.3)
    fig.legend(loc="outside right center", fontsize=9)
    years = sorted(learnt.shares)
    ax.set_title(f"{fc.race.title}: hazard of the field's average car, learnt from Le Mans {years[0]}-{years[-1]}")
    return fig


def practice_chart(fc) -> Figure:
    cars = fc.summary["cars"]
    fig = Figure(figsize=(12, 7), dpi=100, layout="constrained")
    ax = fig.subplots()
    for c in cars:
        colour = make_colour(c["make"])
        ax.errorbar(c["practice_s"], c["laps_p50"],
                    yerr=[[c["laps_p50"] - c["laps_p10"]], [c["laps_p90"] - c["laps_p50"]]],
                    fmt="o", color=colour, alpha=0.7, capsize=2)
        ax.annotate(c["car"], (c["practice_s"], c["laps_p50"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    makes = sorted({c["make"] for c in cars})
    fig.legend([Patch(color=make_colour(m)) for m in makes], makes, loc="outside right center", fontsize=8)
    ax.set_xlabel("practice time (s)")
    ax.set_ylabel("forecast laps (median, bars 10-90%)")
    ax.grid(alpha=0.3)
    ax.set_title(f"{fc.race.title}: practice time against forecast laps")
    return fig


def render_plots(fc) -> dict[str, bytes]:
    """Every chart as PNG and SVG bytes, by file name."""
    out = {}
    for name, build in (("probabilities", probability_chart), ("laps", laps_chart), ("hazard", hazard_chart),
                        ("practice-vs-laps", practice_chart)):
        out.update({f"{name}{suffix}": data for suffix, data in render_figure(build(fc)).items()})
    return out
