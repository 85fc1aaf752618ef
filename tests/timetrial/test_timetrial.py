"""The 1957 Mille Miglia replayed as a time trial: whole timelines of named incidents, the acceptance checks of the
issue, invariants on synthetic routes and bad course data."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from helpers.trial_folders import copy_folder as _copy
from helpers.trial_folders import edit as _edit
from helpers.trial_folders import load as _load
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.cli import main
from sim.errors import RaceDataError
from sim.log import EventKind
from sim.pipeline import run_replay
from sim.timetrial.calibrate import calibrate
from sim.timetrial.course import Point, Route, read_course
from sim.timetrial.engine import run_cars
from sim.timetrial.facts import Reading, TimeTrialFacts
from sim.timetrial.plan import TrialCar, TrialPlan
from sim.timetrial.standings import control_standings, provisional, road_order, road_passes

RACE = "mille-miglia-1957"
FOLDER = Path(sim.__file__).parent / "races" / RACE
CONTROLS = ["Ravenna", "Pescara", "L'Aquila", "Roma", "Firenze", "Bologna", "Goito", "Brescia (finish)"]


@pytest.fixture(scope="module")
def mm():
    return run_replay(RACE)


@pytest.fixture(scope="module")
def standings_json(mm):
    from sim.timetrial.report import standings_json

    return standings_json(mm, control_standings(mm))


# -- the acceptance checks ---------------------------------------------------------------------------------------

def test_the_json_has_one_entry_per_control_in_route_order_the_finish_last(capsys, mm):
    assert main(["standings", RACE, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["race"] == RACE
    assert [s["control"] for s in data["standings"]] == CONTROLS
    assert [s["km"] for s in data["standings"]] == [300, 630, 740, 874, 1170, 1275, 1545, 1597]
    first = data["standings"][0]["order"][0]
    assert {"position", "car", "elapsed_s", "road_position", "status"} <= set(first)
    for entry in data["standings"]:
        elapsed = [o["elapsed_s"] for o in entry["order"]]
        assert (elapsed == sorted(elapsed)
                and [o["position"] for o in entry["order"]] == list(range(1, len(elapsed) + 1)))


def test_the_finish_lists_the_63_classified_cars_with_the_tables_times_to_the_second(mm, standings_json):
    finish = standings_json["standings"][-1]["order"]
    assert len(finish) == 63
    for row in finish:
        entry = mm.race.entry(row["car"])
        assert entry.status == "classified"
        assert row["elapsed_s"] == entry.elapsed.total_seconds()
        assert row["status"] == "finished" and row["published_position"] == entry.position


def test_the_finish_order_is_the_tables_except_where_its_own_times_contradict_its_positions(mm, standings_json):
    finish = [o["car"] for o in standings_json["standings"][-1]["order"]]
    table = [e.number for e in sorted(mm.race.starters, key=lambda e: e.position or 999) if e.status == "classified"]
    moved = {car for car, published in zip(finish, table) if car != published}
    assert moved == {"212", "206", "032", "006"}  # 257 keeps its place among them
    from sim.timetrial.report import report_data

    named = {c["id"] for c in report_data(mm)["conflicts"]}
    assert {"table-order-212", "table-order-206", "table-order-257", "table-order-032"} <= named


def test_taruffi_finishes_at_160247_on_12_may(mm):
    assert mm.facts.start + timedelta(seconds=float(mm.table.crossings["535"][-1])) == datetime(1957, 5, 12, 16, 2, 47)
    assert mm.table.starts["535"] == (datetime(1957, 5, 12, 5, 35) - mm.facts.start).total_seconds()


def test_the_checkpoint_report_totals_and_readings(mm):
    from sim.timetrial.report import report_data

    data = report_data(mm)
    assert data["totals"] == {"fitted": 14, "pass": 3, "conflict": 3}
    readings = {r["car"]: r for r in data["readings"]}
    assert len(readings) == 21  # every listed DNF
    assert readings["531"]["kind"] == "interpretation" and readings["531"]["control"] == "Roma"
    assert sum(r["kind"] == "default" for r in readings.values()) == 12
    assert all(c["note"] for c in data["checkpoints"] if c["status"] == "fitted")


# -- whole timelines of named incidents ----------------------------------------------------------------------------

def test_taruffi_catches_von_trips_on_the_road_and_reaches_brescia_side_by_side_three_minutes_ahead_on_time(mm):
    taruffi, von_trips = mm.runs["535"], mm.runs["532"]
    assert taruffi.start - von_trips.start == 180  # he left three minutes later
    times = np.arange(taruffi.start + 60, taruffi.clock[-1] - 60, 60.0)
    behind = [taruffi.km_at(t) < von_trips.km_at(t) for t in times]
    assert all(behind[: len(behind) - 5])  # behind von Trips on the road the whole way, catching him at the end
    arrivals = mm.table.crossings["535"][-1], mm.table.crossings["532"][-1]
    assert arrivals[1] - arrivals[0] == 1.0  # side by side into Brescia, Taruffi first on the road
    elapsed = [mm.table.crossings[c][-1] - mm.table.starts[c] for c in ("535", "532")]
    assert elapsed[1] - elapsed[0] == 181.0  # and three minutes ahead on time
    assert road_order(mm, arrivals[0] + 0.5).set_index("car").loc["535", "status"] == "finished"
    ((when, km),) = road_passes(mm, "535", "532")  # he caught him once, in sight of the finish
    assert arrivals[0] - 300 < when < arrivals[0] and 1545 < km < 1597  # after Goito, minutes from the line
    assert road_passes(mm, "532", "535") == []


def test_de_portago_passes_goito_and_stops_at_guidizzolo_leading_on_elapsed_time(mm):
    goito = CONTROLS.index("Goito")
    assert len(mm.table.crossings["531"]) == goito + 1  # passed Goito, never reached Brescia
    run = mm.runs["531"]
    assert run.km[-1] == 1560 and not run.finished
    assert mm.table.crossings["531"][CONTROLS.index("Roma")] - mm.table.starts["531"] == 5 * 3600 + 17 * 60 + 43
    end = next(e for e in mm.log.of("531") if e.kind == EventKind.RETIRED)
    assert end.reason.startswith("Fatal accident") and end.distance_km == 1560
    frame = provisional(mm, end.time - 1)  # what the timing screens showed just before the accident
    at_goito = frame[frame.control == "Goito"]
    assert at_goito.car.iloc[0] == "531"  # first on elapsed time of the cars last seen at Goito
    assert frame.car.iloc[0] == "531"  # and first of all: at Goito he was ahead of the winner's time there, which
    assert frame.gap_s.iloc[1] > 0  # the finishers (measured at Brescia, against the winner's time there) are not
    goito_order = control_standings(mm).query("control == 'Goito'")
    assert goito_order.car.iloc[0] == "531"  # as the Time-column reading has it: see conflicts.toml


def test_moss_and_herrmann_out_early_gottgens_short_of_florence(mm):
    assert mm.runs["537"].km[-1] == 10 and len(mm.table.crossings["537"]) == 0
    assert mm.runs["533"].km[-1] == 224 and len(mm.table.crossings["533"]) == 0  # not as far as Ravenna
    assert len(mm.table.crossings["309"]) == CONTROLS.index("Roma") + 1 and mm.runs["309"].km[-1] == 1160
    assert not any(c.drivers and "Behra" in " ".join(c.drivers) for c in mm.plan.cars)  # out before the start


def test_a_stop_time_reading_stops_the_car_at_its_time(mm):
    for car in ("534", "448", "337", "69", "39"):
        run, entry = mm.runs[car], mm.race.entry(car)
        assert run.clock[-1] - run.start == pytest.approx(entry.elapsed.total_seconds())
        assert 0 < run.km[-1] < 1597


def test_cars_whose_number_is_not_a_time_start_by_the_written_rule(mm):
    for car, minutes in (("73", 73), ("64", 64), ("77", 77)):
        plan = mm.plan.car(car)
        assert plan.start_by_rule
        assert mm.facts.start + timedelta(seconds=plan.start_s) == datetime(1957, 5, 12) + timedelta(minutes=minutes)
    from sim.timetrial.report import report_data

    assert any("car 73" in d and "not a time of day" in d for d in report_data(mm)["defaults"])


def test_standings_at_a_control_and_at_a_clock_time(capsys, mm):
    assert main(["standings", RACE, "--at", "Roma", "--format", "json"]) == 0
    roma = json.loads(capsys.readouterr().out)["standings"]
    assert [s["control"] for s in roma] == ["Roma"]
    assert main(["standings", RACE, "--at", "12:00", "--by", "road", "--format", "json"]) == 0
    road = json.loads(capsys.readouterr().out)["standings"][0]["order"]
    kms = [r["km"] for r in road if r["status"] == "running"]
    assert kms == sorted(kms, reverse=True)
    assert main(["standings", RACE, "--at", "noon"]) == 2
    assert "is not a control" in capsys.readouterr().err


def test_run_writes_the_control_standings_events_report_and_four_plots(tmp_path, capsys):
    assert main(["run", RACE, "--out", str(tmp_path)]) == 0
    names = {p.name for p in tmp_path.iterdir()}
    for stem in ("distance-time", "controls", "gaps", "road-vs-elapsed"):
        assert {stem + ".png", stem + ".svg"} <= names
    assert (tmp_path / "standings.csv").read_text().startswith("control,km,position,car")
    report = (tmp_path / "checkpoints.md").read_text()
    assert "The Time column of the cars that did not finish" in report and "| 531 | 5:17:43 |" in report


# -- the race data is the seed's --------------------------------------------------------------------------------

def test_every_quote_of_the_race_data_is_in_the_seed(mm):
    seed = Path(mm.race.source_file).read_text(encoding="utf-8")
    quotes = [e.quote for e in mm.facts.events] + [c.quote for c in mm.facts.checkpoints]
    quotes += [r.quote for r in mm.facts.readings.values() if r.quote]
    quotes += [s for c in mm.facts.conflicts for s in c.sources]
    assert len(quotes) > 30 and all(q in seed for q in quotes)
    assert {"behra-out-before-start", "moss-brake-pedal", "herrmann-before-ravenna", "gottgens-near-florence",
            "de-portago-guidizzolo"} <= {e.id for e in mm.facts.events}


def test_the_course_keeps_its_source_and_basis_columns():
    header = (FOLDER / "course.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "order,point,km_from_brescia,km_basis,timing,road_to_next,source"


# -- bad course data ---------------------------------------------------------------------------------------------

def test_a_control_out_of_route_order_names_it(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "race.toml", '"Pescara", "L\'Aquila"', '"L\'Aquila", "Pescara"')
    with pytest.raises(RaceDataError, match="is out of route order") as raised:
        _load(folder)
    assert raised.value.value == "Pescara" and raised.value.file.endswith("course.csv")


def test_a_negative_distance_names_its_line(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "course.csv", "2,Verona,66,", "2,Verona,-66,")
    with pytest.raises(RaceDataError, match="must be 0-10000 km") as raised:
        _load(folder)
    assert raised.value.line == 3 and raised.value.key == "km_from_brescia"


def test_a_point_nearer_than_the_one_before_it(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "course.csv", "3,Vicenza,117,", "3,Vicenza,60,")
    with pytest.raises(RaceDataError, match="must be beyond the point before it"):
        _load(folder)


def test_a_start_after_a_cars_start(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "race.toml", 'start = "1957-05-11T23:48:00"', 'start = "1957-05-12T06:00:00"')
    with pytest.raises(RaceDataError, match="is after car .*'s start") as raised:
        _load(folder)
    assert raised.value.key == "race.start"


def test_a_reading_that_cannot_be_the_moment_of_the_stop(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "conflicts.toml", 'means = "elapsed-at-control"\ncontrol = "Roma"\nstop_at = "Guidizzolo"',
          'means = "elapsed-at-control"\ncontrol = "Goito"\nstop_at = "Firenze"')
    with pytest.raises(RaceDataError, match="is before the control Goito"):
        _load(folder)


def test_an_unknown_road_kind(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "course.csv", "2,Verona,66,road estimate,passage,plain", "2,Verona,66,road estimate,passage,gravel")
    with pytest.raises(RaceDataError, match="must be one of plain, coast, hills, mountain"):
        _load(folder)


# -- invariants on synthetic routes ------------------------------------------------------------------------------

def _route(kms, roads) -> Route:
    points = [Point(1, "start", 0.0, "", "start", roads[0], "", 2)]
    for i, km in enumerate(kms[:-1], start=2):
        points.append(Point(i, f"C{i}", km, "", "control", roads[(i - 1) % len(roads)], "", i + 1))
    points.append(Point(len(kms) + 1, "finish", kms[-1], "", "finish", "", "", len(kms) + 2))
    return Route(tuple(points), tuple(range(1, len(points))))


def _facts(route: Route) -> TimeTrialFacts:
    return TimeTrialFacts("synthetic", datetime(2000, 1, 1, 22, 0), 48 * 3600.0, route,
                          {"plain": 1.0, "coast": 1.1, "hills": 1.2, "mountain": 1.5}, "minutes-after-midnight", 0.5,
                          {}, (), (), (), Path("."))


@st.composite
def trials(draw):
    n = draw(st.integers(2, 6))
    steps = draw(st.lists(st.floats(5, 400), min_size=n, max_size=n))
    kms = list(np.cumsum(steps))
    roads = draw(st.lists(st.sampled_from(["plain", "coast", "hills", "mountain"]), min_size=1, max_size=n))
    route = _route(kms, roads)
    cars = []
    for i in range(draw(st.integers(1, 5))):
        start = draw(st.integers(0, 300)) * 60.0
        elapsed = float(draw(st.integers(3600, 20 * 3600)))
        cars.append(TrialCar(str(i + 1), "X", "M", ("D",), None, "classified", i + 1, start, elapsed))
    for i in range(draw(st.integers(0, 3))):  # cars that stop on the road, somewhere short of the finish
        stop = draw(st.floats(0.5, 0.99)) * kms[-1]
        reading = Reading(f"d{i}", "none", "synthetic", stop_km=stop)
        cars.append(TrialCar(f"d{i}", "X", "M", ("D",), None, "DNF", None, draw(st.integers(0, 300)) * 60.0, None,
                             reading))
    return TrialPlan(_facts(route), tuple(cars))


@settings(max_examples=40, deadline=None)
@given(trials())
def test_elapsed_never_decreases_controls_in_order_no_car_before_its_start(plan):
    calibration = calibrate(plan)
    log, runs = run_cars(plan, calibration)
    for car in plan.cars:
        passings = log.passings[car.number]
        reached = [km for km in plan.facts.route.marks_km if km <= runs[car.number].km[-1]]
        assert len(passings) == len(reached)  # every control it reached, in route order
        assert np.all(np.diff(passings) > 0) and (not len(passings) or passings[0] > car.start_s)
        assert np.all(np.diff(runs[car.number].clock) >= 0) and np.all(np.diff(runs[car.number].km) > 0)
        if car.status == "classified":
            assert passings[-1] - car.start_s == car.elapsed_s  # the table's time, exactly
        else:
            assert runs[car.number].km[-1] == pytest.approx(car.reading.stop_km)
        assert runs[car.number].km_at(car.start_s - 1) == 0.0
        marks = [e.mark for e in log.of(car.number, [EventKind.PASSING])]
        assert marks == sorted(marks) == list(range(1, len(passings) + 1))
    starts = {e.car: e.time for e in log if e.kind == EventKind.START}
    assert all(e.time >= starts[e.car] for e in log)


def test_a_course_without_a_finish_is_refused(tmp_path):
    path = tmp_path / "course.csv"
    path.write_text("order,point,km_from_a,km_basis,timing,road_to_next,source\n1,A,0,s,start,plain,x\n2,B,10,s,control,plain,x\n",
                    encoding="utf-8")
    with pytest.raises(RaceDataError, match="the last point must be the finish"):
        read_course(path, ("B",))


def test_the_time_trial_room_names_no_race_car_make_or_place():
    import re

    room = Path(sim.__file__).parent / "timetrial"
    forbidden = re.compile(r"mille-miglia|Brescia|Roma|Ferrari|Maserati|Taruffi|\"5[0-9]{2}\"")
    for path in room.glob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if forbidden.search(line) and not line.lstrip().startswith(('"""', "#")) and n > 1:
                raise AssertionError(f"{path.name}:{n}: {line.strip()}")


def test_a_finish_before_the_start_is_refused(tmp_path):
    path = tmp_path / "course.csv"
    path.write_text("order,point,km_from_a,km_basis,timing,road_to_next,source\n1,A,0,s,start,plain,x\n"
                    "2,B,10,s,control,plain,x\n3,Z,5,s,finish,,x\n", encoding="utf-8")
    with pytest.raises(RaceDataError, match="must be beyond the point before it") as raised:
        read_course(path, ("B",))
    assert raised.value.line == 4


def test_plot_draws_a_time_trial_chart_and_refuses_a_circuit_one(tmp_path, capsys):
    assert main(["plot", RACE, "--kind", "controls", "--out", str(tmp_path) + "/"]) == 0
    assert (tmp_path / "controls.png").stat().st_size > 0 and (tmp_path / "controls.svg").stat().st_size > 0
    assert main(["plot", RACE, "--kind", "positions", "--out", str(tmp_path) + "/"]) == 2
    assert "is not a plot of a time-trial race" in capsys.readouterr().err


def test_the_plot_functions_return_figures_and_draw_on_a_given_axes(mm):
    from matplotlib.figure import Figure

    from sim.timetrial import plots

    for chart in plots.CHARTS.values():
        assert isinstance(chart(mm), Figure)
    fig = Figure()
    ax = fig.add_subplot()
    assert plots.gap_chart(mm, ax=ax) is fig


def test_every_time_trial_checkpoint_kind_has_one_judging_function():
    from sim.timetrial.claims import CLAIM_KEYS, CLAIMS

    assert sorted(CLAIMS.kinds) == sorted([*CLAIM_KEYS, "not_evaluated"])
