"""The circuit race kind: laps of a closed circuit from a common start, to a flag at a fixed time (Le Mans).

Its pieces: the plan (what the sources fix for each car), the calibration (each car's pace, fitted so its laps and
end are the sources'), the SimPy engine (one process per car) and the regulations checked on the log. A race with
a folder under ``sim/races/`` brings its narrative, checkpoints and assumptions; a document alone is replayed with
the defaults of ``defaults.toml``, each listed in the report.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sim.circuit.calibrate import Calibration, calibrate
from sim.circuit.defaults import default_facts, pace_bound_s
from sim.circuit.engine import run_cars
from sim.circuit.plan import RacePlan, build_plan
from sim.facts import RACES_DIR, RaceFacts, load_facts
from sim.records import Race

PLOT_KINDS = ("positions", "history", "class", "index")  # the plots of a circuit race, in the order run writes them
BAND_PLOT_KINDS = ("positions", "history")  # those that can shade Monte Carlo bands (sim.plots.charts.BAND_KINDS)


def facts_for(race: Race, seed_text: str) -> RaceFacts:
    """The race's folder of facts if it has one, else the defaults for a document of this shape."""
    folder = RACES_DIR / race.id
    facts = load_facts(race, seed_text, folder) if _has_folder(race) else default_facts(race)
    _, note = pace_bound_s(race, facts)
    return replace(facts, defaults=facts.defaults + (note,)) if note else facts


def _has_folder(race: Race) -> bool:
    """A race folder belongs to the manifest's document of that id, not to any file that happens to share its name."""
    from sim.sources.manifest import read_manifest

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
