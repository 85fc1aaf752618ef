"""The sweep's summary: failures by cause, each checkpoint's status shares, position bands, the winners."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np

from sim.bands import FITTED_SHARE_MEANS, draw_share_text
from sim.montecarlo.tally import Tally, histogram_quantiles
from sim.standings import race_hours

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
    return {
        "race": race_id, "runs": tally.runs, "seed": seed, "calibrated": n,
        "failed": dict(sorted(tally.failed.items())),
        "ranges": [{"name": r.name, "value": r.value, "low": r.low, "high": r.high, "mode": r.mode}
                   for r in facts.ranges],
        "checkpoints": checkpoints,
        "positions": _bands(tally, facts),
        "winners": _ranked(tally.winners, n),
        "margin_laps": _margin(tally.margins),
        "margin_laps_share": _shares(tally.margins, n),
        **whatif,
    }


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
        shape = f"triangular, mode {r.mode:g}" if r.mode is not None else "uniform"
        lines.append(f"- {r.name}: {r.low:g} to {r.high:g} ({shape}; default {r.value:g}): {r.reason}")
    return "\n".join(lines) + "\n"
