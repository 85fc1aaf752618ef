"""Le Mans-shaped documents with no race folder, replayed with the written defaults (sim/circuit/defaults.toml).

The acceptance for every document: at the flag each car has its table laps, the classified order is the table's
(ties by the published order, NC cars after the classified), every retirement falls within its stated hour, and
the defaults used are listed (``replay.facts.defaults`` and "## Defaults used" in checkpoints.md). Documents are
small (3-7 cars): three in tests/data/documents/, the rest written to tmp_path by :func:`document`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from helpers.documents import assert_acceptance, document, end_event

import sim
from sim.cli import main
from sim.clock import HOUR
from sim.log import EventKind

DATA = Path(__file__).parents[1] / "data" / "documents"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"

DISTANCE = "Distance - 4185.0 km"
FASTEST = "Fastest Lap: Able, #3 Jaguar D-Type - 3:58.7secs 203.20 kp/h (126.15 mph)"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(path: Path, out: Path) -> str:
    """`race-replay run PATH --out OUT --no-plots`; returns checkpoints.md."""
    assert main(["run", str(path), "--out", str(out), "--no-plots"]) == 0
    for name in ("standings.csv", "events.csv", "checkpoints.md", "checkpoints.json"):
        assert (out / name).stat().st_size > 0
    return (out / "checkpoints.md").read_text(encoding="utf-8")


def assert_defaults_written(markdown: str, replay) -> None:
    assert "## Defaults used" in markdown
    section = markdown.split("## Defaults used", 1)[1].split("\n## ", 1)[0]
    for default in replay.facts.defaults:
        assert f"- {default}" in section


# -- (a) no narrative at all, with statistics -------------------------------------------------------------


def test_a_document_without_narrative_replays_with_its_distance_and_fastest_lap(tmp_path, capsys):
    path = DATA / "le_mans_no_narrative.txt"
    replay = sim.replay(path)
    assert_acceptance(replay)
    assert (replay.facts.events, replay.facts.checkpoints, replay.facts.conflicts) == ((), (), ())
    assert replay.facts.lap_length_km == pytest.approx(4185.0 / 310)
    assert replay.calibration.fastest_base_s == pytest.approx(0.97 * 238.7)
    assert not any(d.startswith(("lap length", "pace bound")) for d in replay.facts.defaults)
    assert not any(d.startswith("duration:") for d in replay.facts.defaults)  # the title names its 24 hours
    passings = replay.log.of("3", [EventKind.PASSING])
    assert [e.distance_km for e in passings[:2]] == pytest.approx([4185.0 / 310, 2 * 4185.0 / 310])
    assert replay.standings(seconds=replay.facts.duration_s).distance_km.iloc[0] == pytest.approx(4185.0)
    markdown = run_cli(path, tmp_path / "out")
    assert_defaults_written(markdown, replay)
    assert f"lap length: {round(4185.0 / 310, 5)} km" in markdown
    assert "winner car 3 (310 laps)" in repr(replay)
    assert "At the flag: 1. car 3 (Jaguar, 310 laps), 2. car 15" in capsys.readouterr().out


# -- (b) no Statistics section ----------------------------------------------------------------------------


def test_a_document_without_statistics_has_an_unknown_lap_length_and_the_default_pace_bound(tmp_path):
    path = DATA / "le_mans_no_statistics.txt"
    replay = sim.replay(path)
    assert_acceptance(replay)
    assert replay.race.statistics == {}
    assert replay.facts.lap_length_km is None
    assert replay.calibration.fastest_base_s == pytest.approx(0.75 * 24 * HOUR / 310)
    assert any(d.startswith("lap length: unknown") for d in replay.facts.defaults)
    assert any(d.startswith("pace bound: 0.75 x the winner's average lap") for d in replay.facts.defaults)
    assert replay.standings(hour=12).distance_km.isna().all()
    assert replay.events().distance_km.isna().all()
    assert replay.laps().distance_km.isna().all()
    every_lap = replay.laps().groupby("car").lap_time.min()
    assert (every_lap.dt.total_seconds() >= replay.calibration.fastest_base_s * (1 - 3 * 0.004)).all()
    markdown = run_cli(path, tmp_path / "out")
    assert_defaults_written(markdown, replay)
    assert "- lap length: unknown" in markdown


# -- (c) ties on laps -------------------------------------------------------------------------------------


@pytest.mark.parametrize("tied", [2, 3], ids=["two-cars", "three-cars"])
def test_classified_cars_on_equal_laps_finish_in_the_published_order(tmp_path, tied):
    results = [(1, "S5.0", "1", 300)] + [(2 + k, "S2.0", str(60 - k), 280) for k in range(tied)]
    results += [(2 + tied, "S1.5", "9", 250)]
    replay = sim.replay(write(tmp_path, f"ties{tied}", document("1958 24 Hours of Le Mans", results, (),
                                                                 (FASTEST,))))
    assert_acceptance(replay)
    group = [str(60 - k) for k in range(tied)]  # published order: 60, 59, (58)
    final = replay.standings(seconds=replay.facts.duration_s)
    assert list(final.car) == ["1", *group, "9"]
    # who crossed the line first on the last lap is ahead: the published order
    last = [replay.table.crossings[car][-1] for car in group]
    assert last == sorted(last)
    assert final.set_index("car").loc[group, "gap_laps"].tolist() == [20] * tied


# -- (d) not classified -----------------------------------------------------------------------------------


@pytest.mark.parametrize("nc", ["NC", "N/C"])
def test_a_car_not_classified_runs_to_the_flag_and_is_placed_after_the_classified(tmp_path, nc):
    """As Storez in 1957: more laps than a classified car, yet after every classified car at the flag."""
    results = [(1, "S5.0", "1", 300), (2, "S5.0", "2", 290), (nc, "S1.5", "34", 275), (3, "S2.0", "3", 270)]
    dnf = [("NC", "S2.0", "24", 100, "Engine (10hr)"), ("DNF", "S750", "50", 80, "Accident (9hr)")]
    replay = sim.replay(write(tmp_path, "nc", document("1958 24 Hours of Le Mans", results, dnf, (FASTEST,))))
    assert_acceptance(replay)
    final = replay.standings(seconds=replay.facts.duration_s)
    assert list(zip(final.car, final.status)) == [("1", "finished"), ("2", "finished"), ("3", "finished"),
                                                  ("34", "NC"), ("24", "NC"), ("50", "retired")]
    assert end_event(replay, "34").kind == EventKind.FINISHED  # no hour stated: running at the flag
    stopped = end_event(replay, "24")
    assert stopped.kind == EventKind.STOPPED and 9 * HOUR <= stopped.time <= 10 * HOUR
    assert any(d.startswith("ends: A car not classified (NC)") for d in replay.facts.defaults)
    # before the flag the NC car is in the race, ranked by its laps
    assert replay.standings(hour=23).set_index("car").loc["34", "status"] == "running"


# -- (e) out on lap 0 -------------------------------------------------------------------------------------


def test_a_retirement_on_lap_0_ends_in_its_hour_without_a_lap(tmp_path):
    results = [(1, "S5.0", "1", 300), (2, "S5.0", "2", 290)]
    dnf = [("DNF", "S3.0", "23", 0, "Transmission (1hr)"), ("DNF", "S2.0", "30", 3, "Engine (1hr)")]
    replay = sim.replay(write(tmp_path, "lap0", document("1958 24 Hours of Le Mans", results, dnf,
                                                         (DISTANCE, FASTEST))))
    assert_acceptance(replay)
    assert [(e.kind, e.mark) for e in replay.log.of("23")] == [(EventKind.START, 0), (EventKind.RETIRED, 0)]
    assert len(replay.table.crossings["23"]) == 0
    assert "23" not in set(replay.laps().car)
    row = replay.standings(hour=1).set_index("car").loc["23"]
    assert (row.laps, row.status, row.gap_laps) == (0, "retired", row.gap_laps)
    assert np.isnan(row.gap_s)
    assert end_event(replay, "23").reason == "Transmission"


# -- (f) no hour in the reason ----------------------------------------------------------------------------


def test_a_retirement_without_an_hour_falls_where_the_cars_pace_puts_it(tmp_path):
    results = [(1, "S5.0", "1", 300), (2, "S5.0", "2", 290), (3, "S2.0", "3", 260)]
    dnf = [("DNF", "S5.0", "7", 150, "Engine"), ("DNF", "S2.0", "8", 10, "Accident"),
           ("DNF", "S3.0", "9", 0, "Transmission")]
    replay = sim.replay(write(tmp_path, "nohour", document("1958 24 Hours of Le Mans", results, dnf,
                                                           (DISTANCE, FASTEST))))
    assert_acceptance(replay)
    assert all(replay.race.entry(car).retirement_hour is None for car in ("7", "8", "9"))
    assert {car: replay.calibration.ends[car].rule for car in ("7", "8", "9")} == {"7": "default", "8": "default",
                                                                                   "9": "start"}
    assert any(d.startswith("ends: The results table gives no hour") for d in replay.facts.defaults)
    # at its class's best finisher's pace (car 1: about 286 s a lap) 150 laps take about twelve hours
    assert 10 * HOUR < end_event(replay, "7").time < 14 * HOUR
    assert [e.reason for e in (end_event(replay, c) for c in ("7", "8", "9"))] == ["Engine", "Accident",
                                                                                  "Transmission"]


def dsq_replay(tmp_path):
    results = [(1, "S5.0", "1", 300), (2, "S5.0", "2", 290)]
    dnf = [("DSQ", "S1.5", "60", 70, "Premature refuel (8hr)")]
    return sim.replay(write(tmp_path, "dsq", document("1958 24 Hours of Le Mans", results, dnf, (FASTEST,))))


def test_a_disqualified_car_ends_in_its_hour_and_is_dsq_at_the_flag(tmp_path):
    replay = dsq_replay(tmp_path)
    assert_acceptance(replay)
    assert replay.standings(seconds=replay.facts.duration_s).status.tolist() == ["finished", "finished", "DSQ"]


def test_a_dsq_row_is_logged_as_a_disqualification(tmp_path):
    replay = dsq_replay(tmp_path)
    assert end_event(replay, "60").kind == EventKind.DISQUALIFIED
    assert replay.standings(hour=10).set_index("car").loc["60", "status"] == "disqualified"


# -- (g) the title's hours --------------------------------------------------------------------------------


def test_a_12_hours_title_makes_a_12_hour_race(tmp_path):
    path = DATA / "twelve_hours_of_somewhere.txt"
    replay = sim.replay(path)
    assert_acceptance(replay)
    assert replay.facts.duration_s == 12 * HOUR
    assert replay.facts.start.year == 1960 and (replay.facts.start.hour, replay.facts.start.minute) == (16, 0)
    assert not any(d.startswith("duration:") for d in replay.facts.defaults)
    assert "12 h" in repr(replay)
    assert replay.standings(at="04:00").equals(replay.standings(seconds=12 * HOUR))  # the flag at 4 am
    with pytest.raises(sim.RaceReplayError, match="outside the race"):
        replay.standings(at=12.5)
    assert list(replay.hourly().hour.unique()) == list(range(1, 13))
    markdown = run_cli(path, tmp_path / "out")
    assert_defaults_written(markdown, replay)
    standings = (tmp_path / "out" / "standings.csv").read_text().splitlines()
    assert len(standings) == 1 + 12 * 4
    assert standings[-1].startswith("12,04:00,4,14,")  # the retired car last at the flag


@pytest.mark.parametrize("title, hours, by_default", [("1960 6 Hours of Somewhere", 6, False),
                                                     ("1953 Hours of Nowhere", 24, True),
                                                     ("1961 48 Hours of Marathon", 48, False)])
def test_the_title_sets_the_duration_or_the_default_24_hours(tmp_path, title, hours, by_default):
    laps = 12 * hours
    results = [(1, "S5.0", "1", laps), (2, "S5.0", "2", laps - 5)]
    dnf = [("DNF", "S2.0", "3", laps // 4, f"Engine ({hours // 2}hr)")]
    replay = sim.replay(write(tmp_path, f"h{hours}", document(title, results, dnf)))
    assert replay.facts.duration_s == hours * HOUR
    assert_acceptance(replay)
    assert any(d.startswith("duration: 24 h") for d in replay.facts.defaults) == by_default


# -- every case through the command line ------------------------------------------------------------------

CASES = {
    "no-narrative": lambda: (DATA / "le_mans_no_narrative.txt").read_text(),
    "no-statistics": lambda: (DATA / "le_mans_no_statistics.txt").read_text(),
    "ties": lambda: document("1958 24 Hours of Le Mans", [(1, "S5.0", "1", 300), (2, "S2.0", "2", 280),
                                                          (3, "S2.0", "3", 280)], (), (FASTEST,)),
    "nc": lambda: document("1958 24 Hours of Le Mans", [(1, "S5.0", "1", 300), ("NC", "S2.0", "2", 280),
                                                        (2, "S2.0", "3", 260)]),
    "lap-0": lambda: document("1958 24 Hours of Le Mans", [(1, "S5.0", "1", 300), (2, "S2.0", "2", 280)],
                              [("DNF", "S3.0", "23", 0, "Transmission (1hr)")], (DISTANCE,)),
    "no-hour": lambda: document("1958 24 Hours of Le Mans", [(1, "S5.0", "1", 300), (2, "S2.0", "2", 280)],
                                [("DNF", "S3.0", "23", 100, "Engine")], (DISTANCE, FASTEST)),
    "12-hours": lambda: (DATA / "twelve_hours_of_somewhere.txt").read_text(),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_cli_runs_every_case_and_lists_the_defaults_in_checkpoints_md(tmp_path, capsys, case):
    path = write(tmp_path, case.replace("-", "_"), CASES[case]())
    replay = sim.replay(path)
    assert_acceptance(replay)
    markdown = run_cli(path, tmp_path / "out")
    assert_defaults_written(markdown, replay)
    out = capsys.readouterr()
    assert out.err == ""
    assert f"replay of {len(replay.race.starters)} starters" in out.out
    events = (tmp_path / "out" / "events.csv").read_text().splitlines()
    assert len(events) == 1 + len(replay.log)


def test_the_real_1957_document_without_its_race_folder_replays_with_the_defaults(tmp_path):
    """The seed copied elsewhere is just a document: no narrative, no anchors; the table still holds."""
    path = tmp_path / "le_mans_1957_copy.txt"
    shutil.copy(SEEDS / "000_04c9cf36cbb82ecf.txt", path)
    replay = sim.replay(path)
    assert replay.race.id == "le_mans_1957_copy" and replay.facts.events == ()
    assert len(replay.race.starters) == 54
    assert_acceptance(replay)
    assert replay.facts.lap_length_km == pytest.approx(4397.11 / 327)


# -- races that cannot be replayed ------------------------------------------------------------------------


@pytest.mark.parametrize("race, kind", [
    ("le-mans-1961", "timesheet"),
    (str(SEEDS / "002_a60c4b6d58e650ef.txt"), "timesheet"),
])
def test_a_timesheet_cannot_be_replayed(tmp_path, capsys, race, kind):
    with pytest.raises(sim.RaceDataError, match=f"cannot be replayed: it is a {kind} race") as raised:
        sim.replay(race)
    assert raised.value.key == "race"
    out = tmp_path / "out"
    assert main(["run", race, "--out", str(out), "--no-plots"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"race-replay: error: cannot be replayed: it is a {kind} race")
    assert "Traceback" not in err
    assert not out.exists()  # nothing written


# -- found while writing these tests (see the reasons) ----------------------------------------------------


def test_the_cli_runs_a_race_with_a_single_starter(tmp_path, capsys):
    path = write(tmp_path, "one", document("1960 2 Hours of Somewhere", [(1, "S5.0", "1", 30)]))
    assert_acceptance(sim.replay(path))  # the replay itself is fine
    run_cli(path, tmp_path / "out")


def test_a_retirement_hour_after_the_flag_is_a_named_conflict_not_replayed_with_wrong_laps(tmp_path):
    """Once refused; now the hour gives way (issue 19): the laps kept, the end a minute before the flag, named."""
    results = [(1, "S5.0", "3", 160), (2, "S5.0", "15", 150)]
    path = write(tmp_path, "beyond", document("1960 12 Hours of Somewhere", results,
                                              [("DNF", "S3.0", "23", 50, "Engine (13hr)")]))
    replay = sim.replay(path)
    (conflict,) = replay.calibration.conflicts
    assert (conflict.car, conflict.kind) == ("23", "after-flag")
    end = replay.log.of("23", ["retired"])[0]
    assert (end.mark, end.time) == (50, 12 * 3600 - 60)
    assert replay.table.laps_at("23", replay.facts.duration_s) == 50


@pytest.mark.parametrize("title, laps, hour", [("1958 24 Hours of Le Mans", 5, 10),
                                               ("1960 2 Hours of Somewhere", 1, 2)])
def test_a_car_with_few_laps_that_retires_late_is_replayed(tmp_path, title, laps, hour):
    winner = 300 if "24" in title else 40
    results = [(1, "S5.0", "1", winner), (2, "S5.0", "2", winner - 2)]
    path = write(tmp_path, "late", document(title, results, [("DNF", "S3.0", "4", laps, f"Engine ({hour}hr)")]))
    replay = sim.replay(path)
    assert_acceptance(replay)
    # no pace spreads so few laps to that hour: the car stands in the pits, and the report says so
    (stop,) = [e for e in replay.log.of("4", ["pit_in"]) if e.cause == "default-standing-in-the-pits"]
    assert stop.mark == laps and stop.seconds > 3600 * (hour - 1) / 2
    assert any(note.startswith("car 4: its") for note in replay.calibration.notes)


# -- found in review: documents the replay would get wrong are refused with one clear error -------------------------

def test_two_starters_with_one_number_are_refused(tmp_path):
    path = write(tmp_path, "twice", document("1960 2 Hours of Somewhere", [(1, "S5.0", "1", 40), (2, "S5.0", "1", 38)]))
    with pytest.raises(sim.ParseError, match=r"twice\.txt:\d+: car number 1 is on two rows: line \d+ "
                                             r"\(position 1\) and line \d+ \(position 2\); one number is one car "
                                             r"\(key 'No', value '1'\)"):
        sim.replay(path)


def test_more_laps_than_the_replay_can_plan_are_refused(tmp_path):
    path = write(tmp_path, "many",
                 document("1960 48 Hours of Somewhere", [(1, "S5.0", "1", 999), (2, "S5.0", "2", 990)]))
    with pytest.raises(sim.RaceDataError, match=r"is more laps than the replay can plan \(940 at most\) "
                                                r"\(key 'Laps', car 1, value 999\)"):
        sim.replay(path)


def test_a_document_named_like_a_race_id_is_not_given_that_races_facts(tmp_path):
    path = write(tmp_path, "le-mans-1957", document("1960 2 Hours of Somewhere", [(1, "S5.0", "1", 30)]))
    replay = sim.replay(path)
    assert replay.facts.events == () and replay.facts.duration_s == 2 * 3600 and replay.facts.defaults
