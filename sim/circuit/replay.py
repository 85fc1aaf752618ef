"""The circuit's replay: the facts of a race (its folder, or the defaults), its plan, its calibration and the SimPy
run, and what a replay of a circuit needs (:data:`REPLAY`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sim.circuit.calibrate import Calibration, calibrate
from sim.circuit.claims import CLAIMS
from sim.circuit.defaults import default_facts, pace_bound_s
from sim.circuit.engine import run_cars
from sim.circuit.facts import RaceFacts, load_facts
from sim.circuit.plan import RacePlan, build_plan
from sim.factfile import RACES_DIR
from sim.records import Race
from sim.replays import ReplayKind
from sim.sources.manifest import read_manifest


def facts_for(race: Race, seed_text: str) -> RaceFacts:
    """The race's folder of facts if it has one, else the defaults for a document of this shape."""
    folder = RACES_DIR / race.id
    facts = load_facts(race, seed_text, folder) if _has_folder(race) else default_facts(race)
    _, note = pace_bound_s(race, facts)
    return replace(facts, defaults=facts.defaults + (note,)) if note else facts


def _has_folder(race: Race) -> bool:
    """A race folder belongs to the manifest's document of that id, not to any file that happens to share its name."""
    info = read_manifest().get(race.id)
    own = info is not None and Path(info.file).resolve() == Path(race.source_file).resolve()
    return own and (RACES_DIR / race.id / "race.toml").is_file()


def prepare(race: Race, facts: RaceFacts, seed: int, rules: dict | None = None) -> tuple[RacePlan, Calibration]:
    """Plan every starter's race and fit its pace."""
    plan = build_plan(race, facts, rules)
    bound, _ = pace_bound_s(race, facts)
    calibration = calibrate(plan, seed=seed, pace_bound_s=bound)
    if calibration.amended:  # a car given a default stop so its laps fit: the replay runs the car as calibrated
        plan = replace(plan, cars=tuple(calibration.amended.get(c.number, c) for c in plan.cars))
    return plan, calibration


def simulate(plan: RacePlan, calibration: Calibration, paces: dict | None = None):
    """Run the SimPy replay with the calibrated paces (or others, for a what-if): (event log, each car's run)."""
    return run_cars(plan, calibration.paces if paces is None else paces)


REPLAY = ReplayKind("circuit", "laps", ("distance",), CLAIMS, simulate)
