"""The forecast's numbers from its runs: per car P(win), P(class win), P(finish), P(podium), positions and laps; per
class its cars and Index of Performance target; the field's finishers, mean P(finish) and winner's laps, each with an
interval, beside the record's range of finishers over the years it was learnt from (calibration in the large).
Probabilities are shares of the runs, so they are consistent by construction: P(win) sums to 1, P(podium) to 3,
P(class win) to at most 1 within a class, and P(win) <= P(podium)."""

from __future__ import annotations

import numpy as np


def _r(x: float, digits: int = 4) -> float:
    return float(round(float(x), digits))


def _car(car, i: int, results: dict) -> dict:
    pos, laps = results["position"][:, i], results["laps"][:, i]
    p10, p50, p90 = np.percentile(laps, [10, 50, 90], method="nearest")
    q10, q50, q90 = np.percentile(pos, [10, 50, 90], method="nearest")
    return {
        "car": car.number, "class": car.car_class, "make": car.make, "practice_s": _r(car.practice_s, 1),
        "p_win": _r((pos == 1).mean()), "p_class_win": _r(results["class_win"][:, i].mean()),
        "p_finish": _r(results["classified"][:, i].mean()), "p_podium": _r((pos <= 3).mean()),
        "expected_position": _r(pos.mean(), 2), "expected_laps": _r(laps.mean(), 1),
        "position_p10": int(q10), "position_p50": int(q50), "position_p90": int(q90),
        "laps_p10": int(p10), "laps_p50": int(p50), "laps_p90": int(p90),
    }


def record_range(shares: dict) -> dict:
    """The record's share of starters classified and number of finishers per year: lowest, highest, mean."""
    share = [c / n for n, c in shares.values()]
    finishers = [c for _, c in shares.values()]
    years = sorted(shares)
    return {"years": f"{years[0]}-{years[-1]}", "share_min": _r(min(share)), "share_max": _r(max(share)),
            "share_mean": _r(np.mean(share)), "finishers_min": int(min(finishers)),
            "finishers_max": int(max(finishers)), "finishers_mean": _r(np.mean(finishers), 1)}


def summarise(race, setup, results: dict, runs: int, seed: int, shares: dict) -> dict:
    """The JSON-ready summary (plain floats and ints, cars in the timesheet's order)."""
    pos, laps, classified = results["position"], results["laps"], results["classified"]
    cars = [_car(car, i, results) for i, car in enumerate(race.cars)]
    finishers = classified.sum(axis=1)
    winner_laps = laps[np.arange(runs), np.argmin(pos, axis=1)]
    field = {"expected_finishers": _r(finishers.mean(), 2),
             "finishers_p10": int(np.percentile(finishers, 10, method="nearest")),
             "finishers_p90": int(np.percentile(finishers, 90, method="nearest")),
             "mean_p_finish": _r(classified.mean()),
             "winner_laps_expected": _r(winner_laps.mean(), 1),
             "winner_laps_p10": int(np.percentile(winner_laps, 10, method="nearest")),
             "winner_laps_p90": int(np.percentile(winner_laps, 90, method="nearest")),
             "record": record_range(shares)}
    classes = []
    for name in sorted({c.car_class for c in race.cars}):
        members = [c for c in cars if c["class"] == name]
        top = max(members, key=lambda c: (c["p_class_win"], -c["expected_position"]))
        classes.append({"class": name, "cars": len(members), "index_target_km": race.index_targets.get(name),
                        "p_no_finisher": _r(1.0 - sum(c["p_class_win"] for c in members)),
                        "favourite": top["car"], "favourite_p_class_win": top["p_class_win"]})
    notes = {"class": "the class in the entry list the race data's [record] names (with its source)",
             "p_class_win": "the chance to be its class's best-placed classified car",
             "index_target_km": race.index_reason,
             "p_finish": f"classified: running at the end, final lap in time, and at least {race.classified_share:g} "
                         f"of the {race.classified_against}'s distance"}
    return {"race": race.race_id, "runs": runs, "seed": seed, "field": field, "classes": classes, "notes": notes,
            "cars": cars}
