"""The time trial's replay: the facts of a race (its folder), its plan, its calibration and the SimPy run, and
what a replay of a time trial needs (:data:`REPLAY`)."""


from __future__ import annotations

from sim.records import Race
from sim.replays import ReplayKind
from sim.timetrial.calibrate import TrialCalibration, calibrate
from sim.timetrial.claims import CLAIMS
from sim.timetrial.engine import run_cars
from sim.timetrial.facts import TimeTrialFacts, load_facts
from sim.timetrial.plan import TrialPlan, build_plan
from sim.timetrial.standings import control_names, named_standings


def facts_for(race: Race, seed_text: str) -> TimeTrialFacts:
    """The race's folder of facts (a time trial cannot be replayed without its route)."""
    return load_facts(race, seed_text)


def prepare(race: Race, facts: TimeTrialFacts, seed: int,
            rules: dict | None = None) -> tuple[TrialPlan, TrialCalibration]:
    plan = build_plan(race, facts)
    return plan, calibrate(plan, seed)


def simulate(plan: TrialPlan, calibration: TrialCalibration, paces: dict | None = None):
    return run_cars(plan, calibration, paces)


REPLAY = ReplayKind("time-trial", "controls", ("elapsed", "road"), CLAIMS, simulate, named_standings, control_names)
