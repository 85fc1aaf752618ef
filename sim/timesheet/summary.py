"""The forecast's numbers from its runs: per car P(win), P(finish), P(podium), positions and laps; the field's
finishers and the winner's laps, each with an interval. Probabilities are shares of the runs, so they are consistent
by construction: P(win) sums to 1, P(podium) to 3, and P(win) <= P(podium). A car's class and P(class win) are
None (null in the JSON): the timesheet gives no classes; `notes` says so, in the race data's words."""

from __future__ import annotations

import numpy as np


def _r(x: float, digits: int = 4) -> float:
    return float(round(float(x), digits))


def summarise(race, setup, results: dict, runs: int, seed: int) -> dict:
    """The JSON-ready summary (plain floats and ints, cars in the timesheet's order)."""
    pos, laps, classified = results["position"], results["laps"], results["classified"]
    cars = []
    for i, car in enumerate(race.cars):
        p10, p50, p90 = np.percentile(laps[:, i], [10, 50, 90], method="nearest")
        q10, q50, q90 = np.percentile(pos[:, i], [10, 50, 90], method="nearest")
        cars.append({
            "car": car.number, "class": None, "make": car.make, "practice_s": _r(car.practice_s, 1),
            "p_win": _r((pos[:, i] == 1).mean()), "p_class_win": None,
            "p_finish": _r(classified[:, i].mean()), "p_podium": _r((pos[:, i] <= 3).mean()),
            "expected_position": _r(pos[:, i].mean(), 2),
            "position_p10": int(q10), "position_p50": int(q50), "position_p90": int(q90),
            "laps_p10": int(p10), "laps_p50": int(p50), "laps_p90": int(p90),
        })
    finishers = classified.sum(axis=1)
    winner_laps = laps[np.arange(runs), np.argmin(pos, axis=1)]
    field = {"expected_finishers": _r(finishers.mean(), 2),
             "finishers_p10": int(np.percentile(finishers, 10, method="nearest")),
             "finishers_p90": int(np.percentile(finishers, 90, method="nearest")),
             "winner_laps_expected": _r(winner_laps.mean(), 1),
             "winner_laps_p10": int(np.percentile(winner_laps, 10, method="nearest")),
             "winner_laps_p90": int(np.percentile(winner_laps, 90, method="nearest"))}
    notes = {"class": race.no_classes_reason, "p_class_win": race.no_classes_reason,
             "p_finish": f"classified: running at the end, final lap in time, and at least {race.classified_share:g} "
                         f"of the {race.classified_against}'s distance"}
    return {"race": race.race_id, "runs": runs, "seed": seed, "field": field, "notes": notes, "cars": cars}
