"""Which checkpoints rest on which anchors: take one anchor out, recalibrate, check again.

An anchor places a car's lap where a statement puts it, and the checkpoint it is taken from is reported "fitted".
Other checkpoints can still rest on it: a pass that is lost when the anchor goes is a cross-check of two published
statements through the model, not a statement the model meets on its own. This module measures that, one anchor
at a time (about a second of calibration each).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sim.checkpoints import check
from sim.circuit.calibrate import calibrate
from sim.circuit.replay import REPLAY
from sim.errors import CalibrationError, ScenarioError
from sim.replays import replay_of


@dataclass(frozen=True)
class AnchorDependence:
    event_id: str
    car: str
    changed: tuple[tuple[str, str, str], ...]  # (checkpoint, status with the anchor, status without it)
    error: str | None = None  # why the race cannot be calibrated without it (another anchor needs it)

    @property
    def passes_lost(self) -> tuple[str, ...]:
        return tuple(cid for cid, before, after in self.changed if before == "pass")


def anchor_ids(plan) -> list[str]:
    """Every anchor of a plan, in the order of the cars."""
    return [a.event_id for car in plan.cars for a in car.anchors]


def anchor_dependence(race, facts, plan, calibration, anchors: list[str] | None = None) -> list[AnchorDependence]:
    """For each anchor (default: all) of a prepared race, the checkpoints whose status changes when it is taken out."""
    known = anchor_ids(plan)
    for event_id in anchors or []:
        if event_id not in known:
            raise ScenarioError("is not an anchor of this race (see events.toml)", key="anchor", value=event_id)
    before = {c["id"]: c["status"] for c in check(replay_of(REPLAY, race, facts, plan, calibration))["checkpoints"]}
    fastest, seed = race.statistics["fastest_lap_s"], calibration.seed
    out = []
    for event_id in anchors or known:
        owner = next(c.number for c in plan.cars if any(a.event_id == event_id for a in c.anchors))
        cars = tuple(replace(c, anchors=tuple(a for a in c.anchors if a.event_id != event_id)) for c in plan.cars)
        without = replace(plan, cars=cars)
        try:
            recalibrated = calibrate(without, fastest, seed)
        except CalibrationError as err:
            out.append(AnchorDependence(event_id, owner, (), str(err)))
            continue
        after = {c["id"]: c["status"]
                 for c in check(replay_of(REPLAY, race, facts, without, recalibrated))["checkpoints"]}
        changed = tuple((cid, before[cid], after[cid]) for cid in before if after[cid] != before[cid])
        out.append(AnchorDependence(event_id, owner, changed))
    return out
