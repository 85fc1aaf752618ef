"""The time-trial race kind: a point-to-point road race, each car timed from its own start (the Mille Miglia).

Its pieces: the route as data (:mod:`.course`), the facts (:mod:`.facts`: assumptions, the readings of the Time
column, narrative events, checkpoints), the plan, the calibration (each car's pace fitted so its elapsed time at the
finish is the table's), the SimPy engine (one process per car released at its start minute), the claims, the
control standings and the plots.
"""

from __future__ import annotations

from sim.records import Race
from sim.timetrial.calibrate import TrialCalibration, calibrate
from sim.timetrial.engine import run_cars
from sim.timetrial.facts import TimeTrialFacts, load_facts
from sim.timetrial.plan import TrialPlan, build_plan


def facts_for(race: Race, seed_text: str) -> TimeTrialFacts:
    """The race's folder of facts (a time trial cannot be replayed without its route)."""
    return load_facts(race, seed_text)


def prepare(race: Race, facts: TimeTrialFacts, seed: int, rules: dict | None = None) -> tuple[TrialPlan, TrialCalibration]:
    plan = build_plan(race, facts)
    return plan, calibrate(plan, seed)


def simulate(plan: TrialPlan, calibration: TrialCalibration, paces: dict | None = None):
    return run_cars(plan, calibration, paces)


def report_data(replay) -> dict:
    from sim.timetrial.report import report_data

    return report_data(replay)


def report_files(replay, data: dict | None = None) -> dict[str, str]:
    from sim.timetrial.report import report_files

    return report_files(replay, data)


def standings_report(replay, args) -> str:
    from sim.timetrial.report import standings_report

    return standings_report(replay, args)


PLOT_KINDS = ("distance-time", "controls", "gaps", "road-vs-elapsed")


def plots(replay, report: dict | None = None) -> dict[str, bytes]:
    from sim.timetrial.plots import render_all

    return render_all(replay)


def draw(replay, kind: str, top=None, car_class=None):
    """One plot by name (`race-replay plot --kind`): a Figure."""
    from sim.timetrial.plots import draw

    return draw(replay, kind, top=top, car_class=car_class)
