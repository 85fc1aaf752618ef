"""The sweep's summary: failures by cause, each checkpoint's status shares, position bands, the winners."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np

from sim.bands import FITTED_SHARE_MEANS, draw_share_text
from sim.montecarlo.tally import Tally, histogram_quantiles
from sim.standings import race_hours

FRONT = 10  # a car whose median position at a control is this or better is one of its front-runners
DIGITS = 4  # shares and seconds are rounded, so the JSON is the same on any machine


def _shares(counts: Counter, n: int) -> dict[str, float]:
    """{value as text: share of the `n` calibrated draws}, in increasing order of the (whole-number) value."""
    return {str(k): round(counts[k] / n, DIGITS) for k in sorted(counts)}


def _ranked(counts: Counter, n: int) -> dict[str, float]:
    """{car: share}, the most frequent first (ties by car)."""
    return {car: round(k / n, DIGITS) for car, k in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def _margin(counts: Counter) -> dict | None:
    if not counts:
        return None
    values = sorted(counts)
    picks = histogram_quantiles(np.array([counts[v] for v in values]))
    return dict(zip(("p10", "p50", "p90"), (int(values[i]) for i in picks)))


def _bands(tally: Tally, facts) -> list[dict]:
    positions = []
    if tally.positions is None:
        return positions
    hours = list(race_hours_of(facts))
    for c, car in enumerate(tally.cars):
        for h, hour in enumerate(hours):
            p, b = histogram_quantiles(tally.positions[c, h]), histogram_quantiles(tally.behind[c, h])
            positions.append({"car": car, "hour": hour, "p10": p[0], "p50": p[1], "p90": p[2],
                              "laps_behind_p10": b[0], "laps_behind_p50": b[1], "laps_behind_p90": b[2]})
    return positions


def _quantiles(counts: Counter) -> tuple[int, int, int]:
    values = sorted(counts)
    picks = histogram_quantiles(np.array([counts[v] for v in values]))
    return tuple(int(values[i]) for i in picks)


def _controls(tally: Tally, facts, n: int) -> list[dict]:
    """A time trial's controls, in route order: who leads in what share of draws, and each front-runner's (a car
    in the first three there in any draw, or in the first ten in half of them) share in the first three and 10-90%
    band of elapsed seconds and of position there."""
    out = []
    for name, km in zip(facts.route.mark_names, facts.route.marks_km):
        at = tally.controls.get(name)
        if at is None:
            continue
        front = []
        for car in at.elapsed:
            q10, q50, q90 = _quantiles(at.positions[car])
            if car not in at.top and q50 > FRONT:
                continue
            p10, p50, p90 = _quantiles(at.elapsed[car])
            front.append({"car": car, "top_share": round(at.top.get(car, 0) / n, DIGITS),
                          "passed_share": round(sum(at.elapsed[car].values()) / n, DIGITS),
                          "elapsed_p10": p10, "elapsed_p50": p50, "elapsed_p90": p90,
                          "position_p10": q10, "position_p50": q50, "position_p90": q90})
        front.sort(key=lambda row: (row["elapsed_p50"], row["car"]))
        out.append({"control": name, "km": km, "leaders": _ranked(at.leaders, n), "front": front})
    return out


def summarise(race_id: str, facts, seed: int, results) -> dict:
    """The issue's JSON as a dict, from the draws' results or their :class:`Tally`. Shares are over the calibrated
    draws; `failed` counts the others by cause."""
    tally = results if isinstance(results, Tally) else Tally.of(results)
    n = tally.calibrated
    checkpoints = [{"id": cp.id, "kind": cp.kind,
                    "status_share": {k: round(v / n, DIGITS) for k, v in sorted(counts.items())}}
                   for cp, counts in zip(facts.checkpoints, tally.statuses or [Counter() for _ in facts.checkpoints])]
    whatif = {}
    if tally.scenario:
        whatif = {"scenario_winners": _ranked(tally.scenario_winners, n),
                  "scenario_margin_laps": _margin(tally.scenario_margins),
                  "scenario_margin_laps_share": _shares(tally.scenario_margins, n)}
    if tally.has_controls:  # a time trial: who leads where, not positions per hour and margins in laps
        return {"race": race_id, "runs": tally.runs, "seed": seed, "calibrated": n,
                "failed": dict(sorted(tally.failed.items())), "ranges": _ranges(facts), "checkpoints": checkpoints,
                "positions": [], "winners": _ranked(tally.winners, n), "controls": _controls(tally, facts, n)}
    return {
        "race": race_id, "runs": tally.runs, "seed": seed, "calibrated": n,
        "failed": dict(sorted(tally.failed.items())),
        "ranges": _ranges(facts),
        "checkpoints": checkpoints,
        "positions": _bands(tally, facts),
        "winners": _ranked(tally.winners, n),
        "margin_laps": _margin(tally.margins),
        "margin_laps_share": _shares(tally.margins, n),
        **whatif,
    }


def _ranges(facts) -> list[dict]:
    rows = []
    for r in facts.ranges:
        row = {"name": r.name, "value": r.value, "low": r.low, "high": r.high, "mode": r.mode}
        if getattr(r, "choices", ()):
            row["choices"] = list(r.choices)
        rows.append(row)
    return rows


def race_hours_of(facts) -> range:
    class _Span:  # race_hours reads only the duration
        duration_s = facts.duration_s

    return race_hours(_Span)


def to_json(summary: dict) -> str:
    return json.dumps(summary, indent=2, ensure_ascii=True)


def _margin_lines(title: str, quantiles: dict | None, share: dict | None) -> list[str]:
    if not quantiles:
        return []
    per = ", ".join(f"{laps} laps: {100 * v:.0f}%" for laps, v in (share or {}).items())
    return ["", f"## {title}", "", f"10th/50th/90th percentile: {quantiles['p10']} / {quantiles['p50']} / "
            f"{quantiles['p90']} laps" + (f"; per margin: {per}" if per else "")]


def markdown_report(summary: dict, facts) -> str:
    """Each checkpoint's pass share (for a fitted one, the share in which the refit lands within its tolerance:
    not evidence, and said so), then the winners."""
    lines = [f"# Monte Carlo: {summary['race']}", "",
             f"{summary['runs']} draws, seed {summary['seed']}: {summary['calibrated']} calibrated, "
             f"{summary['runs'] - summary['calibrated']} could not be."]
    if summary["failed"]:
        lines += ["", "## Draws that could not be calibrated", ""]
        lines += [f"- {count} x {cause}" for cause, count in summary["failed"].items()]
    lines += ["", "## Checkpoints", "",
              "**holds**: the share of draws in which a statement the model was not fitted to passes.",
              "", FITTED_SHARE_MEANS, "",
              "| checkpoint | kind | pass | refit within tolerance | fail | conflict | holds, or refit if fitted |",
              "|---|---|---|---|---|---|---|"]
    kinds = {cp.id: cp.kind for cp in facts.checkpoints}
    fitted = {cp.id for cp in facts.checkpoints if getattr(cp, "fitted", None)}
    for cp in summary["checkpoints"]:
        s = cp["status_share"]
        cells = [f"{100 * s[k]:.0f}%" if k in s else "" for k in ("pass", "fitted", "fail", "conflict")]
        share = draw_share_text(s, cp["id"] in fitted or "fitted" in s)
        lines.append(f"| {cp['id']} | {kinds.get(cp['id'], '')} | " + " | ".join(cells) + f" | {share} |")
    lines += _control_lines(summary)
    lines += ["", "## Winners", ""]
    lines += [f"- car {car}: {100 * share:.1f}%" for car, share in summary["winners"].items()]
    lines += _margin_lines("Winner's margin", summary.get("margin_laps"), summary.get("margin_laps_share"))
    if "scenario_winners" in summary:
        lines += ["", "## Winners under the scenario", ""]
        lines += [f"- car {car}: {100 * share:.1f}%" for car, share in summary["scenario_winners"].items()]
        lines += _margin_lines("Winner's margin under the scenario", summary.get("scenario_margin_laps"),
                               summary.get("scenario_margin_laps_share"))
    lines += ["", "## Ranges drawn", ""]
    for r in facts.ranges:
        if hasattr(r, "describe"):
            lines.append(f"- {r.name}: {r.describe()}: {r.reason}")
            continue
        shape = f"triangular, mode {r.mode:g}" if r.mode is not None else "uniform"
        lines.append(f"- {r.name}: {r.low:g} to {r.high:g} ({shape}; default {r.value:g}): {r.reason}")
    return "\n".join(lines) + "\n"


def _hms(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _control_lines(summary: dict) -> list[str]:
    """A time trial's controls: the leader in what share of draws, and each front-runner's elapsed-time band."""
    if "controls" not in summary:
        return []
    lines = ["", "## Who leads at each control (share of the calibrated draws)", "",
             "| control | km | leaders |", "|---|---|---|"]
    for c in summary["controls"]:
        leaders = ", ".join(f"car {car} {100 * s:.1f}%" for car, s in c["leaders"].items())
        lines.append(f"| {c['control']} | {c['km']:g} | {leaders} |")
    lines += ["", "## Front-runners' elapsed time at each control", "",
              "Every car in the first three at the control in at least one draw, or in the first ten in half of "
              "them: the share of draws in which it is in the first three, the share in which it reached the control, "
              "and the 10th, 50th and 90th percentile of its elapsed time and position there (over the draws in "
              "which it reached it).", "",
              "| control | car | in the first three | reached | elapsed p10 | p50 | p90 | position p10-p90 |",
              "|---|---|---|---|---|---|---|---|"]
    for c in summary["controls"]:
        for row in c["front"]:
            lines.append(f"| {c['control']} | {row['car']} | {100 * row['top_share']:.1f}% | "
                         f"{100 * row['passed_share']:.0f}% | {_hms(row['elapsed_p10'])} | "
                         f"{_hms(row['elapsed_p50'])} | {_hms(row['elapsed_p90'])} | "
                         f"{row['position_p10']}-{row['position_p90']} |")
    return lines
