"""The route of a time trial as data: its points in order, each point's distance from the start and road kind.

Read from the race's ``course.csv`` (columns ``order, point, km_from_start`` (or ``km_from_<town>``), ``km_basis``,
``timing``, ``road_to_next``, ``source``), checked in one pass: every error names the file, line, column and value.
The timing controls are the points the race's facts name (its race.toml), each of which the course must mark as
a control; the finish is always the last mark.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import RaceDataError
from sim.log import Course

ROAD_KINDS = ("plain", "coast", "hills", "mountain")
COLUMNS = ("order", "point", "km_basis", "timing", "road_to_next", "source")
MAX_KM = 10_000.0  # more than any road race: a longer route is a typo


@dataclass(frozen=True)
class Point:
    order: int
    name: str
    km: float
    basis: str  # how sure the distance is, as the course file states it ("sourced", "road estimate", ...)
    timing: str  # "start", "passage", "control", "finish", as the course file states it
    road: str  # the kind of road from this point to the next (one of ROAD_KINDS; "" at the finish)
    source: str
    line: int


@dataclass(frozen=True)
class Route:
    """The route's points in order and the indexes of its timing marks (the named controls, then the finish)."""

    points: tuple[Point, ...]
    marks: tuple[int, ...]  # indexes into points: each control, the finish last
    file: str = ""

    @property
    def length_km(self) -> float:
        return self.points[-1].km

    @property
    def km(self) -> np.ndarray:
        return np.array([p.km for p in self.points])

    @property
    def mark_names(self) -> tuple[str, ...]:
        return tuple(self.points[i].name for i in self.marks)

    @property
    def marks_km(self) -> tuple[float, ...]:
        return tuple(self.points[i].km for i in self.marks)

    def course(self) -> Course:
        return Course(marks_km=self.marks_km, mark_names=self.mark_names)

    def effort(self, road_factor: dict[str, float]) -> np.ndarray:
        """Cumulative effort at each point: km weighted by how much each section's road slows a car."""
        sections = np.diff(self.km) * np.array([road_factor[p.road] for p in self.points[:-1]])
        return np.concatenate([[0.0], np.cumsum(sections)])

    def point_named(self, name: str) -> int | None:
        return next((i for i, p in enumerate(self.points) if p.name == name), None)


def _km_column(path: Path, header: list[str]) -> str:
    found = [h for h in header if h.startswith("km_from_")]
    if len(found) != 1:
        raise RaceDataError("needs one column km_from_<start> (the distance of each point from the start)",
                            file=path, line=1, key="header", value=",".join(header))
    return found[0]


def _number(path: Path, line: int, key: str, text: str, integer: bool = False) -> float:
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        raise RaceDataError("is not a number", file=path, line=line, key=key, value=text) from None
    if not math.isfinite(value):
        raise RaceDataError("is not a finite number", file=path, line=line, key=key, value=text)
    return value


def _point(path: Path, line: int, row: dict, km_key: str) -> Point:
    order = int(_number(path, line, "order", row["order"], integer=True))
    km = _number(path, line, km_key, row[km_key])
    if km < 0 or km > MAX_KM:
        raise RaceDataError(f"must be 0-{MAX_KM:g} km (a distance from the start)", file=path, line=line,
                            key=km_key, value=row[km_key])
    name = (row["point"] or "").strip()
    if not name:
        raise RaceDataError("a point needs a name", file=path, line=line, key="point", value=row["point"])
    road = (row["road_to_next"] or "").strip()
    return Point(order, name, km, row["km_basis"] or "", (row["timing"] or "").strip(), road, row["source"] or "", line)


def _check_points(path: Path, points: list[Point], km_key: str) -> None:
    if len(points) < 2:
        raise RaceDataError("a route needs a start and a finish", file=path, key="rows", value=len(points))
    for i, p in enumerate(points):
        if p.order != i + 1:
            raise RaceDataError(f"is out of order: expected {i + 1}", file=path, line=p.line, key="order",
                                value=p.order)
        if i and p.km <= points[i - 1].km:
            raise RaceDataError(f"must be beyond the point before it ({points[i - 1].name}, {points[i - 1].km:g} km)",
                                file=path, line=p.line, key=km_key, value=p.km)
        last = i == len(points) - 1
        if not last and p.road not in ROAD_KINDS:
            raise RaceDataError(f"must be one of {', '.join(ROAD_KINDS)}", file=path, line=p.line,
                                key="road_to_next", value=p.road)
    if points[0].km != 0 or points[0].timing != "start":
        raise RaceDataError("the first point must be the start, at 0 km", file=path, line=points[0].line,
                            key="timing", value=points[0].timing)
    if points[-1].timing != "finish":
        raise RaceDataError("the last point must be the finish", file=path, line=points[-1].line, key="timing",
                            value=points[-1].timing)


def read_course(path: str | Path, controls: tuple[str, ...]) -> Route:
    """The route in `path`, with `controls` (point names, in route order) as its timing marks before the finish."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or [])
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise RaceDataError(f"misses the columns {', '.join(missing)}", file=path, line=1, key="header",
                                    value=",".join(header))
            km_key = _km_column(path, header)
            points = [_point(path, reader.line_num, row, km_key) for row in reader]
    except FileNotFoundError:
        raise RaceDataError("course file is missing", file=path) from None
    except UnicodeDecodeError as exc:
        raise RaceDataError(f"is not UTF-8 text ({exc.reason})", file=path) from None
    _check_points(path, points, km_key)
    marks = []
    for name in controls:
        index = next((i for i, p in enumerate(points) if p.name == name), None)
        if index is None:
            raise RaceDataError("names no point of the course", file=path, key="controls", value=name)
        if not points[index].timing.startswith("control"):
            raise RaceDataError(f"is not a control in the course file (timing {points[index].timing!r})", file=path,
                                line=points[index].line, key="timing", value=name)
        if marks and index <= marks[-1]:
            raise RaceDataError(f"is out of route order: it comes before {points[marks[-1]].name}", file=path,
                                line=points[index].line, key="controls", value=name)
        marks.append(index)
    return Route(tuple(points), (*marks, len(points) - 1), str(path))
