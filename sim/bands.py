"""The Monte Carlo summary as the charts and tables read it: per car and hour bands, checkpoint shares, margins.

Pure functions of the summary dict (:func:`sim.montecarlo.summarise`, or a montecarlo.json read back), so a band
drawn from a saved file is the band drawn right after the sweep. :func:`check_summary` says in one
:class:`~sim.errors.RaceReplayError` what is wrong with a dict that is not such a summary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import RaceReplayError

BAND_LABEL = "10th–90th percentile over {n} draws"
WHAT = {"position": ("p10", "p50", "p90"),
        "laps_behind": ("laps_behind_p10", "laps_behind_p50", "laps_behind_p90")}
STATUSES = ("pass", "fitted", "fail", "conflict", "not evaluated")
HOLDS = ("pass", "fitted")  # a fitted checkpoint's status is "fitted" when its fit holds, "fail" when it does not
_REQUIRED = {"race": str, "runs": int, "seed": int, "calibrated": int, "failed": dict, "checkpoints": list,
             "positions": list, "winners": dict}
_TYPE_NAMES = {str: "text", int: "a whole number", dict: "an object", list: "a list"}
_POSITION_KEYS = ("car", "hour", *WHAT["position"], *WHAT["laps_behind"])


@dataclass(frozen=True)
class Band:
    """One car's band through the race: at each race hour, the 10th, 50th and 90th percentile over the draws."""

    car: str
    hours: np.ndarray
    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray


def check_summary(data, file=None) -> dict:
    """`data` if it is a Monte Carlo summary; else RaceReplayError naming `file` and the first key that is wrong."""
    if not isinstance(data, dict):
        raise RaceReplayError("is not a Monte Carlo summary (montecarlo.json): not a JSON object", file=file,
                              value=type(data).__name__)
    for key, kind in _REQUIRED.items():
        if key not in data:
            raise RaceReplayError("is not a Monte Carlo summary (montecarlo.json): a key is missing", file=file,
                                  key=key)
        if not isinstance(data[key], kind) or isinstance(data[key], bool):
            raise RaceReplayError(f"is not a Monte Carlo summary (montecarlo.json): must be {_TYPE_NAMES[kind]}",
                                  file=file, key=key, value=_short(data[key]))
    if data["calibrated"] > 0 and not data["positions"] and not data.get("controls"):
        raise RaceReplayError("is not a Monte Carlo summary (montecarlo.json): calibrated draws but no bands",
                              file=file, key="positions", value="[]")
    for i, row in enumerate(data["positions"]):
        _check_band(row, f"positions[{i}]", file)
    for i, row in enumerate(data["checkpoints"]):
        if (not isinstance(row, dict) or not isinstance(row.get("id"), str)
                or not isinstance(row.get("status_share"), dict)):
            raise RaceReplayError("is not a Monte Carlo summary (montecarlo.json): a checkpoint needs `id` and "
                                  "`status_share`", file=file, key=f"checkpoints[{i}]")
        for status, share in row["status_share"].items():
            if not _is_number(share) or not 0 <= share <= 1:
                raise RaceReplayError("is not a Monte Carlo summary (montecarlo.json): a share must be a number "
                                      "from 0 to 1", file=file, key=f"checkpoints[{i}].status_share.{status}",
                                      value=_short(share))
    return data


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_band(row, where: str, file) -> None:
    """A band row: the car as text, the hour and every percentile a whole number (a hand-edited file says where)."""
    missing = [k for k in _POSITION_KEYS if not isinstance(row, dict) or k not in row]
    if missing:
        raise RaceReplayError("is not a Monte Carlo summary (montecarlo.json): a band lacks a key", file=file,
                              key=f"{where}.{missing[0]}")
    if not isinstance(row["car"], str):
        raise RaceReplayError("is not a Monte Carlo summary (montecarlo.json): a car number must be text", file=file,
                              key=f"{where}.car", value=_short(row["car"]))
    for key in _POSITION_KEYS[1:]:
        if not isinstance(row[key], int) or isinstance(row[key], bool) or row[key] < 0:
            raise RaceReplayError("is not a Monte Carlo summary (montecarlo.json): must be a whole number, 0 or more",
                                  file=file, key=f"{where}.{key}", value=_short(row[key]))


def _short(value):
    """The value as the error shows it: itself when short and simple, else the start of its repr."""
    text = repr(value)
    if len(text) <= 40:
        return value if isinstance(value, (str, int, float, bool)) or value is None else text
    return text[:37] + "..."


def summary_of(bands) -> dict:
    """The summary dict of `bands`: a summary dict itself, or an object holding one as `.summary` (a MonteCarlo)."""
    return getattr(bands, "summary", bands)


def car_band(summary: dict, car: str, what: str = "position", until_hour: float | None = None) -> Band | None:
    """`car`'s band of `what` ("position" or "laps_behind"), hour by hour up to `until_hour` (all hours if None);
    None if the summary has no band for the car there. Raises ValueError for another `what`."""
    if what not in WHAT:
        raise ValueError(f"what(={what!r}) must be one of {', '.join(WHAT)}")
    rows = sorted((r for r in summary["positions"]
                   if r["car"] == car and (until_hour is None or r["hour"] <= until_hour)), key=lambda r: r["hour"])
    if not rows:
        return None
    lo, mid, hi = WHAT[what]
    column = lambda key: np.array([r[key] for r in rows], dtype=float)  # noqa: E731
    return Band(car, column("hour"), column(lo), column(mid), column(hi))


def band_label(summary: dict) -> str:
    """What a band is, for a title or legend: "10th–90th percentile over N draws" (N calibrated draws)."""
    return BAND_LABEL.format(n=summary["calibrated"])


def check_race(summary: dict, race_id: str) -> None:
    """ValueError unless the summary is of race `race_id`."""
    if summary["race"] != race_id:
        raise ValueError(f"bands(race={summary['race']!r}) are not of this race ({race_id!r})")


def holds_text(status_share: dict) -> str:
    """The holds share as a report prints it: "97%", or "n/a" where no draw could tell (no calibrated draw, or the
    statement is a source conflict or not evaluated in every draw)."""
    if not any(status_share.get(s, 0.0) for s in ("pass", "fitted", "fail")):
        return "n/a"
    return f"{100 * holds_share(status_share):.0f}%"


def holds_share(status_share: dict) -> float:
    """The share of draws in which a checkpoint holds: it passes or, for a fitted one, its fit holds (for a fitted
    one, see :data:`FITTED_SHARE_MEANS`: not evidence)."""
    return round(sum(status_share.get(s, 0.0) for s in HOLDS), 4)


# What a fitted checkpoint's share of the draws measures, as the reports say it. Each draw is calibrated to the
# statement again, under the inputs it drew (winner-pit-time, for one, is fitted with the very pit-stop length each
# draw changes): the share is how often the refit still lands within the statement's tolerance. It tests the
# fitting, not the replay: the reports print it as "refit" and never as "holds", nor among the evidence.
FITTED_SHARE_MEANS = ("**refit in % of draws** (a fitted statement): each draw is fitted to the statement again, "
                      "under the inputs it drew (for some, the very input the fit sets: a pit-stop length, a "
                      "start): the share is how often the refit still lands within the statement's tolerance. "
                      "It says how hard the statement is to fit under the ranges drawn, not whether the replay "
                      "is right: it is not evidence.")


def draw_share_text(status_share: dict, fitted: bool) -> str:
    """A checkpoint's share of the draws as a report's cell: "holds 97%" (it passed, unfitted), "refit 92%" (a
    fitted one, whose share is not evidence: :data:`FITTED_SHARE_MEANS`), or "n/a" where no draw could tell."""
    text = holds_text(status_share)
    return text if text == "n/a" else f"{'refit' if fitted else 'holds'} {text}"


def margin_distribution(summary: dict, scenario: bool = False) -> dict | None:
    """The winner's margin in laps: {"p10", "p50", "p90", "share": {laps: share of the draws}}; None without one."""
    prefix = "scenario_" if scenario else ""
    quantiles = summary.get(prefix + "margin_laps")
    if not quantiles:
        return None
    share = {int(k): v for k, v in summary.get(prefix + "margin_laps_share", {}).items()}
    return {**quantiles, "share": share}
