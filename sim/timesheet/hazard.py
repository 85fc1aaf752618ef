"""The reliability model learnt from the public record: a piecewise-constant hazard over race hours.

A car's hazard of falling out (retiring or being disqualified) in race-hour band b is ``exp(a_b + x . beta)``: one
rate per band of hours and a few multipliers for what both the record and an entry list give of a car:

- ``litres``: the engine's displacement, log2 of litres (one step = twice the engine).
- ``family:<F>``: the class family other than sports cars (``GT``).
- ``year``: a trend over the years, per decade from the record's mean year; kept only if cross-validation over
  the years says it helps (the data decide, not the modeller).
- ``make:<name>``: one term per make of the record, pulled hardest towards 1 (most have a handful of cars).

No pace term: the record gives no practice times, and the only pace it gives of a car is the distance it covered,
which is the outcome itself; a car's pace enters the forecast through its simulated race (practice time x the
practice-to-race ratio), not through its hazard (an assumption, stated in the race data).

It is fitted by penalised maximum likelihood (a Poisson model of the events with the exposure of each band, the
piecewise-exponential survival model); ridge penalties pull each band's log rate towards the field's constant rate
and each multiplier towards 1. Their sizes, and whether the year trend is kept, are chosen by leave-one-year-out
cross-validation (the held-out years' log-likelihood), from the grid the race data gives. Its uncertainty is a
bootstrap over car-races.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

TERMS = ("litres",)  # always in the model; then the families, the year trend if chosen, and the makes


@dataclass(frozen=True)
class Spec:
    """Which columns a model has: the families and makes it knows, whether it has a trend, the trend's centre."""

    families: tuple[str, ...]
    makes: tuple[str, ...]
    trend: bool
    year_centre: float

    @property
    def names(self) -> tuple[str, ...]:
        return (TERMS + tuple(f"family:{f}" for f in self.families) + (("year",) if self.trend else ())
                + tuple(f"make:{m}" for m in self.makes))

    def x(self, cars) -> np.ndarray:
        """(cars, terms) covariates of `cars` (objects with litres, family, make and year); an unknown make or
        family counts as the reference (all its columns 0)."""
        cols = [np.log2(np.maximum([c.litres for c in cars], 0.1))]
        cols += [np.array([c.family == f for c in cars], float) for f in self.families]
        if self.trend:
            cols.append((np.array([c.year for c in cars], float) - self.year_centre) / 10.0)
        cols += [np.array([c.make == m for c in cars], float) for m in self.makes]
        return np.column_stack(cols).reshape(len(cars), len(self.names))


def spec_of(cars, trend: bool) -> Spec:
    """The columns for a sample: every family but the commonest (the reference) and every make it holds."""
    counts: dict[str, int] = {}
    for c in cars:
        counts[c.family] = counts.get(c.family, 0) + 1
    reference = max(sorted(counts), key=counts.get)
    return Spec(tuple(sorted(f for f in counts if f != reference)), tuple(sorted({c.make for c in cars})), trend,
                float(np.mean([c.year for c in cars])))


@dataclass(frozen=True)
class Sample:
    """What the model reads of each car-race: the covariates, and the end of its race."""

    x: np.ndarray  # (cars, terms) covariates, columns `names`
    names: tuple[str, ...]
    end_h: np.ndarray  # race hours to the car's end (the race's length if it ran to the end)
    event: np.ndarray  # True if the car fell out (retired or disqualified)
    years: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def rows(self, keep) -> Sample:
        return Sample(self.x[keep], self.names, self.end_h[keep], self.event[keep],
                      self.years[keep] if len(self.years) else self.years)


def sample_of(cars, spec: Spec) -> Sample:
    return Sample(spec.x(cars), spec.names, np.array([c.end_h for c in cars], float),
                  np.array([c.fell_out for c in cars]), np.array([c.year for c in cars]))


@dataclass(frozen=True)
class Hazard:
    """A fitted model: band edges (hours), the log rate of each band, the multipliers' log values by name."""

    edges_h: np.ndarray
    log_rates: np.ndarray
    beta: dict
    field_rate: float  # the constant rate (failures per car-hour) the bands are shrunk towards
    spec: Spec | None = None

    def rates(self, x: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
        """(cars, bands) hazard per hour for the covariates `x` (columns `names`; a name unknown to it counts 1)."""
        b = np.array([self.beta.get(n, 0.0) for n in names])
        return np.exp(self.log_rates[None, :] + (x @ b)[:, None])

    def car_rates(self, cars) -> np.ndarray:
        """(cars, bands) hazard per hour of `cars` (objects with litres, family, make, year)."""
        return self.rates(self.spec.x(cars), self.spec.names)

    def p_out(self, x: np.ndarray, names: tuple[str, ...], hours: float | None = None) -> np.ndarray:
        """Each car's probability of falling out within `hours` (the whole race by default)."""
        return p_out_of(self.rates(x, names), self.edges_h, hours)


def p_out_of(rates: np.ndarray, edges_h: np.ndarray, hours: float | None = None) -> np.ndarray:
    span = np.diff(np.minimum(edges_h, edges_h[-1] if hours is None else hours))
    return 1.0 - np.exp(-(rates * np.clip(span, 0, None)).sum(axis=-1))


def _exposure(end_h: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cars, bands) hours each car ran in each band, and the band of each car's end."""
    exposure = np.clip(np.minimum(end_h[:, None], edges[None, 1:]) - edges[None, :-1], 0, None)
    band = np.clip(np.searchsorted(edges, end_h, side="right") - 1, 0, len(edges) - 2)
    return exposure, band


def fit(sample: Sample, edges_h, shrink: dict, spec: Spec | None = None) -> Hazard:
    """Penalised maximum-likelihood fit of the piecewise-exponential model (see the module's docstring)."""
    edges = np.asarray(edges_h, float)
    exposure, band = _exposure(sample.end_h, edges)
    d = sample.event.astype(float)
    nb = len(edges) - 1
    a0 = np.log(max(d.sum(), 0.5) / exposure.sum())
    pen = np.array([shrink["bands"]] * nb + [shrink["makes"] if n.startswith("make:") else shrink["terms"]
                                             for n in sample.names])
    centre = np.concatenate([np.full(nb, a0), np.zeros(len(sample.names))])
    events = np.bincount(band, weights=d, minlength=nb)
    theta = _newton(_Design(sample.x, sample.names), exposure, events, d, pen, centre)
    return Hazard(edges, theta[:nb], dict(zip(sample.names, theta[nb:])), float(np.exp(a0)), spec)


class _Design:
    """The covariates split for speed: the few dense columns, and the one-hot make columns as one index per car (a
    car has one make), so the make block of the Hessian is diagonal and sums by make are bincounts. (A many-threaded
    BLAS on such small matrices spends more time waking threads than computing.) Columns keep `names`' order."""

    def __init__(self, x: np.ndarray, names: tuple[str, ...]):
        self.is_make = np.array([n.startswith("make:") for n in names], bool)
        self.dense, onehot = x[:, ~self.is_make], x[:, self.is_make]
        self.nm = onehot.shape[1]
        self.make = np.where(onehot.sum(axis=1) > 0, onehot.argmax(axis=1) if self.nm else 0, self.nm)

    def eta(self, b: np.ndarray) -> np.ndarray:
        return self.dense @ b[~self.is_make] + np.append(b[self.is_make], 0.0)[self.make]

    def by_make(self, v: np.ndarray) -> np.ndarray:
        return np.bincount(self.make, weights=v, minlength=self.nm + 1)[:self.nm]

    def t_dot(self, v: np.ndarray) -> np.ndarray:
        """x.T @ v, in `names`' order."""
        out = np.empty(len(self.is_make))
        out[~self.is_make], out[self.is_make] = self.dense.T @ v, self.by_make(v)
        return out

    def gram(self, w: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x.T diag(w) x and mu.T x (bands by columns), in `names`' order."""
        k = len(self.is_make)
        g, cross = np.zeros((k, k)), np.zeros((mu.shape[1], k))
        dn, mk = np.flatnonzero(~self.is_make), np.flatnonzero(self.is_make)
        g[np.ix_(dn, dn)] = (self.dense * w[:, None]).T @ self.dense
        block = np.stack([self.by_make(w * self.dense[:, j]) for j in range(len(dn))]) if len(dn) else np.zeros((0, 0))
        if len(mk) and len(dn):
            g[np.ix_(dn, mk)], g[np.ix_(mk, dn)] = block, block.T
        g[mk, mk] = self.by_make(w)
        cross[:, dn] = mu.T @ self.dense
        cross[:, mk] = np.stack([self.by_make(mu[:, b]) for b in range(mu.shape[1])])
        return g, cross


def _newton(design: _Design, exposure, events, d, pen, centre, steps: int = 100) -> np.ndarray:
    """Newton's method on the penalised Poisson loss (convex: a few steps, each halved until the loss falls)."""
    nb = exposure.shape[1]
    xd = design.t_dot(d)

    def loss(theta):
        eta = design.eta(theta[nb:])
        mu = exposure * np.exp(theta[None, :nb] + eta[:, None])
        dev = theta - centre
        return -(events @ theta[:nb] + d @ eta) + mu.sum() + (pen * dev ** 2).sum(), mu, dev

    theta = centre.copy()
    value, mu, dev = loss(theta)
    for _ in range(steps):
        per_car = mu.sum(axis=1)
        grad = np.concatenate([mu.sum(axis=0) - events, design.t_dot(per_car) - xd]) + 2 * pen * dev
        g, cross = design.gram(per_car, mu)
        hess = np.block([[np.diag(mu.sum(axis=0)), cross], [cross.T, g]]) + np.diag(2 * pen)
        step = np.linalg.solve(hess, grad)
        for _ in range(30):
            new_value, new_mu, new_dev = loss(theta - step)
            if new_value <= value + 1e-12:
                break
            step = step / 2
        theta, value, mu, dev = theta - step, new_value, new_mu, new_dev
        if np.abs(step).max() < 1e-9:
            break
    return theta


def log_likelihood(h: Hazard, sample: Sample) -> float:
    """Mean log-likelihood per car-race of `sample` under the fitted `h` (the survival model's own score)."""
    exposure, band = _exposure(sample.end_h, h.edges_h)
    rates = h.rates(sample.x, sample.names)
    events = sample.event * np.log(rates[np.arange(len(band)), band])
    return float((events - (rates * exposure).sum(axis=1)).mean())


def choose(cars, edges_h, grid: dict) -> tuple[dict, list[dict]]:
    """The penalties and trend with the best leave-one-year-out log-likelihood over `grid` (``trend``: bools,
    ``terms`` and ``makes``: penalty sizes; the bands take the terms' penalty). Returns the choice and every row
    tried, in the grid's order."""
    years = np.array([c.year for c in cars])
    rows = []
    for trend in grid["trend"]:
        spec = spec_of(cars, trend)
        sample = sample_of(cars, spec)
        for terms, makes in itertools.product(grid["terms"], grid["makes"]):
            shrink = {"bands": terms, "terms": terms, "makes": makes}
            score = [log_likelihood(fit(sample.rows(years != y), edges_h, shrink), sample.rows(years == y)) *
                     (years == y).sum() for y in np.unique(years)]
            rows.append({"trend": trend, "terms": terms, "makes": makes, "cv_loglik": float(sum(score) / len(cars))})
    best = max(rows, key=lambda r: r["cv_loglik"])  # the first of equals, in the grid's order
    return best, rows


def fit_chosen(cars, edges_h, choice: dict) -> Hazard:
    spec = spec_of(cars, choice["trend"])
    shrink = {"bands": choice["terms"], "terms": choice["terms"], "makes": choice["makes"]}
    return fit(sample_of(cars, spec), edges_h, shrink, spec)


def bootstrap(cars, edges_h, choice: dict, n: int, seed: int) -> list[Hazard]:
    """`n` refits on resamples of the car-races (drawn with replacement): the model's uncertainty. Each keeps the
    columns of the whole sample, so a make a resample lacks counts 1."""
    rng = np.random.default_rng(seed)
    spec = spec_of(cars, choice["trend"])
    sample = sample_of(cars, spec)
    shrink = {"bands": choice["terms"], "terms": choice["terms"], "makes": choice["makes"]}
    return [fit(sample.rows(rng.integers(0, len(cars), len(cars))), edges_h, shrink, spec) for _ in range(n)]


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


def field_rates(h: Hazard, cars) -> np.ndarray:
    """(bands,) hazard per hour of the average car of `cars` (their mean covariates, makes at 1): the rates the
    report's table and the hazard chart both show."""
    x = h.spec.x(cars).mean(axis=0, keepdims=True)
    x[:, [n.startswith("make:") for n in h.spec.names]] = 0.0
    return h.rates(x, h.spec.names)[0]
