"""Judging a forecast like a forecast: log-loss and Brier score of P(win), P(finish) and P(podium), and the
Spearman correlation of the expected position with the real order, beside two baselines made from the timesheet
alone: practice order with every car finishing, and the same field with one constant failure rate.

A results file is a JSON list of ``{"number", "pos", "laps"}``; ``pos`` is the finishing position (null for a
car that was not classified).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from scipy.stats import rankdata, spearmanr

from sim.errors import RaceDataError

EPS = 0.01  # a baseline's certain 0 or 1 is taken as 0.01 or 0.99, so its log-loss stays finite


def read_json(path: str | Path, what: str):
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RaceDataError(f"{what} not found", file=path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RaceDataError(f"is not a readable {what} (JSON): {exc}", file=path) from None


def read_results(path: str | Path) -> dict[str, dict]:
    """{car number: {"pos": int | None, "laps": int}}; RaceDataError naming the file, item and value."""
    data = read_json(path, "results file")
    if not isinstance(data, list):
        raise RaceDataError("must be a JSON list of {number, pos, laps}", file=path, value=type(data).__name__)
    out = {}
    for i, row in enumerate(data):
        if not isinstance(row, dict) or "number" not in row:
            raise RaceDataError("must be an object with number, pos and laps", file=path, key=f"[{i}]", value=row)
        pos, laps = row.get("pos"), row.get("laps", 0)
        if pos is not None and (not isinstance(pos, int) or isinstance(pos, bool) or pos < 1):
            raise RaceDataError("must be a whole number of 1 or more, or null", file=path, key=f"[{i}].pos", value=pos)
        if not isinstance(laps, int) or isinstance(laps, bool) or laps < 0:
            raise RaceDataError("must be a whole number of 0 or more", file=path, key=f"[{i}].laps", value=laps)
        out[str(row["number"])] = {"pos": pos, "laps": laps}
    return out


def _scores(p: np.ndarray, y: np.ndarray) -> dict:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return {"log_loss": float(-(y * np.log(q) + (1 - y) * np.log(1 - q)).mean()), "brier": float(((p - y) ** 2).mean())}


def _baselines(cars: list[dict]) -> dict[str, dict]:
    """The two timesheet-only forecasts: P(win), P(podium), P(finish) and expected position per car."""
    order = np.argsort([c["practice_s"] for c in cars], kind="stable")
    rank = np.empty(len(cars))
    rank[order] = np.arange(1, len(cars) + 1)
    win = np.where(rank == 1, 1 - EPS, EPS)
    podium = np.where(rank <= 3, 1 - EPS, EPS)
    expected_finish = float(np.mean([c["p_finish"] for c in cars]))  # the forecast field's constant failure rate
    practice = {"p_win": win, "p_podium": podium, "p_finish": np.full(len(cars), 1 - EPS), "position": rank}
    # one constant failure rate: every car the same chance to finish; the order among finishers by practice
    f = expected_finish
    constant = {"p_win": _order_probability(rank, 1, f), "p_podium": _order_probability(rank, 3, f),
                "p_finish": np.full(len(cars), f), "position": rank}
    return {"practice order, all finish": practice, "practice order, constant failure rate": constant}


def _order_probability(rank: np.ndarray, top: int, f: float) -> np.ndarray:
    """P(a car of practice rank r is in the first `top` places) when each car finishes with chance f, independently,
    and finishers keep practice order: at most top-1 of the r-1 quicker cars finish (binomial), and it finishes."""
    from scipy.stats import binom  # scipy.stats takes a second to load: only `score` needs it

    return np.clip(f * binom.cdf(top - 1, rank - 1, f), EPS, 1 - EPS)


def score(forecast: dict, results: dict[str, dict]) -> dict:
    """The forecast's scores and the baselines' against `results` (cars absent from the results are skipped)."""
    cars = [c for c in forecast["cars"] if c["car"] in results]
    if not cars:
        raise RaceDataError("names none of the forecast's cars", key="number", value=", ".join(results)[:80])
    real = [results[c["car"]] for c in cars]
    pos = np.array([r["pos"] if r["pos"] is not None else math.inf for r in real], float)
    laps = np.array([r["laps"] for r in real], float)
    # classified cars by position, then the rest by laps; equal laps share their mean rank
    real_rank = rankdata(np.where(np.isfinite(pos), pos, 1e6 - laps), method="average")
    y = {"p_win": (pos == 1).astype(float), "p_podium": (pos <= 3).astype(float),
         "p_finish": np.isfinite(pos).astype(float)}
    models = {"forecast": {k: np.array([c[k] for c in cars]) for k in y}}
    models["forecast"]["position"] = np.array([c["expected_position"] for c in cars])
    models.update(_baselines(cars))
    out = {"race": forecast.get("race"), "cars": len(cars), "models": {}}
    for name, m in models.items():
        entry = {k: _scores(m[k], y[k]) for k in y}
        entry["spearman_position"] = float(spearmanr(m["position"], real_rank).statistic)
        out["models"][name] = entry
    return out
