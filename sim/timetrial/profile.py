"""A time trial's course profile fitted to the record of earlier runnings of the same route.

How much each kind of road (the course file's ``road_to_next``) slows a car is not assumed: it is fitted to what
the record gives of the leaders' times on the same roads in other years (the race folder's ``passage.csv``, rows
copied from the shared reference with their source columns). Each observation (race.toml ``[[profile.observation]]``)
is a share of one car's elapsed time at the finish: the time to a course point (``what = "to"``) or from a course
point to the finish (``what = "from"``). The model gives a car one pace per unit of *effort* (km weighted by the
factor of its road kind), so a share is effort to the point over effort of the route: the fit finds the factors
(the reference kind fixed at 1) that bring those shares closest to the record's, each weighted by its ``sigma``.

A row's seconds come from its ``kind`` column by a small registry (an elapsed time, an average speed from the
start, a gap to another car, a section record, a clock time from a stated start): :data:`ROW_SECONDS`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import RaceDataError
from sim.timetrial.course import ROAD_KINDS, Route
from sim.tomlfile import Table

PASSAGE_COLUMNS = ("id", "year", "driver", "point", "km_from_brescia", "figure", "kind", "confidence", "source",
                   "quote")
WHATS = ("to", "from")
ROUNDING = 0.0005  # the factors written in race.toml are the fit's, to 3 decimals


def _hms(text: str) -> float:
    sign = -1.0 if text.startswith("-") else 1.0
    parts = [float(p) for p in text.lstrip("+-").split(":")]
    if len(parts) != 3:
        raise ValueError(text)
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _speed(row: dict) -> float:
    return float(row["km_from_brescia"]) / float(row["figure"]) * 3600.0


def _clock(row: dict) -> float:
    start = re.search(r"started (\d\d):(\d\d)", row["kind"])
    if start is None:
        raise ValueError("a clock time needs its start ('started HH:MM' in the kind column)")
    hours, minutes = (int(p) for p in row["figure"].split(":"))
    return (hours * 60 + minutes - int(start[1]) * 60 - int(start[2])) * 60.0


ROW_SECONDS = {  # the kind column's first words -> seconds of elapsed time (or of a stretch, or of a gap)
    "elapsed": lambda row: _hms(row["figure"]),
    "average km/h from": _speed,
    "section record": _speed,
    "behind": lambda row: _hms(row["figure"]),
    "ahead": lambda row: _hms(row["figure"]),
    "time for the last stretch": lambda row: _hms(row["figure"]),
    "clock time of passage": _clock,
}


@dataclass(frozen=True)
class Observation:
    id: str
    year: str
    what: str  # "to": the time from the start to `point`; "from": the time from `point` to the finish
    point: str
    km: float  # the point's km on this race's course
    seconds: float  # the time the rows give (sum of the `time` rows)
    total_s: float  # the car's elapsed time at the finish (sum of the `total` rows)
    sigma: float  # the share's uncertainty (the weight of the observation)
    rows: tuple[str, ...]
    reason: str

    @property
    def share(self) -> float:
        return self.seconds / self.total_s


@dataclass(frozen=True)
class Profile:
    factors: dict[str, float]  # every road kind's factor on time per km (the reference kind 1)
    sd: dict[str, float]  # each fitted factor's standard error
    reference: str
    ratio: tuple[str, str, float, tuple[float, float]]  # (kind, of kind, ratio, range): a kind tied to another
    observations: tuple[Observation, ...]
    rows: dict[str, dict]  # passage.csv by id
    reason: str
    file: str

    def shares(self, route: Route, factors: dict[str, float] | None = None) -> list[float]:
        """The profile's share of the finish time for each observation."""
        return shares(route, factors or self.factors, self.observations)


def read_rows(path: Path) -> dict[str, dict]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in PASSAGE_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise RaceDataError(f"misses the columns {', '.join(missing)}", file=path, line=1, key="header")
            rows = {row["id"]: {**row, "line": reader.line_num} for row in reader}
    except FileNotFoundError:
        raise RaceDataError("the passage file is missing", file=path) from None
    for row in rows.values():
        if not any(row["kind"].startswith(k) for k in ROW_SECONDS):
            raise RaceDataError(f"is not a kind of figure the profile reads ({', '.join(ROW_SECONDS)})", file=path,
                                line=row["line"], key="kind", value=row["kind"])
    return rows


def row_seconds(path: Path, row: dict) -> float:
    kind = next(k for k in ROW_SECONDS if row["kind"].startswith(k))
    try:
        return ROW_SECONDS[kind](row)
    except (ValueError, ZeroDivisionError) as exc:
        raise RaceDataError(f"cannot be read as {kind!r} ({exc})", file=path, line=row["line"], key="figure",
                            value=row["figure"]) from None


def _observation(t: Table, rows: dict[str, dict], path: Path, route: Route) -> Observation:
    oid = t.string("id")
    t.prefix = f"profile.observation.{oid}"
    point = t.string("point")
    index = route.point_named(point)
    if index is None:
        raise t.error("point", "names no point of the course", point)
    seconds = {}
    for key in ("time", "total"):
        ids = t.strings(key)
        for rid in ids:
            if rid not in rows:
                raise t.error(key, f"names no row of {path.name}", rid)
        seconds[key] = sum(row_seconds(path, rows[rid]) for rid in ids)
    if not 0 < seconds["time"] < seconds["total"]:
        raise t.error("time", "must be a part of the total time", seconds["time"])
    return Observation(oid, t.string("year"), t.string("what", choices=WHATS), point, route.points[index].km,
                       seconds["time"], seconds["total"], t.number("sigma", low=0, low_open=True, high=0.5),
                       tuple(t.strings("time")) + tuple(t.strings("total")), t.string("reason"))


def _effort_to(route: Route, factors: dict[str, float], km: float) -> float:
    return float(np.interp(km, route.km, route.effort(factors)))


def shares(route: Route, factors: dict[str, float], observations) -> list[float]:
    effort = route.effort(factors)
    total = float(effort[-1])
    out = []
    for o in observations:
        to = float(np.interp(o.km, route.km, effort)) / total
        out.append(to if o.what == "to" else 1.0 - to)
    return out


def _factors(values: np.ndarray, free: list[str], reference: str, ratio) -> dict[str, float]:
    factors = {reference: 1.0, **dict(zip(free, (float(v) for v in values)))}
    kind, of, r, _ = ratio
    factors[kind] = factors[of] * r
    return factors


def fit(route: Route, observations, reference: str, ratio, steps: int = 50) -> tuple[dict, dict, float]:
    """Weighted least squares on the shares (Gauss-Newton): (factors, standard errors, chi-square per degree of
    freedom). The standard errors are scaled up by the chi-square when the observations disagree more than their
    sigmas say."""
    free = [k for k in ROAD_KINDS if k not in (reference, ratio[0])]
    target = np.array([o.share for o in observations])
    sigma = np.array([o.sigma for o in observations])

    def residuals(values):
        return (np.array(shares(route, _factors(values, free, reference, ratio), observations)) - target) / sigma

    values = np.ones(len(free))
    for _ in range(steps):
        r = residuals(values)
        jac = np.column_stack([(residuals(values + dv) - r) / 1e-6 for dv in np.eye(len(free)) * 1e-6])
        step = np.linalg.lstsq(jac, -r, rcond=None)[0]
        values = values + step
        if np.max(np.abs(step)) < 1e-10:
            break
    r = residuals(values)
    jac = np.column_stack([(residuals(values + dv) - r) / 1e-6 for dv in np.eye(len(free)) * 1e-6])
    dof = max(len(observations) - len(free), 1)
    chi2 = float(r @ r) / dof
    cov = np.linalg.inv(jac.T @ jac) * max(1.0, chi2)
    sd = dict(zip(free, (float(s) for s in np.sqrt(np.diag(cov)))))
    sd[ratio[0]] = sd[ratio[1]] * ratio[2]
    return _factors(values, free, reference, ratio), sd, chi2


def read_profile(table: Table, folder: Path, route: Route) -> Profile:
    """The race's profile: its observations, the factors race.toml writes, checked against a fresh fit."""
    path = folder / table.string("file", "passage.csv")
    rows = read_rows(path)
    reference = table.string("reference", choices=ROAD_KINDS)
    tied = table.sub("tied", required=True)
    kind, of = tied.string("kind", choices=ROAD_KINDS), tied.string("of", choices=ROAD_KINDS)
    low, high = (float(v) for v in tied.table.get("range", [0, 0]))
    ratio = (kind, of, tied.number("ratio", low=0.5, high=3.0), (low, high))
    if not low <= ratio[2] <= high or kind in (of, reference):
        raise tied.error("range", "must hold the ratio, and the tied kind must be neither the reference nor its own",
                         tied.table.get("range"))
    observations = tuple(_observation(Table(table.path, item, table.key(f"observation[{i}]"), table.error_class),
                                      rows, path, route) for i, item in enumerate(table.tables("observation")))
    if len(observations) < 3:
        raise table.error("observation", "the profile needs at least three observations to fit two factors")
    factors, sd, _ = fit(route, observations, reference, ratio)
    written = table.sub("factors", required=True)
    for name in ROAD_KINDS:
        value = written.number(name, low=0.3, high=3.0)
        if abs(value - factors[name]) > ROUNDING:
            raise written.error(name, f"is not the fit of {path.name}'s rows (the fit gives {factors[name]:.3f})",
                                value)
    return Profile(factors, sd, reference, ratio, observations, rows, table.string("reason"), str(path))
