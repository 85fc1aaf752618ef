"""The sweep's summary: failures by cause, each checkpoint's status shares, position bands, the winners."""

from __future__ import annotations

import json

import numpy as np

from sim.standings import race_hours

DIGITS = 4  # shares and seconds are rounded, so the JSON is the same on any machine


def _quantiles(x: np.ndarray) -> list[int]:
    return [int(v) for v in np.quantile(x, (0.1, 0.5, 0.9), method="inverted_cdf")]


def _shares(values, n: int) -> dict[str, float]:
    """{value as text: share of the `n` calibrated draws}, in increasing order of the (whole-number) value."""
    counts: dict[int, int] = {}
    for v in values:
        counts[int(v)] = counts.get(int(v), 0) + 1
    return {str(k): round(counts[k] / n, DIGITS) for k in sorted(counts)}


def summarise(race_id: str, facts, seed: int, results) -> dict:
    """The issue's JSON as a dict. Shares are over the calibrated draws; `failed` counts the others by cause."""
    results = sorted(results, key=lambda r: r.index)
    ok = [r for r in results if r.failed is None]
    failed: dict[str, int] = {}
    for r in results:
        if r.failed is not None:
            failed[r.failed] = failed.get(r.failed, 0) + 1
    n = len(ok)
    checkpoints = []
    for i, cp in enumerate(facts.checkpoints):
        counts: dict[str, int] = {}
        for r in ok:
            counts[r.statuses[i]] = counts.get(r.statuses[i], 0) + 1
        checkpoints.append({"id": cp.id, "kind": cp.kind, "status_share": {k: round(v / n, DIGITS) for k, v in sorted(counts.items())}})
    positions = []
    if ok:
        cars = ok[0].cars
        stack = np.stack([r.positions for r in ok])  # (draws, cars, hours)
        laps = np.stack([r.laps for r in ok])
        behind = laps.max(axis=1, keepdims=True) - laps
        hours = list(race_hours_of(facts))
        for c, car in enumerate(cars):
            for h, hour in enumerate(hours):
                p, b = _quantiles(stack[:, c, h]), _quantiles(behind[:, c, h])
                positions.append({"car": car, "hour": hour, "p10": p[0], "p50": p[1], "p90": p[2],
                                  "laps_behind_p10": b[0], "laps_behind_p50": b[1], "laps_behind_p90": b[2]})
    winners: dict[str, int] = {}
    for r in ok:
        winners[r.winner] = winners.get(r.winner, 0) + 1
    margins = np.array([r.margin_laps for r in ok if r.margin_laps is not None])
    whatif = {}
    if ok and ok[0].whatif_winner is not None:
        wins: dict[str, int] = {}
        for r in ok:
            wins[r.whatif_winner] = wins.get(r.whatif_winner, 0) + 1
        wm = np.array([r.whatif_margin_laps for r in ok if r.whatif_margin_laps is not None])
        whatif = {"scenario_winners": {c: round(k / n, DIGITS) for c, k in sorted(wins.items(), key=lambda kv: (-kv[1], kv[0]))},
                  "scenario_margin_laps": dict(zip(("p10", "p50", "p90"), _quantiles(wm))) if len(wm) else None,
                  "scenario_margin_laps_share": _shares(wm, n)}
    return {
        "race": race_id, "runs": len(results), "seed": seed, "calibrated": n,
        "failed": dict(sorted(failed.items())),
        "ranges": [{"name": r.name, "value": r.value, "low": r.low, "high": r.high, "mode": r.mode}
                   for r in facts.ranges],
        "checkpoints": checkpoints,
        "positions": positions,
        "winners": {car: round(k / n, DIGITS) for car, k in sorted(winners.items(), key=lambda kv: (-kv[1], kv[0]))},
        "margin_laps": ({"p10": _quantiles(margins)[0], "p50": _quantiles(margins)[1], "p90": _quantiles(margins)[2]}
                        if len(margins) else None),
        "margin_laps_share": _shares(margins, n),
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
    """Each checkpoint's pass share (and for fitted ones, the share in which the fit holds), then the winners."""
    lines = [f"# Monte Carlo: {summary['race']}", "",
             f"{summary['runs']} draws, seed {summary['seed']}: {summary['calibrated']} calibrated, "
             f"{summary['runs'] - summary['calibrated']} could not be."]
    if summary["failed"]:
        lines += ["", "## Draws that could not be calibrated", ""]
        lines += [f"- {count} x {cause}" for cause, count in summary["failed"].items()]
    lines += ["", "## Checkpoints", "", "| checkpoint | kind | pass | fitted (fit holds) | fail | conflict | holds |",
              "|---|---|---|---|---|---|---|"]
    kinds = {cp.id: cp.kind for cp in facts.checkpoints}
    for cp in summary["checkpoints"]:
        s = cp["status_share"]
        cells = [f"{100 * s[k]:.0f}%" if k in s else "" for k in ("pass", "fitted", "fail", "conflict")]
        holds = f"{100 * (s.get('pass', 0) + s.get('fitted', 0)):.0f}%"
        lines.append(f"| {cp['id']} | {kinds.get(cp['id'], '')} | " + " | ".join(cells) + f" | {holds} |")
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
