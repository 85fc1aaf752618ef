"""A synthetic race small enough to know by heart (three cars, two hours), and random small races (Hypothesis).

The race is a tiny document ("2 Hours" in the title: a 2-hour race) replayed with the written defaults: a stop
every 30 laps (70 s, refuel and driver change), no night, no fog, no rules. Car 1 wins with 46 laps, car 3 is second
with 42, car 2 retires with 32 laps in the second hour ('Engine (2hr)': at 1.5 h, the middle of the hour).
"""

from __future__ import annotations

import dataclasses
import itertools
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers.documents import assert_acceptance, document
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.clock import HOUR
from sim.factfile import Checkpoint
from sim.log import END_KINDS, OUT_KINDS, EventKind
from sim.standings import positions_matrix, standings_at

TWO_HOURS = 2 * HOUR
RESULTS = [(1, "S5.0", "1", 46), (2, "S2.0", "3", 42)]
DNF = [("DNF", "S5.0", "2", 32, "Engine (2hr)")]
K = EventKind


@pytest.fixture(scope="module")
def race(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "two_hours.txt"
    path.write_text(document("1960 2 Hours of Testing", RESULTS, DNF), encoding="utf-8")
    return sim.replay(path)


def stops(replay, car):
    return [(e.kind, e.mark) for e in replay.log.of(car) if e.kind != K.PASSING]


# -- the race as a whole ----------------------------------------------------------------------------------


def test_the_title_makes_a_two_hour_race_that_meets_the_acceptance(race):
    assert race.facts.duration_s == TWO_HOURS
    assert race.plan.rules["stint_laps"] == 30
    assert_acceptance(race)


def test_a_tiny_race_replays_well_under_a_second(tmp_path):
    path = tmp_path / "timed.txt"
    path.write_text(document("1960 2 Hours of Timing", RESULTS, DNF), encoding="utf-8")
    started = time.perf_counter()
    sim.replay(path)  # parse, calibrate (nothing cached for this file) and replay
    assert time.perf_counter() - started < 1.0


def test_repr_is_short_and_names_the_race(race):
    text = repr(race)
    assert len(text) < 300
    assert text.startswith("<Replay two_hours (real race), seed 1957: 3 cars, 2 h, winner car 1 (46 laps), ")
    assert "<b>1960 2 Hours of Testing</b>" in race._repr_html_()


# -- timelines --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("car, laps", [("1", 46), ("3", 42)])
def test_a_finisher_starts_stops_once_at_lap_30_and_finishes_at_the_flag(race, car, laps):
    assert stops(race, car) == [(K.START, 0), (K.PIT_IN, 30), (K.DRIVER_CHANGE, 30), (K.PIT_OUT, 30),
                                (K.FINISHED, laps)]
    passings = race.log.of(car, [K.PASSING])
    assert [e.mark for e in passings] == list(range(1, laps + 1))
    times = {e.kind: e.time for e in race.log.of(car) if e.kind != K.PASSING}
    assert times[K.START] == 0.0 and times[K.FINISHED] == TWO_HOURS
    assert times[K.PIT_IN] == passings[29].time  # in at the end of lap 30
    assert times[K.PIT_OUT] - times[K.PIT_IN] == pytest.approx(70.0)  # the default stop
    assert passings[29].time < times[K.PIT_OUT] < passings[30].time
    assert passings[-1].time < TWO_HOURS < passings[-1].time + 300  # on its next lap at the flag
    pit_in = race.log.of(car, [K.PIT_IN])[0]
    assert (pit_in.refuel, pit_in.seconds, pit_in.cause) == (True, 70.0, "")
    # one driver to lap 30, the other from lap 31
    assert {e.driver for e in passings[:30]} == {f"Ann Able{car}"}
    assert {e.driver for e in passings[30:]} == {f"Bob Baker{car}"}


def test_the_retired_car_stops_at_lap_30_and_retires_with_32_laps_mid_second_hour(race):
    passings = race.log.of("2", [K.PASSING])
    assert [e.mark for e in passings] == list(range(1, 33))
    retired = race.log.of("2", [K.RETIRED])
    assert [(e.mark, e.reason) for e in retired] == [(32, "Engine")]
    assert retired[0].time == pytest.approx(1.5 * HOUR)  # the middle of the hour the table states
    assert passings[-1].time < retired[0].time
    assert [e.mark for e in race.log.of("2", [K.PIT_IN, K.PIT_OUT])] == [30, 30]
    assert not [e for e in race.log.of("2") if e.time > retired[0].time]


def test_every_car_starts_once_at_time_0(race):
    for car in race.table.cars:
        assert [(e.time, e.mark) for e in race.log.of(car, [K.START])] == [(0.0, 0)], car


def test_a_pit_stop_comes_after_the_passing_that_ends_its_lap(race):
    kinds = [(e.kind, e.mark) for e in race.log.of("1")]
    i = kinds.index((K.PIT_IN, 30))
    assert kinds[i - 1] == (K.PASSING, 30)


def test_the_whole_timeline_of_the_retired_car(race):
    expected = ([(K.START, 0)] + [(K.PASSING, lap) for lap in range(1, 31)]
                + [(K.PIT_IN, 30), (K.DRIVER_CHANGE, 30), (K.PIT_OUT, 30)]
                + [(K.PASSING, 31), (K.PASSING, 32), (K.RETIRED, 32)])
    assert [(e.kind, e.mark) for e in race.log.of("2")] == expected


# -- standings --------------------------------------------------------------------------------------------


def test_standings_at_several_instants(race):
    at = {h: race.standings(hour=h) for h in (0, 0.5, 1, 1.51, 2)}  # 1.51: just after car 2's end at 1:30
    for frame in at.values():
        assert sorted(frame.position) == [1, 2, 3] and sorted(frame.car) == ["1", "2", "3"]
        assert frame.position.tolist() == [1, 2, 3]
        assert frame.gap_laps.iloc[0] == 0
    # the start: the car numbers' order (no grid is known), not the entry (results table) order 1, 3, 2; no lap, no gap
    assert at[0].car.tolist() == ["1", "2", "3"]
    assert at[0].laps.tolist() == [0, 0, 0] and at[0].gap_s.isna().all()
    # car 1 leads throughout; car 2 runs ahead of car 3 until it retires
    assert at[0.5].car.tolist() == ["1", "2", "3"] and at[1].car.tolist() == ["1", "2", "3"]
    assert at[1].laps.iloc[0] == 23 and (at[1].gap_laps >= 0).all()
    assert at[1.51].car.tolist() == ["1", "3", "2"]
    assert at[1.51].status.tolist() == ["running", "running", "retired"]
    flag = at[2]
    assert list(zip(flag.car, flag.laps, flag.status, flag.gap_laps)) == [
        ("1", 46, "finished", 0), ("3", 42, "finished", 4), ("2", 32, "retired", 14)]
    assert flag.class_position.tolist() == [1, 1, 2]  # S5.0, S2.0, S5.0
    assert flag.drivers.tolist() == ["Ann Able1 / Bob Baker1", "Ann Able3 / Bob Baker3", "Cyd Cole2 / Dan Dorn2"]
    assert flag.team.tolist() == ["Team 1", "Team 3", "Team 2"]
    assert flag.make.tolist() == ["Jaguar", "Jaguar", "Ferrari"]
    assert flag.distance_km.isna().all()  # no Statistics: the lap length is unknown
    for column in ("drivers", "team", "class", "make", "car", "status"):
        assert str(flag[column].dtype) == "string"


def test_the_moment_can_be_a_clock_time_a_race_hour_seconds_or_a_timedelta(race):
    expected = race.standings(seconds=1.5 * HOUR)
    for same in (race.standings(at="17:30"), race.standings(at=1.5), race.standings(hour=1.5),
                 race.standings(at=timedelta(hours=1, minutes=30)),
                 race.standings(at=race.facts.start + timedelta(hours=1.5))):
        pd.testing.assert_frame_equal(same, expected)
    pd.testing.assert_frame_equal(race.standings(), race.standings(seconds=0.0))
    pd.testing.assert_frame_equal(race.standings(at="18:00"), race.standings(seconds=TWO_HOURS))  # the flag
    assert race.moment("16:00") == 0.0  # a 2-hour race: 16:00 is the start, not the flag of a day's race


@pytest.mark.parametrize("at", ["18:01", "15:59", 2.5, -0.1, timedelta(hours=3), "nonsense", True, [1]])
def test_a_moment_outside_the_race_or_unreadable_raises(race, at):
    with pytest.raises(sim.RaceReplayError) as raised:
        race.standings(at=at)
    assert raised.value.key == "at"


def test_an_unknown_order_raises(race):
    with pytest.raises(sim.RaceReplayError, match="is not an order"):
        race.standings(at=1, by="alphabet")


def test_a_circuit_is_ordered_by_distance_only(race):
    """On a circuit the road order is the distance order, so asking for it is a mistake named, not a silent copy."""
    pd.testing.assert_frame_equal(race.standings(at=1, by="distance"), race.standings(at=1))
    with pytest.raises(sim.RaceReplayError, match=r"is not an order of a circuit race \(distance\)"):
        race.standings(at=1, by="road")


# -- frames -----------------------------------------------------------------------------------------------


def test_events_frame_dtypes_and_values(race):
    events = race.events()
    assert str(events["time"].dtype) == "timedelta64[ns]"
    assert str(events["clock"].dtype) == "datetime64[ns]"
    assert str(events["kind"].dtype) == "category" and str(events["car"].dtype) == "string"
    assert len(events) == len(race.log)
    assert events["time"].is_monotonic_increasing
    assert (events["clock"] == pd.Timestamp(race.facts.start) + events["time"]).all()
    assert events["clock"].iloc[0] == pd.Timestamp("1960-06-01 16:00")
    assert events["time"].max() == pd.Timedelta(hours=2)
    assert events.groupby("car", observed=True).size().to_dict() == {c: len(race.log.of(c)) for c in "123"}


def test_laps_frame_dtypes_and_values(race):
    laps = race.laps()
    assert {c: str(t) for c, t in laps.dtypes.items()} == {
        "car": "string", "driver": "string", "lap": "int64", "lap_time": "timedelta64[ns]",
        "time": "timedelta64[ns]", "clock": "datetime64[ns]", "position": "int64", "pit_in": "bool",
        "pit_out": "bool", "distance_km": "float64"}
    assert laps.groupby("car").size().to_dict() == {"1": 46, "2": 32, "3": 42}
    for _car, rows in laps.groupby("car"):
        assert rows.lap.tolist() == list(range(1, len(rows) + 1))
        assert abs(rows.lap_time.sum() - rows.time.iloc[-1]) < pd.Timedelta(microseconds=1)  # add up from the start
        assert rows.loc[rows.pit_in, "lap"].tolist() == [30] and rows.loc[rows.pit_out, "lap"].tolist() == [31]
        assert rows.set_index("lap").loc[31, "lap_time"] > rows.set_index("lap").loc[32, "lap_time"] + pd.Timedelta(
            seconds=60)  # the lap out of the pits holds the 70 s stop
    assert laps.position.between(1, 3).all()
    first = laps[laps.lap == 1].sort_values("time")
    assert first.position.tolist() == [1, 2, 3]  # as each crossed the line at the end of lap 1


# -- checkpoints on the synthetic race --------------------------------------------------------------------


def claim(cid, kind, when, fitted=None, reason=None, tolerance=0.0, **claim):
    return Checkpoint(cid, kind, f"quote {cid}", "synthetic", when, tolerance=tolerance, fitted=fitted,
                      reason=reason, claim=claim)


def test_checkpoints_are_judged_on_the_synthetic_race(race):
    flag, hour = ("at", TWO_HOURS), ("at", HOUR)
    checkpoints = (
        claim("final-order", "order", flag, cars=["1", "3", "2"]),
        claim("winner-laps", "laps", flag, car="leader", laps=46),
        claim("gap-at-flag", "gap_laps", flag, car="3", ahead="1", value=4),
        claim("car-2-laps", "laps", ("at", 1.75 * HOUR), car="2", laps=32),
        claim("class-s5-at-1h", "class_order", hour, **{"class": "S5.0", "cars": ["1", "2"]}),
        claim("leader-throughout", "leader", ("during", (60.0, TWO_HOURS)), car="1"),
        claim("winner-pits", "pit_time", flag, car="1", seconds=70),
        claim("refuelled", "refuels_done", ("at", 1.9 * HOUR), min_refuels=1, share=0.5),
        claim("car-2-wins", "position", flag, car="2", position=1),
        claim("fitted-order", "order", flag, fitted="the table's classification", cars=["1", "3"]),
        claim("conflicting", "laps", flag, car="3", laps=43, conflict="table-laps"),
        claim("unjudged", "not_evaluated", ("none", None), reason="no timing data"),
    )
    replay = dataclasses.replace(race, facts=dataclasses.replace(race.facts, checkpoints=checkpoints))
    data = sim.check(replay)
    status = {c["id"]: c["status"] for c in data["checkpoints"]}
    assert status == {
        "final-order": "pass", "winner-laps": "pass", "gap-at-flag": "pass", "car-2-laps": "pass",
        "class-s5-at-1h": "pass", "leader-throughout": "pass", "winner-pits": "pass", "refuelled": "pass",
        "car-2-wins": "fail", "fitted-order": "fitted", "conflicting": "conflict", "unjudged": "not evaluated"}
    assert data["totals"] == {"pass": 8, "fail": 1, "fitted": 1, "conflict": 1, "not evaluated": 1}
    wrong = next(c for c in data["checkpoints"] if c["id"] == "car-2-wins")
    assert (wrong["published"], wrong["replay"], wrong["moment"]) == (1, 3, "18:00")
    assert data["conflicts"] == []  # no narrative: no source conflict


def test_a_document_race_has_no_checkpoints_to_judge(race):
    data = sim.check(race)
    assert (data["checkpoints"], data["totals"], data["conflicts"]) == ([], {}, [])


def test_the_checkpoints_frame_of_a_document_race_is_empty(race):
    assert race.checkpoints().empty


# -- random small races (Hypothesis) ----------------------------------------------------------------------

_names = itertools.count()
PACE_MARGIN = 1.03  # lap scatter (3 sigma = 1.2%) and tyre wear (0.05% a lap) at most


def _feasible_laps(winner: int, hour: int | None) -> tuple[int, int]:
    """The laps a car retiring in `hour` of a 2-hour race can have with the defaults: no quicker than the pace bound
    (0.75 x the winner's average lap), no slower than 1800 s a lap (calibration's slowest base lap)."""
    if hour is None:
        return 1, winner
    target = (hour - 0.5) * HOUR  # the middle of the stated hour
    bound = 0.75 * TWO_HOURS / winner
    stops = 70.0 if hour == 2 else 0.0
    most = int((target - 20.0 - stops) / (bound * PACE_MARGIN) - 0.5)
    least = int(np.ceil((target - 20.0) / (1800 * 0.988) - 0.5))
    return max(least, 1), most


@st.composite
def small_documents(draw):
    """2-5 starters of a 2-hour race: classified cars with 5-40 laps (a car needs 4 to last two hours at 1800 s a
    lap), sometimes an NC car, and retirements in hour 1 or 2 (or with no hour) with laps that fit that hour."""
    starters = draw(st.integers(2, 5))
    retired = draw(st.integers(0, starters - 1))
    winner = draw(st.integers(5, 40))
    others = sorted(draw(st.lists(st.integers(5, winner), min_size=starters - retired - 1,
                                  max_size=starters - retired - 1)), reverse=True)
    results, position = [(1, "S5.0", "1", winner)], 2
    for k, laps in enumerate(others):
        if draw(st.booleans()) and draw(st.booleans()):  # one in four not classified
            results.append(("NC", "S2.0", str(k + 2), laps))
        else:
            results.append((position, draw(st.sampled_from(["S5.0", "S2.0"])), str(k + 2), laps))
            position += 1
    dnf = []
    for k in range(retired):
        hour = draw(st.sampled_from([1, 2, None]))
        least, most = _feasible_laps(winner, hour)
        laps = draw(st.integers(least, most)) if most >= least and draw(st.integers(0, 5)) else 0
        reason = "Engine" if hour is None else f"Engine ({hour}hr)"
        dnf.append(("DNF", draw(st.sampled_from(["S5.0", "S2.0", "S1.5"])), str(len(results) + k + 1), laps, reason))
    return document("1960 2 Hours of Hypothesis", results, dnf)


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@settings(max_examples=25, deadline=None)
@given(text=small_documents(), seed=st.sampled_from([1957, 7]),
       instants=st.lists(st.floats(0.0, TWO_HOURS), min_size=3, max_size=25))
def test_invariants_of_random_small_races(scratch, text, seed, instants):
    path = scratch / f"random_{next(_names)}.txt"
    path.write_text(text, encoding="utf-8")
    replay = sim.replay(path, seed=seed)
    assert_acceptance(replay)  # table laps, classified order, retirement hours, defaults
    table = replay.table
    ts = np.sort(np.concatenate([instants, [0.0, HOUR, TWO_HOURS]]))
    cars, positions, laps = positions_matrix(table, ts)
    n = len(cars)
    for j, t in enumerate(ts):
        assert sorted(positions[:, j]) == list(range(1, n + 1))
        frame = standings_at(table, float(t))
        assert frame.position.tolist() == list(range(1, n + 1))
        assert dict(zip(frame.car, frame.position)) == {c: int(positions[i, j]) for i, c in enumerate(cars)}
    assert np.all(np.diff(laps, axis=1) >= 0)  # laps never decrease
    for i, car in enumerate(cars):
        entry = replay.race.entry(car)
        assert laps[i, -1] == entry.laps  # every car ends on its table laps
        end_t, kind = table.end[car]
        if kind not in {str(k) for k in OUT_KINDS}:
            continue
        # a retired car never comes back: nothing after its end, its laps and status frozen until the flag
        assert not [e for e in replay.log.of(car) if e.time > end_t]
        after = ts >= end_t
        assert np.all(laps[i, after] == entry.laps)
        assert all(table.status_at(car, t) in ("retired", "disqualified", "DSQ") for t in ts[after])
    for car in cars:
        assert len(replay.log.of(car, END_KINDS)) == 1
