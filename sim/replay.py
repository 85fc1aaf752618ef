"""The pipeline in one call: source document -> race facts -> plan -> calibration -> SimPy replay -> log.

>>> replay = run_replay("le-mans-1957")          # doctest: +SKIP
>>> replay.standings(hour=9).head()              # doctest: +SKIP
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from sim.circuit.calibrate import DEFAULT_SEED, Calibration, calibrate
from sim.clock import HOUR, clock_label
from sim.circuit.engine import run_cars
from sim.log import EVENT_COLUMNS, EventLog
from sim.errors import RaceDataError
from sim.records import Race
from sim.circuit.plan import RacePlan, build_plan
from sim.facts import RACES_DIR, RaceFacts, load_facts
from sim.standings import Progress, hourly_standings, standings_at


@dataclass(frozen=True)
class Replay:
    race: Race
    facts: RaceFacts
    plan: RacePlan
    calibration: Calibration
    log: EventLog
    table: Progress
    runs: dict
    label: str = "real race"

    def standings(self, hour: float | None = None, seconds: float | None = None) -> pd.DataFrame:
        """Standings at a race hour (1-24, fractions allowed) or at `seconds` from the start."""
        t = seconds if seconds is not None else (hour or 0) * HOUR
        return standings_at(self.table, t)

    def hourly(self) -> pd.DataFrame:
        return hourly_standings(self.table)

    def events_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(list(self.log), columns=EVENT_COLUMNS)
        frame.insert(1, "clock", [clock_label(t, self.facts.start, with_seconds=True) for t in frame["time"]])
        return frame

    def clock(self, seconds: float) -> str:
        return clock_label(seconds, self.facts.start)


def _seed_text(race: Race) -> str:
    with open(race.source_file, encoding="utf-8") as fh:
        return fh.read()


@functools.lru_cache(maxsize=8)
def prepare(race_id: str, seed: int = DEFAULT_SEED) -> tuple[Race, RaceFacts, RacePlan, Calibration]:
    """Parse, load the facts, plan and calibrate (cached: calibration takes about a second)."""
    from sim.sources import load_race

    race = load_race(race_id)
    if not (RACES_DIR / race.id / "race.toml").exists():
        raise RaceDataError("this race has no replay data (only le-mans-1957 can be replayed so far)", key="race", value=race_id)
    facts = load_facts(race, _seed_text(race))
    plan = build_plan(race, facts)
    fastest = race.statistics.get("fastest_lap_s")
    if not fastest:
        raise RaceDataError("the source gives no fastest lap to bound the pace", file=race.source_file, key="Statistics")
    return race, facts, plan, calibrate(plan, fastest, seed)


def replay_plan(race: Race, facts: RaceFacts, plan: RacePlan, calibration: Calibration, label: str = "real race") -> Replay:
    """Run the SimPy replay of a plan with a calibration's paces."""
    log, runs = run_cars(plan, calibration.paces)
    return Replay(race, facts, plan, calibration, log, Progress.from_log(log, plan), runs, label)


def run_replay(race_id: str = "le-mans-1957", seed: int | None = None) -> Replay:
    """Replay a race as the sources tell it."""
    race, facts, plan, calibration = prepare(race_id, DEFAULT_SEED if seed is None else seed)
    return replay_plan(race, facts, plan, calibration)
