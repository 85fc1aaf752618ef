"""The backtest on the record: leave one year out, forecast that year's starters from what was known before it,
score against what happened, beside the two baselines ``race-replay score`` uses.

For each held-out year: the hazard (:mod:`.hazard`) is fitted on the other years, its penalties and trend chosen by
leave-one-year-out cross-validation inside them (nested, so the held-out year never chooses its own model). The
forecast of a car is a small Monte Carlo of the same shape as the race forecast: a failure time from the hazard; if
it runs to the end it is classified with the other years' share of cars running at the end that were classified;
its distance is a pace proxy plus a spread.

The pace proxy (an assumption: the record gives no practice times, and the only pace it gives is the distance
covered, the outcome): a car's expected share of the winner's distance, from a least-squares fit over the other
years' classified cars on its displacement (log2 litres and its square) and class family, with the fit's residual
spread. The winner is the classified car with the longest distance; a class's winner the classified car of its class
with the longest distance.

Baselines, as in :mod:`.score`: every car finishing in pace-proxy order ("pace order, all finish": the quickest
gets P(win) 0.99); one finishing rate for every car (the other years' share classified), finishers in pace-proxy
order ("pace order, one rate").
"""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from sim.errors import RaceReplayError
from sim.timesheet import hazard as hz
from sim.timesheet.score import EPS

MODELS = ("model", "pace order, one rate", "pace order, all finish")
BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0)  # of predicted P(finish), for the reliability diagram


@dataclass(frozen=True)
class Settings:
    edges_h: tuple[float, ...]
    grid: dict
    duration_h: float
    draws: int
    seed: int


def pace_proxy(train, cars) -> tuple[np.ndarray, float]:
    """Each of `cars`' expected share of the winner's distance, from the classified cars of `train` (least squares
    on log2 litres, its square and the class family), and the residual spread."""
    most: dict[int, int] = {}
    for c in train:
        most[c.year] = max(most.get(c.year, 0), c.laps)
    done = [c for c in train if c.classified]
    share = np.array([c.laps / most[c.year] for c in done])
    families = sorted({c.family for c in train})[1:]

    def design(group):
        L = np.log2(np.maximum([c.litres for c in group], 0.1))
        return np.column_stack([np.ones(len(group)), L, L ** 2] + [[c.family == f for c in group] for f in families])

    coef, *_ = np.linalg.lstsq(design(done), share, rcond=None)
    spread = float(np.std(share - design(done) @ coef, ddof=design(done).shape[1]))
    return design(cars) @ coef, spread


def forecast_year(train, test, s: Settings, year: int) -> dict:
    """The model's P(finish), P(win), P(class win) and expected position of each car of `test`."""
    choice, _ = hz.choose(train, s.edges_h, s.grid)
    h = hz.fit_chosen(train, s.edges_h, choice)
    ran = [c for c in train if not c.fell_out]
    r = sum(c.classified for c in ran) / max(len(ran), 1)
    pace, spread = pace_proxy(train, test)
    rng = np.random.default_rng([s.seed, year])
    n, k = s.draws, len(test)
    rates = h.car_rates(test)
    fail = hz.failure_times_h(np.broadcast_to(rates, (n,) + rates.shape), np.asarray(s.edges_h, float),
                              rng.exponential(1.0, (n, k)))
    classified = np.isinf(fail) & (rng.random((n, k)) < r)
    distance = (pace[None, :] + spread * rng.standard_normal((n, k))) * np.minimum(fail, s.duration_h) / s.duration_h
    score = classified * 10.0 + distance  # classified cars first, then by distance
    order = np.argsort(-score, axis=1, kind="stable")
    position = np.empty_like(order)
    np.put_along_axis(position, order, np.arange(1, k + 1)[None, :], axis=1)
    win = (position == 1) & classified
    class_win = np.zeros((n, k), bool)
    for cls in sorted({c.car_class for c in test}):
        members = np.array([c.car_class == cls for c in test])
        best = np.where(members[None, :] & classified, score, -np.inf)
        top = best.argmax(axis=1)
        class_win[np.arange(n), top] |= np.isfinite(best.max(axis=1))  # a class with no classified car: none
    return {"p_finish": classified.mean(axis=0), "p_win": win.mean(axis=0), "p_class_win": class_win.mean(axis=0),
            "position": position.mean(axis=0), "choice": choice, "pace": pace, "rate": float(np.mean(
                [c.classified for c in train]))}


def _rank(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    rank = np.empty(len(values))
    rank[order] = np.arange(1, len(values) + 1)
    return rank


def baselines(test, pace: np.ndarray, rate: float) -> dict:
    """The two baselines of :mod:`.score` with the pace proxy as the order of pace."""
    rank = _rank(-pace)
    class_rank = np.empty(len(test))
    for cls in sorted({c.car_class for c in test}):
        idx = np.flatnonzero([c.car_class == cls for c in test])
        class_rank[idx] = _rank(-pace[idx])
    one = {"p_finish": np.full(len(test), rate), "p_win": np.clip(rate * (1 - rate) ** (rank - 1), EPS, 1 - EPS),
           "p_class_win": np.clip(rate * (1 - rate) ** (class_rank - 1), EPS, 1 - EPS), "position": rank}
    certain = {"p_finish": np.full(len(test), 1 - EPS), "p_win": np.where(rank == 1, 1 - EPS, EPS),
               "p_class_win": np.where(class_rank == 1, 1 - EPS, EPS), "position": rank}
    return {"pace order, one rate": one, "pace order, all finish": certain}


def outcomes(test) -> dict:
    """What happened: classified, winner, class winners, and the real order (classified by position, then the rest
    by laps; equal laps share their mean rank)."""
    from scipy.stats import rankdata  # scipy.stats takes a second to load: only the backtest needs it

    pos = np.array([c.pos if c.classified else math.inf for c in test], float)
    class_win = np.zeros(len(test))
    for cls in sorted({c.car_class for c in test}):
        idx = [i for i, c in enumerate(test) if c.car_class == cls and c.classified]
        if idx:
            class_win[min(idx, key=lambda i: pos[i])] = 1.0
    laps = np.array([c.laps for c in test], float)
    return {"p_finish": np.isfinite(pos).astype(float), "p_win": (pos == pos.min()).astype(float),
            "p_class_win": class_win, "rank": rankdata(np.where(np.isfinite(pos), pos, 1e6 - laps), method="average")}


def _logloss(p, y) -> float:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-(y * np.log(q) + (1 - y) * np.log(1 - q)).mean())


def scores(m: dict, y: dict) -> dict:
    from scipy.stats import spearmanr  # scipy.stats takes a second to load: only the backtest needs it

    out = {}
    for key in ("p_finish", "p_class_win"):
        out[f"{key}_brier"] = float(((m[key] - y[key]) ** 2).mean())
        out[f"{key}_logloss"] = _logloss(m[key], y[key])
    out["winner_logloss"] = float(-np.log(max(float(m["p_win"][y["p_win"] == 1].max()), 1e-6)))
    out["spearman"] = float(spearmanr(m["position"], y["rank"]).statistic)
    return out


def one_year(cars, year: int, s: Settings) -> dict:
    train, test = [c for c in cars if c.year != year], [c for c in cars if c.year == year]
    fc = forecast_year(train, test, s, year)
    models = {"model": fc, **baselines(test, fc["pace"], fc["rate"])}
    y = outcomes(test)
    return {"year": year, "cars": len(test), "finishers": int(y["p_finish"].sum()), "choice": fc["choice"],
            "scores": {name: scores(m, y) for name, m in models.items()},
            "pairs": {name: {k: m[k].tolist() for k in ("p_finish", "p_class_win", "p_win")} for name, m in
                      models.items()}, "observed": {k: y[k].tolist() for k in ("p_finish", "p_class_win", "p_win")}}


def run(cars, years, s: Settings, workers: int = 1) -> dict:
    """Every held-out year (in order), then the pooled scores and the reliability table of P(finish)."""
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            per_year = list(pool.map(one_year, [cars] * len(years), years, [s] * len(years)))
    else:
        per_year = [one_year(cars, y, s) for y in years]
    return {"years": per_year, "pooled": pooled(per_year), "reliability": reliability(per_year)}


def pooled(per_year: list[dict]) -> dict:
    """Brier and log-loss over every car of every year; winner log-loss and Spearman as means over the years."""
    out = {}
    for name in MODELS:
        p = {k: np.concatenate([y["pairs"][name][k] for y in per_year]) for k in ("p_finish", "p_class_win")}
        o = {k: np.concatenate([y["observed"][k] for y in per_year]) for k in ("p_finish", "p_class_win")}
        entry = {}
        for key in ("p_finish", "p_class_win"):
            entry[f"{key}_brier"] = float(((p[key] - o[key]) ** 2).mean())
            entry[f"{key}_logloss"] = _logloss(p[key], o[key])
        for key in ("winner_logloss", "spearman"):
            entry[key] = float(np.mean([y["scores"][name][key] for y in per_year]))
        out[name] = entry
    return out


def reliability(per_year: list[dict]) -> list[dict]:
    """The model's predicted P(finish) in bins against the observed share classified."""
    p = np.concatenate([y["pairs"]["model"]["p_finish"] for y in per_year])
    o = np.concatenate([y["observed"]["p_finish"] for y in per_year])
    rows = []
    for lo, hi in zip(BINS, BINS[1:]):
        k = (p >= lo) & (p < hi if hi < 1 else p <= hi)
        if k.any():
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "cars": int(k.sum()), "predicted": float(p[k].mean()),
                         "observed": float(o[k].mean())})
    return rows


def backtest(race, draws: int = 2000, seed: int = 0, workers: int = 1, years: list[int] | None = None) -> dict:
    """The backtest of a timesheet race's reliability model on its record (a parsed race: its data's ``[record]``
    names the record and the years; `years`, some of them only): every year, pooled, and the reliability table;
    JSON-ready. RaceReplayError for a year outside the race data's."""
    from sim.timesheet.race import load_forecast_race  # race data: kept out of the worker's imports

    data = load_forecast_race(race)
    h = data.hazard
    known = list(data.record.backtest_years)
    for y in years or ():
        if y not in known:
            raise RaceReplayError(f"is not a year of the backtest ({known[0]}-{known[-1]})", key="--year", value=y)
    s = Settings(tuple(h["band_edges_hours"]), h["grid"], data.duration_s / 3600.0, draws, seed)
    out = run(list(data.record.cars), sorted(set(years)) if years else known, s, workers)
    for y in out["years"]:
        y.pop("pairs"), y.pop("observed")
    return {"race": data.race_id, "title": data.title, "record": data.record.source, "draws": draws, "seed": seed,
            "pace": data.record.notes["pace"], **out}
