"""Drawing the ranged values of a race's facts, and the facts with the drawn values in place."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.circuit.facts import RaceFacts
from sim.factfile import Range
from sim.standings import hourly_positions


def generator(seed: int, index: int) -> np.random.Generator:
    """Draw `index`'s own generator: a function of (seed, index) alone, whatever the number of workers."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


def _draw(rng: np.random.Generator, r: Range) -> float:
    if r.mode is None:
        return float(rng.uniform(r.low, r.high))
    return float(rng.triangular(r.low, r.mode, r.high))


def draw_values(facts: RaceFacts, seed: int, index: int) -> tuple[dict[str, float], int]:
    """({range name: drawn value in the TOML's unit}, the seed of the draw's lap-time scatter)."""
    rng = generator(seed, index)
    values = {r.name: _draw(rng, r) for r in facts.ranges}
    return values, int(rng.integers(0, 2**31 - 1))


def with_values(facts: RaceFacts, values: dict[str, float]) -> RaceFacts:
    """The facts with each named range's value replaced (names not in `values` keep theirs)."""
    assumptions, events = facts.assumptions, {e.id: e for e in facts.events}
    for r in facts.ranges:
        if r.name not in values:
            continue
        value = values[r.name] * r.scale
        if r.target[0] == "assumptions":
            _, name, index = r.target
            if index is not None:
                old = list(getattr(assumptions, name))
                old[index] = value
                value = tuple(old)
            assumptions = replace(assumptions, **{name: value})
        else:
            _, event_id, name = r.target
            events[event_id] = replace(events[event_id], **{name: value})
    return replace(facts, assumptions=assumptions, events=tuple(events[e.id] for e in facts.events))


def draw_record(replay) -> dict:
    """What a Monte Carlo draw keeps of a circuit replay: every car's position and laps at the end of each hour."""
    cars, positions, laps = hourly_positions(replay.table)
    return {"cars": tuple(cars), "positions": positions.astype(np.int16), "laps": laps.astype(np.int16)}
