"""The backtest's files: backtest.md (the method, the pooled and per-year scores beside the baselines, the
reliability table), backtest.json, and two charts in PNG and SVG (the reliability diagram; the per-year scores)."""

from __future__ import annotations

import json

import numpy as np
from matplotlib.figure import Figure

from sim.plots.render import render_figure
from sim.timesheet import backtest as bt

METRICS = (("p_finish_brier", "P(finish) Brier"), ("p_finish_logloss", "P(finish) log-loss"),
           ("p_class_win_brier", "P(class win) Brier"), ("p_class_win_logloss", "P(class win) log-loss"),
           ("winner_logloss", "winner log-loss"), ("spearman", "Spearman of the order"))


def markdown(result: dict, images: list[str]) -> str:
    years = [y["year"] for y in result["years"]]
    lines = [f"# Backtest: the reliability model of {result['title']} on Le Mans {years[0]}-{years[-1]}", "",
             bt.__doc__.split("\n\n", 1)[1].strip().replace(":mod:`.hazard`", "the hazard model").replace(
                 ":mod:`.score`", "`race-replay score`"), "", f"Record: {result['record']}", "",
             f"Pace proxy: {result['pace']}", "", f"{result['draws']} simulated races per year, seed {result['seed']}."
             " Lower Brier and log-loss are better; higher Spearman. Brier and log-loss of P(finish) and P(class win) "
             "are over every car of every year; the winner's log-loss (-ln of the P(win) given to the real winner) "
             "and the Spearman correlation of the expected position with the real order are means over the years.",
             "", "## Pooled", "", "| model | " + " | ".join(label for _, label in METRICS) + " |",
             "| --- |" + " --- |" * len(METRICS)]
    for name, entry in result["pooled"].items():
        lines.append(f"| {name} | " + " | ".join(f"{entry[k]:.4f}" for k, _ in METRICS) + " |")
    lines += ["", _verdict(result["pooled"]), "", "## Per year", "",
              "| year | cars | finishers | model chosen (trend, terms, makes) | model | "
              + " | ".join(label for _, label in METRICS) + " |", "| --- | --- | --- | --- | --- |"
              + " --- |" * len(METRICS)]
    for y in result["years"]:
        c = y["choice"]
        chosen = f"{'trend' if c['trend'] else 'no trend'}, {c['terms']:g}, {c['makes']:g}"
        for k, (name, entry) in enumerate(y["scores"].items()):
            head = f"| {y['year']} | {y['cars']} | {y['finishers']} | {chosen} |" if k == 0 else "| | | | |"
            lines.append(f"{head} {name} | " + " | ".join(f"{entry[m]:.4f}" for m, _ in METRICS) + " |")
    lines += ["", "## Reliability of P(finish)", "", "The model's predicted P(finish) in bins, against the share of "
              "those cars that were classified:", "", "| predicted | cars | mean predicted | observed |",
              "| --- | --- | --- | --- |"]
    lines += [f"| {r['bin']} | {r['cars']} | {r['predicted']:.3f} | {r['observed']:.3f} |"
              for r in result["reliability"]]
    lines += ["", "## Charts", ""] + [f"![{n}]({n})" for n in images if n.endswith(".png")] + [""]
    return "\n".join(lines)


def _verdict(pooled: dict) -> str:
    m, one, pace = pooled["model"], pooled["pace order, one rate"], pooled["pace order, all finish"]
    parts = [f"P(finish) Brier {m['p_finish_brier']:.4f} against the one rate's {one['p_finish_brier']:.4f} "
             f"({'no worse' if m['p_finish_brier'] <= one['p_finish_brier'] else 'worse'})",
             f"P(class win) Brier {m['p_class_win_brier']:.4f} against the pace order's {pace['p_class_win_brier']:.4f}"
             f" ({'better' if m['p_class_win_brier'] < pace['p_class_win_brier'] else 'not better'})",
             f"winner log-loss {m['winner_logloss']:.4f} against the pace order's {pace['winner_logloss']:.4f} "
             f"({'better' if m['winner_logloss'] < pace['winner_logloss'] else 'not better'})"]
    return "As measured, pooled: " + "; ".join(parts) + "."


def reliability_chart(result: dict) -> Figure:
    rows = result["reliability"]
    fig = Figure(figsize=(8, 8), dpi=100, layout="constrained")
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], color="grey", ls="--", label="perfect calibration")
    predicted, observed, cars = (np.array([r[k] for r in rows]) for k in ("predicted", "observed", "cars"))
    err = np.sqrt(np.clip(observed * (1 - observed), 0.01, None) / cars)  # binomial standard error of a share
    ax.errorbar(predicted, observed, yerr=err, fmt="o", color="C0", capsize=3, label="model (bar: 1 s.e.)")
    for p, o, n in zip(predicted, observed, cars):
        ax.annotate(f"{n} cars", (p, o), xytext=(6, -4), textcoords="offset points", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted P(finish), mean of the bin")
    ax.set_ylabel("observed share classified")
    ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", ncol=2, fontsize=9)
    years = [y["year"] for y in result["years"]]
    ax.set_title(f"{result['title']}: reliability of P(finish),\nbacktest on Le Mans {years[0]}-{years[-1]}")
    return fig


def years_chart(result: dict) -> Figure:
    years = [y["year"] for y in result["years"]]
    fig = Figure(figsize=(14, 7), dpi=100, layout="constrained")
    axes = fig.subplots(1, 3)
    for ax, (key, label) in zip(axes, (METRICS[0], METRICS[2], METRICS[4])):
        for k, name in enumerate(bt.MODELS):
            values = [y["scores"][name][key] for y in result["years"]]
            ax.plot(years, values, "o-", color=f"C{k}", label=name if ax is axes[0] else None)
        ax.set_title(label + " (lower is better)")
        ax.set_xlabel("held-out year")
        ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", ncol=3)
    fig.suptitle(f"{result['title']}: the reliability model year by year on Le Mans {years[0]}-{years[-1]}, "
                 "beside the baselines")
    return fig


def files(result: dict) -> dict[str, bytes]:
    """backtest.md, backtest.json and the charts (PNG and SVG), by file name."""
    images = {}
    for name, build in (("reliability", reliability_chart), ("backtest-years", years_chart)):
        images.update({f"{name}{suffix}": data for suffix, data in render_figure(build(result)).items()})
    return {"backtest.md": markdown(result, sorted(images)).encode("utf-8"),
            "backtest.json": (json.dumps(result, indent=2, ensure_ascii=True) + "\n").encode("utf-8"), **images}
