"""The reliability model learnt from a replayed race: a piecewise-constant failure hazard over race time.

A car's hazard in race-hour band b is ``exp(a_b + x . beta)``: one rate per band of hours (the start, the evening,
the night, the morning, the last hours) and a few multipliers for what the practice timesheet also gives (the make,
from the chassis, and the practice time; it gives no engine size and no class, so the model uses neither):

- ``pace``: how far the car's pace is off the field's quickest, in tenths (0 = the quickest car; 0.1 = 1% slower).
  Learnt on the replayed race from each car's calibrated race pace over the quickest car's; applied to a timesheet
  from each car's practice time over the quickest practice time (the practice-to-race ratio is one number for the
  field, so it cancels; an assumption: a car's practice gap is its race-pace gap). It is there because pace is the
  one number the timesheet gives per car, and how hard a car runs bears on whether it lasts. Its sign is left to
  the data: the quickest cars are pushed hardest, the slowest are often small, fragile cars.
- ``make:<name>``: one term per make that both races field, pulled hardest towards 1 (most have two or three cars).

A known bias of ``pace``: a retired car's calibrated race pace in the replayed race includes the trouble it had
before it retired (its slow laps count), so retired cars look slower than they ran and the term leans towards
"slower cars fail more".

It is fitted by penalised maximum likelihood (a Poisson model of the events with the exposure of each band, the
piecewise-exponential survival model); ridge penalties shrink each band's log rate towards the field's constant
rate and each multiplier towards 1, since 54 starters are little data. Its uncertainty is a bootstrap over cars.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.clock import HOUR

TERMS = ("pace",)


@dataclass(frozen=True)
class Sample:
    """What the model reads of each car: the covariates, and (for the cars it learns from) the end of its race."""

    numbers: tuple[str, ...]
    x: np.ndarray  # (cars, terms) covariates, columns `names`
    names: tuple[str, ...]
    end_h: np.ndarray | None = None  # race hours to the car's end (the race's length if it finished)
    event: np.ndarray | None = None  # True if the car fell out (retired, disqualified, stopped unclassified)


@dataclass(frozen=True)
class Hazard:
    """A fitted model: band edges (hours), the log rate of each band, the multipliers' log values by name."""

    edges_h: np.ndarray
    log_rates: np.ndarray
    beta: dict
    field_rate: float  # the constant rate (failures per car-hour) the bands are shrunk towards

    def rates(self, x: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
        """(cars, bands) hazard per hour for the covariates `x` (columns `names`; a make unknown to it counts 1)."""
        b = np.array([self.beta.get(n, 0.0) for n in names])
        return np.exp(self.log_rates[None, :] + (x @ b)[:, None])

    def p_out(self, x: np.ndarray, names: tuple[str, ...], hours: float | None = None) -> np.ndarray:
        """Each car's probability of falling out within `hours` (the whole race by default)."""
        span = np.diff(np.minimum(self.edges_h, self.edges_h[-1] if hours is None else hours))
        return 1.0 - np.exp(-(self.rates(x, names) * np.clip(span, 0, None)).sum(axis=1))


def covariates(numbers, pace_s, makes, known_makes=()) -> Sample:
    """The model's covariates of a field: the gap to the field's quickest pace (in tenths) and the make terms."""
    pace_s = np.asarray(pace_s, float)
    gap = (pace_s / pace_s.min() - 1.0) * 10.0
    names = TERMS + tuple(f"make:{m}" for m in known_makes)
    x = np.column_stack([gap] + [[1.0 if mk == m else 0.0 for mk in makes] for m in known_makes])
    return Sample(tuple(numbers), x.reshape(len(numbers), len(names)), names)


def _exposure(end_h: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cars, bands) hours each car ran in each band, and the band of each car's end."""
    exposure = np.clip(np.minimum(end_h[:, None], edges[None, 1:]) - edges[None, :-1], 0, None)
    band = np.clip(np.searchsorted(edges, end_h, side="right") - 1, 0, len(edges) - 2)
    return exposure, band


def fit(sample: Sample, edges_h, shrink: dict) -> Hazard:
    """Penalised maximum-likelihood fit of the piecewise-exponential model (see the module's docstring)."""
    edges = np.asarray(edges_h, float)
    exposure, band = _exposure(sample.end_h, edges)
    d = sample.event.astype(float)
    nb, nx = len(edges) - 1, sample.x.shape[1]
    a0 = np.log(max(d.sum(), 0.5) / exposure.sum())
    onehot = np.zeros((len(d), nb))
    onehot[np.arange(len(d)), band] = d
    pen = np.array([shrink["bands"]] * nb + [shrink["makes"] if n.startswith("make:") else shrink["terms"]
                                             for n in sample.names])

    def loss(theta):
        a, b = theta[:nb], theta[nb:]
        eta = sample.x @ b
        mu = exposure * np.exp(a[None, :] + eta[:, None])
        dev = theta - np.concatenate([np.full(nb, a0), np.zeros(nx)])
        value = -(onehot * (a[None, :] + eta[:, None])).sum() + mu.sum() + (pen * dev ** 2).sum()
        ga = -onehot.sum(axis=0) + mu.sum(axis=0)
        gb = sample.x.T @ (mu.sum(axis=1) - d)
        return value, np.concatenate([ga, gb]) + 2 * pen * dev

    from scipy.optimize import minimize  # scipy.optimize is slow to load: only fitting a hazard needs it

    start = np.concatenate([np.full(nb, a0), np.zeros(nx)])
    theta = minimize(loss, start, jac=True, method="L-BFGS-B").x
    return Hazard(edges, theta[:nb], dict(zip(sample.names, theta[nb:])), float(np.exp(a0)))


def bootstrap(sample: Sample, edges_h, shrink: dict, n: int, seed: int) -> list[Hazard]:
    """`n` refits on resamples of the cars (drawn with replacement): the model's uncertainty."""
    rng = np.random.default_rng(seed)
    fits = []
    for _ in range(n):
        i = rng.integers(0, len(sample.numbers), len(sample.numbers))
        fits.append(fit(Sample(sample.numbers, sample.x[i], sample.names, sample.end_h[i], sample.event[i]),
                        edges_h, shrink))
    return fits


def cross_validate(sample: Sample, edges_h, shrink: dict) -> dict:
    """Leave-one-car-out: each car's P(out) from a fit on the others; Brier and log-loss beside a constant rate."""
    n, hours = len(sample.numbers), float(edges_h[-1])
    p_model, p_const = np.empty(n), np.empty(n)
    for i in range(n):
        keep = np.arange(n) != i
        rest = Sample(sample.numbers, sample.x[keep], sample.names, sample.end_h[keep], sample.event[keep])
        p_model[i] = fit(rest, edges_h, shrink).p_out(sample.x[i:i + 1], sample.names)[0]
        exposure = np.minimum(rest.end_h, hours).sum()
        p_const[i] = 1.0 - np.exp(-rest.event.sum() / exposure * hours)
    y = sample.event.astype(float)
    table = []
    for lo, hi in ((0.0, 0.3), (0.3, 0.45), (0.45, 0.6), (0.6, 0.75), (0.75, 1.01)):
        k = (p_model >= lo) & (p_model < hi)
        if k.any():
            table.append({"bin": f"{lo:.2f}-{min(hi, 1.0):.2f}", "cars": int(k.sum()),
                          "predicted": float(p_model[k].mean()), "observed": float(y[k].mean())})
    return {"p_model": p_model, "p_constant": p_const, "observed": y, "table": table,
            "brier_model": float(((p_model - y) ** 2).mean()), "brier_constant": float(((p_const - y) ** 2).mean()),
            "logloss_model": _logloss(p_model, y), "logloss_constant": _logloss(p_const, y)}


def _logloss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())


def failure_times_h(rates: np.ndarray, edges_h: np.ndarray, uniform_exp: np.ndarray) -> np.ndarray:
    """Failure hour of each car from its band rates (..., bands) and a standard exponential draw (...); inf if the
    car survives the race: the inverse of the cumulative hazard."""
    span = np.diff(edges_h)
    cum = np.concatenate([np.zeros(rates.shape[:-1] + (1,)), np.cumsum(rates * span, axis=-1)], axis=-1)
    band = (cum[..., 1:] < uniform_exp[..., None]).sum(axis=-1)  # bands wholly survived
    out = np.full(uniform_exp.shape, np.inf)
    inside = band < len(span)
    b = np.minimum(band, len(span) - 1)
    before = np.take_along_axis(cum, b[..., None], axis=-1)[..., 0]
    rate = np.take_along_axis(rates, b[..., None], axis=-1)[..., 0]
    t = edges_h[b] + (uniform_exp - before) / rate
    out[inside] = t[inside]
    return out


def learn_from_replay(replay, known_makes) -> Sample:
    """The sample of a replayed race: each starter's make and calibrated race pace, and its end."""
    race, cal = replay.race, replay.calibration
    starters = [e for e in race.starters]
    duration_h = replay.facts.duration_s / HOUR
    end_h = np.array([min(cal.ends[e.number].target / HOUR, duration_h) if e.status != "classified" else duration_h
                      for e in starters])
    event = np.array([e.status != "classified" and cal.ends[e.number].target < replay.facts.duration_s
                      for e in starters])
    sample = covariates([e.number for e in starters], [cal.paces[e.number].segments[0][1] for e in starters],
                        [e.make for e in starters], known_makes)
    return Sample(sample.numbers, sample.x, sample.names, end_h, event)
