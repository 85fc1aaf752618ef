"""Anchors at another car's event: the moment a car is placed at moves with the draws (issue 12).

A fixed clock time ("07:41", "02:15") placed Storez ahead of Rousselle and the Jaguars 1-2-3-4 where the default
replay has Rousselle's pit stop and Brooks's crash; in a draw with a shorter halt at Mulsanne or a later crash the
fixed moment fell inside the other car's stop and no pace could meet it (22 of 24 draws failed). Tied to the event,
the placing is where the sources put it, whatever the draw.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from helpers.race_folders import broken

from sim import kinds
from sim.circuit.calibrate import _resolve
from sim.circuit.chartdata import position_at
from sim.circuit.draws import draw_values, with_values
from sim.circuit.engine import CarRun
from sim.circuit.facts import load_facts
from sim.circuit.plan import Anchor
from sim.errors import CalibrationError, RaceDataError
from sim.montecarlo.run import base
from sim.pipeline import replay_plan

STOREZ_ANCHOR = ('at_event = "rousselle-pit-repair"\nat_edge = "start"\noffset_minutes = 0.5\nrelative_to = "16"')


def _ahead(replay, car: str, other: str, t: float) -> bool:
    return position_at(replay, car, t) < position_at(replay, other, t)


def _pit_entry(replay, car: str, cause: str) -> float:
    return next(e.time for e in replay.log if e.car == car and e.kind == "pit_in" and e.cause == cause)


def test_storez_is_ahead_of_rousselle_when_the_belgian_jaguar_reaches_the_pits(replay):
    t = _pit_entry(replay, "16", "rousselle-pit-repair") + 30.0
    assert _ahead(replay, "34", "16", t)


def test_the_belgian_and_los_amigos_jaguars_are_second_and_fourth_at_brookss_crash(replay):
    crash = replay.table.end["20"][0]
    assert _ahead(replay, "16", "15", crash) and _ahead(replay, "17", "8", crash)


@pytest.mark.parametrize("minutes", [35.0, 55.0])
def test_the_storez_placing_moves_with_the_length_of_rousselles_halt(minutes):
    race, facts = base("le-mans-1957")
    drawn = with_values(facts, {"event.rousselle-ignition-mulsanne.minutes": minutes})
    kind = kinds.replay_kind(race)
    plan, calibration = kind.prepare(race, drawn, 1957)
    replay = replay_plan(race, drawn, plan, calibration, label=f"halt {minutes:g} min")
    t = _pit_entry(replay, "16", "rousselle-pit-repair") + 30.0
    assert _ahead(replay, "34", "16", t)


def test_every_one_of_24_draws_over_all_ranges_calibrates():
    race, facts = base("le-mans-1957")
    kind = kinds.replay_kind(race)
    for i in range(24):
        values, noise = draw_values(facts, 1957, i)
        kind.prepare(race, with_values(facts, values), noise)  # raises CalibrationError if a draw cannot be fitted


def _runs(**crossings) -> dict[str, CarRun]:
    return {car: CarRun(crossings=list(times)) for car, times in crossings.items()}


class _Car:
    number, laps = "2", 20


@pytest.mark.parametrize(("at", "expected"), [
    # most of a lap past the line: ahead is a lap more, crossed before the moment
    (390.0, (4, (-np.inf, 389.0), 390.0)),
    (320.0, (3, (-np.inf, 299.0), 320.0)),  # just past the line: ahead is its lap, crossed before it
])
def test_ahead_of_a_car_is_its_lap_or_a_lap_more_by_how_far_round_it_is(at, expected):
    anchor = Anchor("a", None, None, relative_to="1", at=at, side="ahead")
    assert _resolve(anchor, _Car(), _runs(**{"1": [100.0, 200.0, 300.0]})) == expected


def test_an_anchor_at_an_event_is_placed_at_its_edge_plus_the_offset():
    runs = _runs(**{"1": [100.0, 200.0, 300.0, 900.0]})
    runs["1"].moments["halt"] = (310.0, 850.0)
    start = Anchor("a", None, None, relative_to="1", side="behind", at_event="halt", at_event_car="1", offset_s=30.0)
    assert _resolve(start, _Car(), runs) == (3, (301.0, 339.0), 340.0)
    end = replace(start, at_edge="end", offset_s=-10.0)
    assert _resolve(end, _Car(), runs)[2] == 840.0


@pytest.mark.parametrize(
    ("new", "message"),
    [
        (STOREZ_ANCHOR.replace("rousselle-pit-repair", "no-such-event"),
         "events.toml: names no event of this race (key 'event.storez-fifth-when-rousselle-rejoins.at_event', car 34, "
         "value 'no-such-event')"),
        (STOREZ_ANCHOR.replace("rousselle-pit-repair", "lewis-evans-failing-brakes"),
         "events.toml: is a pace event; an anchor's moment comes from a delay or a retirement (key "
         "'event.storez-fifth-when-rousselle-rejoins.at_event', car 34, value 'lewis-evans-failing-brakes')"),
        (STOREZ_ANCHOR.replace("rousselle-pit-repair", "storez-out-of-fuel"),
         "events.toml: is this car's own event: an anchor's moment comes from another car, fitted first (key "
         "'event.storez-fifth-when-rousselle-rejoins.at_event', car 34, value 'storez-out-of-fuel')"),
        (STOREZ_ANCHOR.replace('"start"', '"middle"'),
         "events.toml: is not one of start, end (key 'event.storez-fifth-when-rousselle-rejoins.at_edge', car 34, "
         "value 'middle')"),
        (STOREZ_ANCHOR.replace("0.5", '"half"'),
         "events.toml: is not a number (key 'event.storez-fifth-when-rousselle-rejoins.offset_minutes', car 34, "
         "value 'half')"),
    ],
)
def test_a_bad_anchor_at_an_event_names_file_key_value_and_car(tmp_path, race, seed_text, new, message):
    folder = broken(tmp_path, "events.toml", STOREZ_ANCHOR, new)
    with pytest.raises(RaceDataError) as err:
        load_facts(race, seed_text, folder)
    assert str(err.value) == message


def test_ahead_across_the_line_beyond_the_cars_laps_says_why_it_is_a_lap_more():
    class _Short:
        number, laps = "2", 3

    anchor = Anchor("a", None, None, relative_to="1", at=390.0, side="ahead")
    with pytest.raises(CalibrationError) as err:
        _resolve(anchor, _Short(), _runs(**{"1": [100.0, 200.0, 300.0]}))
    assert "car 1 has 3 laps and is most of a lap past the line, so ahead of it is lap 4, which is not one of this " \
           "car's 3 laps" in str(err.value)


def test_the_engine_records_the_moments_anchors_are_placed_at(replay):
    """The moments calibration reads off a fitted run are the log's: a pit stop from entry to exit, a retirement at
    the end of the car's race."""
    pit_in = next(e for e in replay.log if e.car == "16" and e.kind == "pit_in" and e.cause == "rousselle-pit-repair")
    pit_out = next(e for e in replay.log if e.car == "16" and e.kind == "pit_out" and e.cause == "rousselle-pit-repair")
    assert replay.runs["16"].moments["rousselle-pit-repair"] == pytest.approx((pit_in.time, pit_out.time))
    crash = replay.table.end["20"][0]
    assert replay.runs["20"].moments["brooks-crash-tertre-rouge"] == pytest.approx((crash, crash))
