"""Race facts for a circuit race known only from its results tables (no race folder): every value a default.

The defaults and their reasons are data (``defaults.toml`` beside this module); what the document does give is
used instead: its title's number of hours, its published distance over the winner's laps for the lap length.
The facts list each default used (``RaceFacts.defaults``), and the report prints them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sim.circuit.facts import RaceFacts, Regulations, _read_assumptions
from sim.clock import HOUR
from sim.factfile import reader
from sim.records import Race

DEFAULTS_FILE = Path(__file__).with_name("defaults.toml")
_HOURS = re.compile(r"\b([0-9]{1,2}) Hours\b", re.ASCII)
_YEAR = re.compile(r"\b(1[89][0-9]{2}|20[0-9]{2})\b", re.ASCII)


def _defaults() -> dict:
    with DEFAULTS_FILE.open("rb") as fh:
        return tomllib.load(fh)


def _start_and_duration(race: Race, head: dict, used: list[str]) -> tuple[datetime, float]:
    title = race.title or ""
    year = _YEAR.search(title)
    hour, minute = (int(x) for x in head["start_clock"].split(":"))
    start = datetime(int(year[1]) if year else 1900, 6, 1, hour, minute)
    used.append(f"start: {head['start_clock']}: {head['start_reason']}")
    hours = _HOURS.search(title)
    if hours and 0 < int(hours[1]) <= 48:
        return start, int(hours[1]) * HOUR
    used.append(f"duration: {head['duration_hours']} h: {head['duration_reason']}")
    return start, head["duration_hours"] * HOUR


def _lap_length(race: Race, used: list[str]) -> float | None:
    distance = race.statistics.get("distance_km")
    winner = next((e for e in race.entries if e.position == 1), None)
    if distance and winner is not None and winner.laps:
        return distance / winner.laps
    used.append("lap length: unknown: the document gives no distance (or no winner's laps), so distances are not shown")
    return None


def default_facts(race: Race) -> RaceFacts:
    """The facts of a circuit race that has only its document: the defaults, with what the document gives."""
    doc, used = _defaults(), []
    start, duration_s = _start_and_duration(race, doc["race"], used)
    regs = doc["regulations"]
    regulations = Regulations(regs["min_laps_between_refuels"], regs["max_stint_laps"], float(regs["max_driver_hours"]),
                              float(regs["final_lap_limit_minutes"]))
    used.append(f"regulations: none: {regs['reason']}")
    table = {k: v for k, v in doc["assumptions"].items() if k != "retirement_at"}
    assumptions, _ = _read_assumptions(reader(DEFAULTS_FILE, table, "assumptions"), start, "")
    at = doc["assumptions"]["retirement_at"]
    assumptions = replace(assumptions, retirement_at=at["value"], open_ends=True,
                          reasons={**assumptions.reasons, "retirement_at": at["reason"]})
    used += [f"{name}: {item.get('value', item.get('factor', item.get('per_lap', item.get('sigma'))))}: "
             f"{item['reason']}"
             for name, item in doc["assumptions"].items()]
    used += [f"ends: {reason}" for reason in doc["ends"].values()]
    return RaceFacts(race.id, start, duration_s, _lap_length(race, used), regulations, assumptions, (), (), (),
                     Path(race.source_file).parent, tuple(used))


def pace_bound_s(race: Race, facts: RaceFacts) -> tuple[float, str | None]:
    """The quickest base lap any car may have: just under the race's fastest lap, or, where the document gives
    none, a share of the winner's average lap (and the default's text, for the report)."""
    fastest = race.statistics.get("fastest_lap_s")
    if fastest:
        return 0.97 * fastest, None  # no car's base lap may beat the race's fastest lap (less the scatter)
    bound = _defaults()["pace_bound"]
    winner = next((e for e in race.entries if e.position == 1 and e.laps), None)
    laps = winner.laps if winner else max((e.laps or 0 for e in race.starters), default=0) or 1
    share = bound["fraction_of_winner_average_lap"]
    return share * facts.duration_s / laps, f"pace bound: {share:g} x the winner's average lap: {bound['reason']}"
