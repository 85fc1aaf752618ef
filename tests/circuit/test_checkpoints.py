"""The checkpoint report as a whole, and the anchors that place one car against another."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from helpers.race_folders import broken

from sim.checkpoints import check
from sim.circuit.calibrate import calibrate
from sim.circuit.engine import run_cars
from sim.circuit.facts import load_facts
from sim.circuit.plan import Anchor, build_plan
from sim.clock import parse_clock
from sim.errors import CalibrationError, RaceDataError


@pytest.fixture(scope="module")
def report(replay):
    return check(replay)


def test_every_checkpoint_passes_or_is_fitted_or_a_source_conflict(report):
    statuses = {c["id"]: c["status"] for c in report["checkpoints"]}
    assert {s for s in statuses.values()} <= {"pass", "fitted", "conflict"}, {
        k: s for k, s in statuses.items() if s not in ("pass", "fitted", "conflict")}
    # the one conflict is the crash time; the report says which source the replay follows
    assert [k for k, s in statuses.items() if s == "conflict"] == ["brooks-crash-time"]
    assert report["totals"]["pass"] >= 15


def test_a_fitted_checkpoint_names_every_event_fitted_to_it(report):
    nine_pm = next(c for c in report["checkpoints"] if c["id"] == "nine-pm-order")
    for event in ("hamilton-hard-race", "belgian-jaguar-outside-top-six-at-nine",
                  "los-amigos-jaguar-outside-top-six-at-nine"):
        assert f"(event {event})" in nine_pm["note"]


def laps_and_crossing(replay, car, t):
    n = replay.table.laps_at(car, t)
    return n, replay.table.crossings[car][n - 1]


def test_storez_is_on_the_ferraris_lap_at_ten_then_falls_back_to_run_out_of_fuel(replay):
    ten = parse_clock("10:00", replay.facts.start)
    (porsche, p_cross), (ferrari, f_cross) = laps_and_crossing(replay, "34", ten), laps_and_crossing(replay, "8", ten)
    assert porsche == ferrari and f_cross < p_cross  # same lap, behind
    # 275 laps at the end: after 10 am it runs far slower than the Ferrari's 300
    assert replay.table.laps_at("34", replay.facts.duration_s) == 275
    assert replay.table.laps_at("8", replay.facts.duration_s) - ferrari > 275 - porsche + 10


def test_brooks_gains_two_minutes_on_bueb_in_the_two_hours_after_taking_over(replay):
    [takeover, *_] = [e.time for e in replay.log
                      if e.car == "20" and e.kind == "driver_change" and e.driver == "Tony Brooks"]
    gaps = []
    for t in (takeover, takeover + 2 * 3600):
        n = replay.table.laps_at("20", t)
        gaps.append(replay.table.crossings["20"][n - 1] - replay.table.crossings["3"][n - 1])
    assert gaps[0] == pytest.approx(240, abs=30) and gaps[1] == pytest.approx(120, abs=30)


def test_the_hugus_porsche_is_outside_the_half_distance_top_ten_yet_eighth_at_the_flag(replay):
    four_am = parse_clock("04:00", replay.facts.start)
    order = [row[0] for row in replay.table.order_at(four_am)]
    assert order[8:10] == ["62", "31"] and order.index("35") >= 10
    assert replay.standings(hour=24).set_index("car").loc["35", "position"] == 8


def plan_with(race, seed_text, car, **anchor):
    plan = build_plan(race, load_facts(race, seed_text))
    cars = tuple(replace(c, anchors=c.anchors + (Anchor("test-anchor", **anchor),)) if c.number == car else c
                 for c in plan.cars)
    return replace(plan, cars=cars)


def test_an_anchor_places_a_lap_seconds_behind_another_cars(race, seed_text):
    plan = plan_with(race, seed_text, "62", lap=100, window=None, relative_to="35", by=(30.0, 31.0))
    cal = calibrate(plan, fastest_lap_s=238.7)
    _, runs = run_cars(plan, cal.paces)
    gap = runs["62"].crossings[99] - runs["35"].crossings[99]
    assert 30.0 <= gap <= 31.0


def test_an_anchor_at_a_moment_puts_the_car_on_the_other_cars_lap_less_laps_behind(race, seed_text):
    at = parse_clock("06:00", load_facts(race, seed_text).start)
    plan = plan_with(race, seed_text, "28", lap=None, window=None, relative_to="31", at=at, laps_behind=-2)
    cal = calibrate(plan, fastest_lap_s=238.7)
    _, runs = run_cars(plan, cal.paces)
    laps = {car: int(np.searchsorted(runs[car].crossings, at, side="right")) for car in ("28", "31")}
    assert laps["28"] == laps["31"] + 2
    flag = plan.facts.duration_s  # and it still ends on its table laps
    assert int(np.searchsorted(runs["28"].crossings, flag, side="right")) == plan.car("28").laps


def test_cars_placed_against_each_other_in_a_circle_cannot_be_fitted(race, seed_text):
    at = parse_clock("08:00", load_facts(race, seed_text).start)
    plan = plan_with(race, seed_text, "31", lap=None, window=None, relative_to="62", at=at)
    plan = replace(plan, cars=tuple(
        replace(c, anchors=c.anchors + (Anchor("back", None, None, relative_to="31", at=at),))
        if c.number == "62" else c
        for c in plan.cars))
    with pytest.raises(CalibrationError) as err:
        calibrate(plan, fastest_lap_s=238.7)
    assert str(err.value).startswith("cars placed against each other in a circle (")
    assert "test-anchor" in str(err.value) and "back" in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('relative_to = "8"\nside = "behind"\nfits = "ten-am-ferrari-porsche-same-lap"',
         'relative_to = "8"\nside = "beside"\nfits = "ten-am-ferrari-porsche-same-lap"',
         ("events.toml: is not one of ahead, behind, either "
          "(key 'event.storez-on-the-ferraris-lap-at-ten.side', car 34, value 'beside')")),
        ('relative_to = "3"\nby = [235, 245]', 'relative_to = "3"\nby = [245, 235]',
         ("events.toml: is not a [from, to] pair of seconds, from < to "
          "(key 'event.brooks-four-minutes-behind-at-takeover.by', car 20, value [245, 235])")),
        ('relative_to = "3"\nby = [235, 245]', 'relative_to = "99"\nby = [235, 245]',
         ("events.toml: names a car that did not start this race "
          "(key 'event.brooks-four-minutes-behind-at-takeover.relative_to', car 20, value '99')")),
        ('relative_to = "3"\nby = [235, 245]', 'relative_to = "20"\nby = [235, 245]',
         ("events.toml: cannot place a car against itself "
          "(key 'event.brooks-four-minutes-behind-at-takeover.relative_to', car 20, value '20')")),
        ('lap = 62\nrelative_to = "3"\nby = [235, 245]', 'lap = 62\nrelative_to = "3"\nby = [235, 245]\nat = "20:30"',
         ("events.toml: an anchor is `lap` + `window`, `lap` + `relative_to` + `by`, "
          "or a moment + `relative_to` (+ `laps_behind`, `side`), "
          "the moment `at` or `at_event` (+ `at_edge`, `offset_minutes`); this one has at, by, lap, relative_to "
          "(key 'event.brooks-four-minutes-behind-at-takeover.lap', car 20, value 62)")),
        ('relative_to = "8"\nside = "behind"\nfits = "ten-am-ferrari-porsche-same-lap"',
         'relative_to = "8"\nside = "behind"\nlaps_behind = 1\nfits = "ten-am-ferrari-porsche-same-lap"',
         ("events.toml: applies only on the other car's own lap (laps_behind = 0) "
          "(key 'event.storez-on-the-ferraris-lap-at-ten.side', car 34, value 'behind')")),
    ],
)
def test_a_bad_anchor_names_file_key_value_and_car(tmp_path, race, seed_text, old, new, message):
    folder = broken(tmp_path, "events.toml", old, new)
    with pytest.raises(RaceDataError) as err:
        load_facts(race, seed_text, folder)
    assert str(err.value) == message


def test_a_bad_driver_change_moment_names_the_key(tmp_path, race, seed_text):
    folder = broken(tmp_path, "checkpoints.toml",
                    'driver = "Tony Brooks", nth = 1 }\nkind = "gap_seconds"\ncar = "20"\nahead = "3"\nvalue = 240',
                    'driver = "Tony Brooks", nth = 0 }\nkind = "gap_seconds"\ncar = "20"\nahead = "3"\nvalue = 240')
    with pytest.raises(RaceDataError) as err:
        load_facts(race, seed_text, folder)
    assert "key 'checkpoint.brooks-four-minutes-behind.at_driver_change'" in str(err.value)


def test_a_driver_change_to_someone_who_never_drove_the_car_is_refused(tmp_path, race, seed_text):
    folder = broken(tmp_path, "checkpoints.toml",
                    'driver = "Tony Brooks", nth = 1 }\nkind = "gap_seconds"\ncar = "20"\nahead = "3"\nvalue = 240',
                    'driver = "Roy Salvadori", nth = 1 }\nkind = "gap_seconds"\ncar = "20"\nahead = "3"\nvalue = 240')
    with pytest.raises(RaceDataError) as err:
        load_facts(race, seed_text, folder)
    assert str(err.value) == ("checkpoints.toml: names no driver of car 20 (Noël Cunningham-Reid, Tony Brooks) "
                              "(key 'checkpoint.brooks-four-minutes-behind.at_driver_change', value 'Roy Salvadori')")


def test_an_anchor_behind_another_car_slows_the_car_onto_its_lap(race, seed_text):
    at = parse_clock("06:00", load_facts(race, seed_text).start)
    plan = plan_with(race, seed_text, "28", lap=None, window=None, relative_to="31", at=at, side="behind")
    cal = calibrate(plan, fastest_lap_s=238.7)
    _, runs = run_cars(plan, cal.paces)
    lap = int(np.searchsorted(runs["31"].crossings, at, side="right"))
    assert int(np.searchsorted(runs["28"].crossings, at, side="right")) == lap
    assert runs["31"].crossings[lap - 1] < runs["28"].crossings[lap - 1] < at


def test_an_anchor_no_pace_can_meet_names_its_event(race, seed_text):
    plan = plan_with(race, seed_text, "62", lap=100, window=None, relative_to="35", by=(-30000.0, -29000.0))
    with pytest.raises(CalibrationError) as err:
        calibrate(plan, fastest_lap_s=238.7)
    assert str(err.value).startswith("no pace can satisfy lap 100 within its window (test-anchor)")
    assert str(err.value).endswith("(key 'event.test-anchor', car 62, value 100)")


def test_the_report_lists_the_evidence_and_says_which_passes_are_only_within_tolerance(replay):
    from sim.circuit.report import markdown, report_data

    data = report_data(replay)
    text = markdown(data, replay)
    passes = [c for c in data["checkpoints"] if c["status"] == "pass"]
    assert f"**The evidence**: {len(passes)} statements the replay meets without having been fitted to them" in text
    evidence = text.split("**The evidence**")[1].split("## Checkpoints")[0]
    assert evidence.count("\n- ") == len(passes)
    assert "- 02:19 maglioli-seventh-at-crash: published 7, replay 8 (off by 1, within its tolerance)" in evidence
    assert "- 04:00 half-distance-arents-laps: published 147, replay 147\n" in evidence


def test_every_checkpoint_kind_the_facts_accept_has_one_judging_function():
    from sim.circuit.claims import CLAIMS
    from sim.circuit.facts import CLAIM_KEYS

    assert sorted(CLAIMS.kinds) == sorted(CLAIM_KEYS)

