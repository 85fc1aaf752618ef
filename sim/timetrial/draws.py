"""The time trial's Monte Carlo draws: the ranged assumptions of its race folder drawn, and what a draw keeps.

Every range is a :class:`~sim.timetrial.facts.TrialRange` (race.toml ``[draws]``, conflicts.toml
``[[reading.also]]``): the profile's fitted factors are drawn normal around the fit with its standard error (cut
at :data:`~sim.timetrial.facts.DRAW_SD` of them), the tied ratio and the car types' factors uniform on their
ranges, and a DNF time's reading among those that fit, with equal weights (the seed weighs none of them). The
drawn facts are then calibrated as the default ones are, so every finisher's elapsed time at the finish is the
table's whatever is drawn: only the shares of it between the roads, and the DNF cars' paces and stops, move.

Draw `index` of the sweep `seed` uses ``SeedSequence(seed, spawn_key=(index,))`` alone (as the circuit's draws).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.timetrial.facts import TimeTrialFacts, TrialRange


def generator(seed: int, index: int) -> np.random.Generator:
    """Draw `index`'s own generator: a function of (seed, index) alone, whatever the number of workers."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


def _normal(rng: np.random.Generator, r: TrialRange) -> float:
    return float(np.clip(rng.normal(r.value, r.sd), r.low, r.high))


def _uniform(rng: np.random.Generator, r: TrialRange) -> float:
    return float(rng.uniform(r.low, r.high))


def _choice(rng: np.random.Generator, r: TrialRange) -> float:
    return float(rng.integers(0, len(r.choices)))


DRAW = {"normal": _normal, "uniform": _uniform, "choice": _choice}


def draw_values(facts: TimeTrialFacts, seed: int, index: int) -> tuple[dict[str, float], int]:
    """({range name: drawn value}, a seed for the draw's calibration: the time trial's is deterministic)."""
    rng = generator(seed, index)
    values = {r.name: DRAW[r.shape](rng, r) for r in facts.ranges}
    return values, int(rng.integers(0, 2**31 - 1))


def _road_factor(facts: TimeTrialFacts, values: dict[str, float]) -> dict[str, float]:
    factors = dict(facts.road_factor)
    for name, value in values.items():
        if name.startswith("profile.") and name != "profile.tied.ratio":
            factors[name.removeprefix("profile.")] = value
    kind, of, ratio, _ = facts.profile.ratio
    factors[kind] = factors[of] * values.get("profile.tied.ratio", ratio)
    return factors


def with_values(facts: TimeTrialFacts, values: dict[str, float]) -> TimeTrialFacts:
    """The facts with each named range's value in place (names not in `values` keep the default's)."""
    if not values:
        return facts
    road_factor = _road_factor(facts, values) if facts.profile is not None else facts.road_factor
    if road_factor == facts.road_factor:
        road_factor = facts.road_factor
    type_factor = {t: values.get(f"car_type.{t}", f) for t, f in facts.type_factor.items()}
    readings = dict(facts.readings)
    for car, choices in facts.alternatives.items():
        if f"reading.{car}" in values:
            readings[car] = choices[int(values[f"reading.{car}"])]
    return replace(facts, road_factor=road_factor, type_factor=type_factor, readings=readings)


def draw_record(replay) -> dict:
    """What a Monte Carlo draw keeps of a time trial's replay: at each control, every car that passed it with its
    elapsed time there (whole seconds), by elapsed time; the winner is the first at the last control."""
    table, course = replay.table, replay.log.course
    controls = []
    for k, name in enumerate(course.mark_names):
        passed = sorted((int(round(float(table.crossings[car][k] - table.starts[car]))), car)
                        for car in table.cars if len(table.crossings[car]) > k)
        controls.append((name, tuple((car, elapsed) for elapsed, car in passed)))
    last = controls[-1][1] if controls else ()
    return {"controls": tuple(controls), "winner": last[0][0] if last else None,
            "order": tuple(car for car, _ in last), "margin_laps": None,
            "margin_s": float(last[1][1] - last[0][1]) if len(last) > 1 else None}
