"""The race facts as data: every quote is in the seed; bad race data gives an error naming file, key, value and car."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from sim.circuit.calibrate import calibrate
from sim.errors import CalibrationError, RaceDataError
from sim.circuit.plan import build_plan
from sim.facts import RACES_DIR, load_facts

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


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "le-mans-1957"
    shutil.copytree(RACE_DIR, folder)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text, old
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("events.toml", 'id = "hawthorn-tyre-change"\ncar = "7"', 'id = "hawthorn-tyre-change"\ncar = "99"',
         "events.toml: names a car that did not start this race (key 'event.hawthorn-tyre-change.car', car 99, value '99')"),
        ("events.toml", 'quote = "after 26 laps, just before the two-hour mark',
         'quote = "after 27 laps, just before the two-hour mark',
         "events.toml: quote is not in the seed verbatim (key 'event.hawthorn-tyre-change.quote', car 7, value 'after 27 laps, just before the two-hour mark, Hawthorn came into the pits to change tyres')"),
        ("checkpoints.toml", 'id = "hour1-leader-laps"\nat_hour = 1', 'id = "hour1-leader-laps"\nat_hour = 25',
         "checkpoints.toml: is outside the race (0 to 24 hours) (key 'checkpoint.hour1-leader-laps.at_hour', value 25)"),
        ("events.toml", 'id = "dubois-disqualified"\ncar = "60"\nkind = "disqualified"\nafter_lap = 70',
         'id = "dubois-disqualified"\ncar = "60"\nkind = "disqualified"\nafter_lap = 71',
         "events.toml: is beyond the car's 70 laps in the results table (key 'event.dubois-disqualified.after_lap', car 60, value 71)"),
        ("events.toml", 'car = "58"\nkind = "delay"\nat = "15:00"\nminutes = 30.0', 'car = "58"\nkind = "delay"\nat = "15:00"\nminutes = -30.0',
         "events.toml: must not be negative (key 'event.stanguellini-pushed-up-dunlop-hill.minutes', car 58, value -30.0)"),
        ("events.toml", 'kind = "pace"', 'kind = "speed"',
         "events.toml: is not one of delay, retirement, pace, stints, disqualified, anchor, start, driver, note (key 'event.collins-engine-trouble.kind', car 6, value 'speed')"),
        ("events.toml", 'at = "06:55"', 'at = "6h55"',
         "events.toml: is not a clock time HH:MM (key 'event.rousselle-ignition-mulsanne.at', car 16, value '6h55')"),
        ("checkpoints.toml", 'at_event = "whitehead-gearbox"', 'at_event = "whitehead-clutch"',
         "checkpoints.toml: names no event in events.toml (key 'checkpoint.whitehead-out-of-top-ten.at_event', value 'whitehead-clutch')"),
        ("checkpoints.toml", 'kind = "order"\ncars = ["6", "20", "7", "9", "19"]', 'kind = "order"',
         "checkpoints.toml: is required for a order checkpoint (key 'checkpoint.lap1-order.cars')"),
        ("race.toml", "[assumptions.stint_laps]", '[assumptions]\nnote = "x"\n\n[assumptions.stint_laps]',
         "race.toml: must be a table with a value and its reason (key 'assumptions.note', value 'x')"),
        ("events.toml", 'fits = "collins-tenth-on-lap-2"', 'fits = "collins-ninth"',
         "events.toml: names no checkpoint in checkpoints.toml (key 'event.collins-engine-trouble.fits', car 6, value 'collins-ninth')"),
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
    assert str(err.value).startswith("no pace can satisfy 400 laps by 24.00 h: even at the race's fastest lap pace (231.5 s) it comes ")
    assert str(err.value).endswith("s too late (key 'laps', car 3, value 400)")
