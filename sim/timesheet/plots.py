"""The forecast's plots: win and finish probabilities per car, a fan chart of positions over the race for the
leading cars, the hazard learnt from the replayed race with its bootstrap band, and practice time against laps.
Each function returns a Figure; :func:`render_plots` gives them as PNG bytes for ``--out``."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.plots.style import make_colour
from sim.timesheet.hazard import TERMS

FAN_CARS = 6


def probability_chart(fc) -> Figure:
    cars = sorted(fc.summary["cars"], key=lambda c: (-c["p_win"], -c["p_finish"]))
    fig = Figure(figsize=(16, 9), dpi=100)
    axes = fig.subplots(2, 1, sharex=True)
    x = np.arange(len(cars))
    colours = [make_colour(c["make"]) for c in cars]
    for ax, key, title in ((axes[0], "p_win", "P(win)"), (axes[1], "p_finish", "P(finish, classified)")):
        ax.bar(x, [c[key] for c in cars], color=colours, edgecolor="black", linewidth=0.4)
        ax.set_ylabel(title)
        ax.grid(axis="y", alpha=0.3)
    axes[1].set_xticks(x, [f"{c['car']}" for c in cars], rotation=90, fontsize=8)
    axes[1].set_xlabel("car (sorted by P(win), then P(finish))")
    makes = sorted({c["make"] for c in cars})
    axes[0].legend([Patch(color=make_colour(m)) for m in makes], makes, ncol=4, fontsize=8, loc="upper right")
    fig.suptitle(f"{fc.race.title}: forecast from {fc.runs} runs (seed {fc.seed})")
    return fig


def fan_chart(fc) -> Figure:
    """Median position by race hour with its 10-90% band, for the cars most likely to win."""
    hourly = fc.results["hourly"]  # (runs, hours, cars)
    lead = sorted(range(len(fc.race.cars)), key=lambda i: -fc.summary["cars"][i]["p_win"])[:FAN_CARS]
    fig = Figure(figsize=(16, 9), dpi=100)
    ax = fig.subplots()
    hours = np.arange(1, hourly.shape[1] + 1)
    for k, i in enumerate(lead):
        p = np.percentile(hourly[:, :, i], [10, 50, 90], axis=0)
        colour = f"C{k}"
        ax.fill_between(hours, p[0], p[2], color=colour, alpha=0.12)
        ax.plot(hours, p[1], color=colour, lw=2, label=f"car {fc.race.cars[i].number} ({fc.race.cars[i].make})")
    ax.invert_yaxis()
    ax.set_xlabel("race hour")
    ax.set_ylabel("position by distance (median, band 10-90%)")
    ax.legend()
    ax.grid(alpha=0.3)
    ax.set_title("Forecast positions over the 24 hours for the leading cars")
    return fig


def hazard_chart(fc) -> Figure:
    """The learnt failure rate per hour for a car of the replayed field's average pace gap (no make term), with its
    band."""
    learnt = fc.learnt
    x = learnt.sample.x.mean(axis=0, keepdims=True) * 0
    x[0, :len(TERMS)] = learnt.sample.x[:, :len(TERMS)].mean(axis=0)
    rates = np.array([f.rates(x, learnt.sample.names)[0] for f in learnt.refits])
    edges = learnt.fit.edges_h
    fig = Figure(figsize=(12, 6), dpi=100)
    ax = fig.subplots()
    lo, mid, hi = np.percentile(rates, [10, 50, 90], axis=0)
    ax.stairs(learnt.fit.rates(x, learnt.sample.names)[0], edges, color="black", lw=2, label="fit")
    ax.stairs(hi, edges, baseline=lo, fill=True, alpha=0.25, color="C0", label="bootstrap 10-90%")
    ax.axhline(learnt.fit.field_rate, color="C3", ls="--", label="field's constant rate")
    ends = learnt.sample.end_h[learnt.sample.event]
    ax.plot(ends, np.full(len(ends), 0.002), "|", color="black", ms=14, label=f"{learnt.race_id}: a car falls out")
    ax.set_xlabel("race hour")
    ax.set_ylabel("failures per car per hour")
    ax.set_ylim(0, None)
    ax.legend()
    ax.set_title(f"Hazard learnt from {learnt.race_id} (an average car of its field)")
    return fig


def practice_chart(fc) -> Figure:
    cars = fc.summary["cars"]
    fig = Figure(figsize=(12, 7), dpi=100)
    ax = fig.subplots()
    for c in cars:
        colour = make_colour(c["make"])
        ax.errorbar(c["practice_s"], c["laps_p50"],
                    yerr=[[c["laps_p50"] - c["laps_p10"]], [c["laps_p90"] - c["laps_p50"]]],
                    fmt="o", color=colour, alpha=0.7, capsize=2)
        ax.annotate(c["car"], (c["practice_s"], c["laps_p50"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("practice time (s)")
    ax.set_ylabel("forecast laps (median, bars 10-90%)")
    ax.grid(alpha=0.3)
    ax.set_title("Practice time against forecast laps")
    return fig


def render_plots(fc) -> dict[str, bytes]:
    """Every plot as PNG bytes, by file name."""
    out = {}
    for name, build in (("probabilities", probability_chart), ("fan", fan_chart), ("hazard", hazard_chart),
                        ("practice-vs-laps", practice_chart)):
        buffer = io.BytesIO()
        build(fc).savefig(buffer, format="png", metadata={"Software": None})
        out[f"{name}.png"] = buffer.getvalue()
    return out
