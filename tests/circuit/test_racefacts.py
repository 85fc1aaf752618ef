"""The race facts as data: every quote is in the seed; bad race data gives an error naming file, key, value and car."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from helpers.race_folders import broken

from sim.circuit.calibrate import calibrate
from sim.circuit.facts import load_facts
from sim.circuit.plan import build_plan
from sim.errors import CalibrationError, RaceDataError
from sim.factfile import RACES_DIR

RACE_DIR = RACES_DIR / "le-mans-1957"


def test_every_quote_is_in_the_seed_verbatim(race, seed_text):
    import tomllib

    quotes = []
    for name in ("race.toml", "events.toml", "checkpoints.toml", "conflicts.toml"):
        doc = tomllib.loads((RACE_DIR / name).read_text(encoding="utf-8"))

        def walk(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "quote" or (key == "quotes" and isinstance(value, dict)):
                        quotes.extend([value] if isinstance(value, str) else value.values())
                    elif key == "sources":
                        quotes.extend(value)
                    else:
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(doc)
    assert len(quotes) > 100
    missing = [q for q in quotes if q not in seed_text]
    assert missing == []


def test_facts_load_with_every_event_and_checkpoint(race, seed_text):
    facts = load_facts(race, seed_text)
    assert len(facts.events) >= 40 and len(facts.checkpoints) >= 60
    assert facts.lap_length_km == pytest.approx(4397.11 / 327)
    assert facts.regulations.min_laps_between_refuels == 30 and facts.regulations.max_stint_laps == 36


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("events.toml", 'id = "hawthorn-tyre-change"\ncar = "7"', 'id = "hawthorn-tyre-change"\ncar = "99"',
         "events.toml: names a car that did not start this race "
         "(key 'event.hawthorn-tyre-change.car', car 99, value '99')"),
        ("events.toml", 'quote = "after 26 laps, just before the two-hour mark',
         'quote = "after 27 laps, just before the two-hour mark',
         "events.toml: quote is not in the seed verbatim (key 'event.hawthorn-tyre-change.quote', car 7, "
         "value 'after 27 laps, just before the two-hour mark, Hawthorn came into the pits to change tyres')"),
        ("checkpoints.toml", 'id = "hour1-leader-laps"\nat_hour = 1', 'id = "hour1-leader-laps"\nat_hour = 25',
         "checkpoints.toml: is outside the race (0 to 24 hours) "
         "(key 'checkpoint.hour1-leader-laps.at_hour', value 25)"),
        ("events.toml", 'id = "dubois-disqualified"\ncar = "60"\nkind = "disqualified"\nafter_lap = 70',
         'id = "dubois-disqualified"\ncar = "60"\nkind = "disqualified"\nafter_lap = 71',
         "events.toml: is beyond the car's 70 laps in the results table "
         "(key 'event.dubois-disqualified.after_lap', car 60, value 71)"),
        ("events.toml", 'car = "58"\nkind = "delay"\nat = "15:00"\nminutes = 30.0',
         'car = "58"\nkind = "delay"\nat = "15:00"\nminutes = -30.0',
         "events.toml: must not be negative "
         "(key 'event.stanguellini-pushed-up-dunlop-hill.minutes', car 58, value -30.0)"),
        ("events.toml", 'kind = "pace"', 'kind = "speed"',
         "events.toml: is not one of delay, retirement, pace, stints, disqualified, anchor, start, driver, note "
         "(key 'event.collins-engine-trouble.kind', car 6, value 'speed')"),
        ("events.toml", 'at = "06:55"', 'at = "6h55"',
         "events.toml: is not a clock time HH:MM (key 'event.rousselle-ignition-mulsanne.at', car 16, value '6h55')"),
        ("checkpoints.toml", 'at_event = "whitehead-gearbox"', 'at_event = "whitehead-clutch"',
         "checkpoints.toml: names no event in events.toml "
         "(key 'checkpoint.whitehead-out-of-top-ten.at_event', value 'whitehead-clutch')"),
        ("checkpoints.toml", 'kind = "order"\ncars = ["6", "20", "7", "9", "19"]', 'kind = "order"',
         "checkpoints.toml: is required for a order checkpoint (key 'checkpoint.lap1-order.cars')"),
        ("race.toml", "[assumptions.stint_laps]", '[assumptions]\nnote = "x"\n\n[assumptions.stint_laps]',
         "race.toml: must be a table with a value and its reason (key 'assumptions.note', value 'x')"),
        ("events.toml", 'fits = "collins-tenth-on-lap-2"', 'fits = "collins-ninth"',
         "events.toml: names no checkpoint in checkpoints.toml "
         "(key 'event.collins-engine-trouble.fits', car 6, value 'collins-ninth')"),
        ("race.toml", "max_stint_laps = 36", 'max_stint_laps = "36"',
         "race.toml: must be a whole number > 0 (key 'regulations.max_stint_laps', value '36')"),
    ],
)
def test_bad_race_data_names_file_key_value_and_car(tmp_path, race, seed_text, file, old, new, message):
    folder = broken(tmp_path, file, old, new)
    with pytest.raises(RaceDataError) as err:
        load_facts(race, seed_text, folder)
    assert str(err.value) == message


def test_more_laps_than_the_fastest_lap_allows_is_a_calibration_error(race, seed_text):
    facts = load_facts(race, seed_text)
    plan = build_plan(race, facts)
    winner = plan.car("3")
    plan = replace(plan, cars=(replace(winner, laps=400, anchors=()),))
    with pytest.raises(CalibrationError) as err:
        calibrate(plan, fastest_lap_s=238.7)
    assert str(err.value).startswith("no pace can satisfy 400 laps by 24.00 h: "
                                     "even at the quickest pace allowed (231.5 s a lap) it comes ")
    assert str(err.value).endswith("s too late (key 'laps', car 3, value 400)")


# Issue 8: every bad value in race data is one RaceDataError naming file, key and value, before anything runs.
@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("events.toml", 'at = "15:00"\nminutes = 30.0', 'at = "15:00"\nminutes = nan',
         "events.toml: must be a finite number "
         "(key 'event.stanguellini-pushed-up-dunlop-hill.minutes', car 58, value nan)"),
        ("events.toml", "factor = 1.18", "factor = nan",
         "events.toml: must be a finite number (key 'event.collins-engine-trouble.factor', car 6, value nan)"),
        ("events.toml", "factor = 1.18", "factor = 0",
         "events.toml: must be from 0.5 to 2 (key 'event.collins-engine-trouble.factor', car 6, value 0)"),
        ("race.toml", "sigma = 0.004", "sigma = 5.0",
         "race.toml: must be >= 0 and < 0.05 (key 'assumptions.lap_noise.sigma', value 5.0)"),
        ("race.toml", 'start = "1957-06-22T16:00:00"\n', "",
         "race.toml: is required (key 'race.start')"),
        ("race.toml", 'start = "1957-06-22T16:00:00"', 'start = "22 June 1957"',
         "race.toml: is not an ISO date-time (key 'race.start', value '22 June 1957')"),
        ("race.toml", 'id = "le-mans-1957"', 'id = "le-mans-1958"',
         "race.toml: differs from the name of its folder 'le-mans-1957' (key 'race.id', value 'le-mans-1958')"),
        ("race.toml", "[assumptions.stint_laps]\nvalue = 31", "[assumptions.stint_laps]\nvalue = 0",
         "race.toml: must be a whole number from 1 to 1000 (key 'assumptions.stint_laps.value', value 0)"),
        ("race.toml", "[assumptions.stint_laps]\nvalue = 31", "[assumptions.stint_laps]\nvalue = 31.5",
         "race.toml: must be a whole number from 1 to 1000 (key 'assumptions.stint_laps.value', value 31.5)"),
        ("race.toml", "[assumptions.pit_stop_seconds]\nvalue = 70", "[assumptions.pit_stop_seconds]\nvalue = inf",
         "race.toml: must be a finite number (key 'assumptions.pit_stop_seconds.value', value inf)"),
        ("race.toml", "factor = 1.03", "factor = -inf",
         "race.toml: must be a finite number (key 'assumptions.night.factor', value -inf)"),
        ("race.toml", "by_make = { Jaguar = 1.01 }", "by_make = { Jaguar = nan }",
         "race.toml: must be a finite number (key 'assumptions.fog.by_make.Jaguar', value nan)"),
        ("race.toml", "by_make = { Jaguar = 1.01 }", 'by_make = { Jaguar = "1.01" }',
         "race.toml: is not a number (key 'assumptions.fog.by_make.Jaguar', value '1.01')"),
        ("race.toml", "by_make = { Jaguar = 1.01 }", "by_make = 1.01",
         "race.toml: must be a table (key 'assumptions.fog.by_make', value 1.01)"),
        ("race.toml", "[assumptions.finish_fraction]\nvalue = 0.5", "[assumptions.finish_fraction]\nvalue = 1.5",
         "race.toml: must be from 0 to 1 (key 'assumptions.finish_fraction.value', value 1.5)"),
        ("race.toml", "max_driver_hours = 14", "max_driver_hours = nan",
         "race.toml: must be a finite number (key 'regulations.max_driver_hours', value nan)"),
        ("checkpoints.toml", 'car = "leader"\nlaps = 14', 'car = "leader"\nlaps = "fourteen"',
         "checkpoints.toml: must be a whole number from 0 to 1000 "
         "(key 'checkpoint.hour1-leader-laps.laps', value 'fourteen')"),
        ("checkpoints.toml", 'kind = "order"\ncars = ["6", "20", "7", "9", "19"]', 'kind = "order"\ncars = "6"',
         "checkpoints.toml: must be a list of strings (key 'checkpoint.lap1-order.cars', value '6')"),
        ("checkpoints.toml", 'position = 10\ntolerance = 2', 'position = 10\ntolerance = nan',
         "checkpoints.toml: must be a finite number (key 'checkpoint.collins-tenth-on-lap-2.tolerance', value nan)"),
        ("checkpoints.toml", 'position = 10\ntolerance = 2', 'position = 99\ntolerance = 2',
         "checkpoints.toml: must be a whole number from 1 to 54 "
         "(key 'checkpoint.collins-tenth-on-lap-2.position', value 99)"),
        ("checkpoints.toml", "positions = [1, 4]", "positions = [1, 400]",
         "checkpoints.toml: must be a pair of positions [a, b], 1 <= a < b <= 54 "
         "(key 'checkpoint.ten-am-spread.positions', value [1, 400])"),
        ("checkpoints.toml", "share = 0.5", "share = 50",
         "checkpoints.toml: must be from 0 to 1 (key 'checkpoint.nine-pm-second-fuel-stops.share', value 50)"),
        ("checkpoints.toml", 'kind = "pit_time"\ncar = "3"', 'kind = "pit_time"\ncar = "leader"',
         "checkpoints.toml: names a car that did not start this race "
         "(key 'checkpoint.winner-pit-time.car', value 'leader')"),
        ("checkpoints.toml", 'at_driver_change = { car = "20"', 'at_driver_change = { car = ["20"]',
         "checkpoints.toml: must be {car = <a starter>, driver = <name>, nth = <1, 2, ...>} "
         "(key 'checkpoint.brooks-four-minutes-behind.at_driver_change', "
         "value {'car': ['20'], 'driver': 'Tony Brooks', 'nth': 1})"),
        ("checkpoints.toml", 'kind = "order"\ncars = ["6", "20", "7", "9", "19"]',
         'kind = "order"\ncar_s = ["6"]\ncars = ["6"]',
         "checkpoints.toml: is not a checkpoint key (key 'checkpoint.lap1-order.car_s', value ['6'])"),
        ("events.toml", "refuel_laps = [31]", "refuel_laps = []",
         "events.toml: a stints event needs `refuel_laps`, the laps after which the car refuelled "
         "(key 'event.masson-refuel.refuel_laps', car 41, value [])"),
        ("events.toml", 'at = "06:55"', 'at = "٠٦:٥٥"',
         "events.toml: is not a clock time HH:MM (key 'event.rousselle-ignition-mulsanne.at', car 16, value '٠٦:٥٥')"),
        ("events.toml", "[[event]]\nid = \"collins-first-away\"", "event = 5\n[[event]]\nid = \"collins-first-away\"",
         "events.toml: not valid TOML: Cannot overwrite a value (at line 31, column 8)"),
    ],
)
def test_bad_number_or_type_in_race_data_is_one_error(tmp_path, race, seed_text, file, old, new, message):
    folder = broken(tmp_path, file, old, new)
    with pytest.raises(RaceDataError) as err:
        load_facts(race, seed_text, folder)
    assert str(err.value) == message


def test_lap_bound_is_the_replays_horizon():
    from sim.circuit import facts, plan

    assert facts.MAX_LAPS == plan.MAX_LAPS


def test_race_data_file_not_utf8_names_file_and_line(tmp_path, race, seed_text):
    folder = broken(tmp_path, "events.toml", "", "")
    text = (folder / "events.toml").read_text(encoding="utf-8")
    (folder / "events.toml").write_bytes(text.replace("Peter Collins", "Peter Collins é").encode("latin-1", "replace"))
    with pytest.raises(RaceDataError) as err:
        load_facts(race, seed_text, folder)
    assert str(err.value) == "events.toml:37: is not UTF-8 text (byte 0xe9)"


def test_race_data_folder_in_place_of_a_file(tmp_path, race, seed_text):
    folder = broken(tmp_path, "checkpoints.toml", "", "")
    (folder / "checkpoints.toml").unlink()
    (folder / "checkpoints.toml").mkdir()
    with pytest.raises(RaceDataError) as err:
        load_facts(race, seed_text, folder)
    assert str(err.value) == "checkpoints.toml: is a folder, not a TOML file"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_race_data_file(tmp_path, race, seed_text):
    folder = broken(tmp_path, "race.toml", "", "")
    (folder / "race.toml").chmod(0)
    with pytest.raises(RaceDataError) as err:
        load_facts(race, seed_text, folder)
    assert str(err.value) == "race.toml: cannot be read: permission denied"


def test_unreadable_file_error_is_one_line(tmp_path, monkeypatch):
    """The permission branch, also where the tests run as root (who can read any file)."""
    from sim.tomlfile import read_toml

    path = tmp_path / "race.toml"
    path.write_text("x = 1\n")
    monkeypatch.setattr(Path, "read_bytes",
                        lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
    with pytest.raises(RaceDataError) as err:
        read_toml(path, RaceDataError)
    assert str(err.value) == "race.toml: cannot be read: permission denied"


@pytest.mark.parametrize(("text", "message"), [
    ("x = " + "9" * 5000, "race.toml: not valid TOML: Exceeds the limit (4300 digits) for integer string conversion"),
    ("x = " + "[" * 5000 + "]" * 5000, "race.toml: not valid TOML: nested too deeply"),
])
def test_toml_that_breaks_the_parser_is_one_error(tmp_path, text, message):
    from sim.tomlfile import read_toml

    (tmp_path / "race.toml").write_text(text)
    with pytest.raises(RaceDataError) as err:
        read_toml(tmp_path / "race.toml", RaceDataError)
    assert str(err.value).startswith(message)  # Python's own words for the long number end with its advice


# Issue 23, item 5: every table of the race folder is checked against its schema; a typo is one error naming the
# file, the key and the value, never a value silently dropped (`Jagaur` lost the Jaguars' fog factor, check exit 0).
SECOND_RETIREMENT = ('[[event]]\nid = "collins-piston"',
                     '[[event]]\nid = "collins-gone-again"\ncar = "6"\nkind = "retirement"\nquote = "to retire with a '
                     'seized piston"\n\n[[event]]\nid = "collins-piston"')


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("race.toml", "by_make = { Jaguar = 1.01 }", "by_make = { Jagaur = 1.01 }",
         "race.toml: is not a make of this race's starters (did you mean Jaguar?) "
         "(key 'assumptions.fog.by_make.Jagaur', value 1.01)"),
        ("race.toml", "by_make = { Jaguar = 1.01 }", "by_make = { Zeppelin = 1.01 }",
         "race.toml: is not a make of this race's starters (its makes: AC, Arnott, Aston Martin, Cooper, DB, DKW, "
         "Ferrari, Frazer Nash, Gordini, Jaguar, Lotus, Maserati, Monopole, OSCA, Porsche, Stanguellini, Talbot, V.P.) "
         "(key 'assumptions.fog.by_make.Zeppelin', value 1.01)"),
        ("race.toml", "[assumptions.lap_noise]", '[assumptions.pace_factr]\nvalue = 1.0\n\n[assumptions.lap_noise]',
         "race.toml: is not a known section of [assumptions] (known: finish_fraction, fog, lap_noise, night, "
         "pit_stop_seconds, retirement_fraction, standing_start_seconds, stint_laps, tyre_wear) "
         "(key 'assumptions.pace_factr')"),
        ("race.toml", "sigma = 0.004", "sigam = 0.004",
         "race.toml: is not a known key of [assumptions.lap_noise] (known: mode, quote, range, range_reason, reason, "
         "sigma) (key 'assumptions.lap_noise.sigam', value 0.004)"),
        ("race.toml", "[lap_length]", "[lap_lenght]",
         "race.toml: is not a known section (known: assumptions, lap_length, race, regulations) (key 'lap_lenght')"),
        ("race.toml", 'derived_from = "Distance - 4397.11 km"', 'derived_from = "Distance - 4397.12 km"',
         "race.toml: quote is not in the seed verbatim (key 'lap_length.derived_from', value 'Distance - 4397.12 km')"),
        ("race.toml", 'derived_from = "Distance - 4397.11 km"', "",
         "race.toml: needs the verbatim quote it came from (key 'lap_length.derived_from')"),
        ("race.toml", 'quote = "At 4:00pm, the chequered flag fell"', 'quote = "At 4:00pm, the flag fell"',
         "race.toml: quote is not in the seed verbatim (key 'race.quote', value 'At 4:00pm, the flag fell')"),
        ("race.toml", "max_driver_hours = 14", "max_driver_hours = 14\nmax_drive_hours = 12",
         "race.toml: is not a known key of [regulations] (known: final_lap_limit_minutes, max_driver_hours, "
         "max_stint_laps, min_laps_between_refuels, quotes) (key 'regulations.max_drive_hours', value 12)"),
        ("race.toml", "duration_hours = 24", "duration_hours = 24\nduration_hour = 12",
         "race.toml: is not a known key of [race] (known: duration_hours, id, quote, start) "
         "(key 'race.duration_hour', value 12)"),
        ("events.toml", 'id = "hawthorn-tyre-change"', 'id = "hawthorn-tyre-change"\nminutse = 3',
         "events.toml: is not an event key (key 'event.hawthorn-tyre-change.minutse', car 7, value 3)"),
        ("events.toml", "[[event]]", '[[evnt]]\nid = "x"\n\n[[event]]',
         "events.toml: is not a known section (known: event) (key 'evnt')"),
        ("events.toml", *SECOND_RETIREMENT,
         "events.toml: is a second retirement of the car (the first: event 'collins-gone-again') "
         "(key 'event.collins-piston.kind', car 6, value 'retirement')"),
        ("checkpoints.toml", "[[checkpoint]]", 'title = "x"\n\n[[checkpoint]]',
         "checkpoints.toml: is not a known key (known: checkpoint) (key 'title', value 'x')"),
        ("conflicts.toml", "[[conflict]]", '[[conflict]]\nchoosen = "x"',
         "conflicts.toml: is not a known key of [conflict.maglioli-class] (known: chosen, id, reason, sources) "
         "(key 'conflict.maglioli-class.choosen', value 'x')"),
    ],
)
def test_unknown_keys_makes_and_second_retirements_are_one_error(tmp_path, race, seed_text, file, old, new, message):
    folder = broken(tmp_path, file, old, new)
    with pytest.raises(RaceDataError) as err:
        load_facts(race, seed_text, folder)
    assert str(err.value) == message


def test_every_key_of_the_1957_folder_is_in_the_schema(race, seed_text):
    """The schema holds every key the real folder uses (it loads), and the lap length's quote is in the seed."""
    facts = load_facts(race, seed_text)
    assert facts.assumptions.fog_by_make == {"Jaguar": 1.01}
    assert "Distance - 4397.11 km" in seed_text
