"""Who was at the wheel: the driver log against every statement of the 1957 text that says who was driving.

Each row quotes the seed (the test checks the quote is there), names the car, the moment (a clock time, a lap,
or the end of the car's race) and the driver. Two statements cannot hold together with a change at every regular
stop; they are source conflicts, and the test checks the replay follows the choice recorded for them.
"""

from __future__ import annotations

import pytest

from sim.clock import parse_clock
from sim.log import END_KINDS

AT_THE_WHEEL = [  # (quote, car, moment, driver): moment = "HH:MM", ("lap", n) or "end"
    ("giving its driver, Bruce Halford the shortest debut on record", "23", "end", "Bruce Halford"),
    ("the first car to clear the startline was the Ferrari of Peter Collins", "6", ("lap", 1), "Peter Collins"),
    ("followed by Brooks, Hawthorn, Gendebien and Salvadori fifth", "20", ("lap", 1), "Tony Brooks"),
    ("followed by Brooks, Hawthorn, Gendebien and Salvadori fifth", "7", ("lap", 1), "Mike Hawthorn"),
    ("followed by Brooks, Hawthorn, Gendebien and Salvadori fifth", "9", ("lap", 1), "Olivier Gendebien"),
    ("followed by Brooks, Hawthorn, Gendebien and Salvadori fifth", "19", ("lap", 1), "Roy Salvadori"),
    ("The usually quick and nimble Moss was slowed trying to squeeze into his cramped Maserati coupé", "1", ("lap", 1),
     "Stirling Moss"),
    ("after 26 laps, just before the two-hour mark, Hawthorn came into the pits to change tyres", "7", ("lap", 26),
     "Mike Hawthorn"),
    ("Hawthorn refueled and handed the Ferrari over to Musso", "7", ("lap", 40), "Luigi Musso"),
    ("In the fourth hour, Musso, having fought back up to second place, was hobbled by another seized piston", "7",
     "end", "Luigi Musso"),
    ("now in the hands of Harry Schell after a long pit stop costing a dozen laps, was soon to retire", "1", "end",
     "Harry Schell"),
    ("forced to retire when it caused Simon to have an accident on his opening lap from the pits", "2", "end",
     "André Simon"),
    ("Brooks, back in the Aston Martin, held second place", "20", "21:00", "Tony Brooks"),
    ("Masten Gregory, in Hamilton’s Jaguar was fourth", "4", "21:00", "Masten Gregory"),
    ("When Hamilton pitted, the exhaust system was welded up", "4", "00:00", "Duncan Hamilton"),
    ("Brooks’ Aston Martin, now trailing by two laps and still stuck in 4th gear, was coming out of Tertre Rouge "
     "when he lost control", "20", "end", "Tony Brooks"),
    ("He was then hit by Maglioli closely following in the Porsche 718", "32", "end", "Umberto Maglioli"),
    ("At 6:55 am, “Freddy” Rousselle, in the Belgian Jaguar running second came to a halt at Mulsanne", "16", "06:55",
     "Freddy Rousselle"),
    ("Storez pushed it back to the pit-entrance", "34", "end", "Claude Storez"),
    ("Flockhart brought a dark blue Ecurie Ecosse Jaguar D-Type first past the finish line", "3", ("lap", 327),
     "Ron Flockhart"),
]

CONFLICTS = [  # (conflict id, car, moment, the driver the text names, the driver the replay has)
    ("bueb-at-nine-flockhart-at-the-flag", "3", "21:00", "Ivor Bueb", "Ron Flockhart"),
    ("salvadori-at-the-wheel-at-the-end", "19", "end", "Roy Salvadori", "Les Leston"),
]


def driver_at(replay, car: str, moment) -> str:
    """The driver in the car at a moment: the driver of the last event of the car at or before it."""
    events = replay.log.of(car)
    if moment == "end":
        return next(e for e in events if e.kind in END_KINDS).driver
    if isinstance(moment, tuple):
        return next(e for e in events if e.kind == "passing" and e.mark == moment[1]).driver
    t = parse_clock(moment, replay.facts.start)
    return [e for e in events if e.time <= t][-1].driver


@pytest.mark.parametrize("quote, car, moment, driver", AT_THE_WHEEL,
                         ids=[f"{r[1]}-{r[3]}-{r[2]}" for r in AT_THE_WHEEL])
def test_the_driver_log_names_who_the_text_says_was_driving(replay, seed_text, quote, car, moment, driver):
    assert quote in seed_text
    assert driver_at(replay, car, moment) == driver


def test_rousselle_not_frere_is_at_the_wheel_when_the_belgian_jaguar_stops_at_mulsanne(replay):
    (delay,) = replay.log.of("16", ["delay"])
    assert (delay.cause, delay.driver) == ("rousselle-ignition-mulsanne", "Freddy Rousselle")


@pytest.mark.parametrize("conflict, car, moment, text_driver, replay_driver", CONFLICTS)
def test_driver_statements_that_cannot_all_hold_are_source_conflicts(replay, conflict, car, moment, text_driver,
                                                                      replay_driver):
    recorded = {c.id: c for c in replay.facts.conflicts}
    assert conflict in recorded and text_driver.split()[-1] in " ".join(recorded[conflict].sources)
    assert driver_at(replay, car, moment) == replay_driver


def test_every_stint_keeps_the_36_lap_limit_with_the_drivers_the_text_names(replay):
    from sim.circuit.regulations import check_regulations

    assert [b.rule for b in check_regulations(replay) if b.rule == "max_stint_laps"] == []
