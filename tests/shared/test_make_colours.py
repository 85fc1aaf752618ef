"""One colour per make, told apart from every other make of the same chart (issue 22).

Incident: Cooper, Talbot and V.P. were near-identical browns and DB and Aston Martin near-identical cyans in the
1957 history.png and class.png; in the 1961 probabilities.png Austin-Healey, Fiat and MGA shared one maroon (makes
without a colour took one of five spares by their name) and index.png ignored the make colours altogether.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from sim.kinds import load_race
from sim.plots.palette import MIN_SEPARATION, ciede2000, lab, rgb, separation
from sim.plots.style import MAKE_COLOURS, PALETTE, make_colour, make_colours

SEED_RACES = ("le-mans-1957", "mille-miglia-1957", "le-mans-1961")

# Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula", Table 1: pairs 1, 7, 17, 19, 34
SHARMA = [((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
          ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
          ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
          ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0),
          ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082)]


@pytest.mark.parametrize("one, two, want", SHARMA)
def test_ciede2000_gives_the_published_differences(one, two, want):
    assert float(ciede2000(np.array(one), np.array(two))) == pytest.approx(want, abs=1e-4)
    assert float(ciede2000(np.array(two), np.array(one))) == pytest.approx(want, abs=1e-4)


def test_srgb_to_lab_of_white_and_red():
    assert lab(rgb("#ffffff")) == pytest.approx([100.0, 0.0, 0.0], abs=1e-3)
    assert lab(rgb("#ff0000")) == pytest.approx([53.24, 80.09, 67.20], abs=0.05)


# a make as a chart may spell it: the 1961 entries say "Osca", its timesheet charts "OSCA" (the regression: OSCA and
# Triumph, never in one race's entries under those names, shared a green in the 1961 probabilities.png)
SPELLINGS = {"Osca": "OSCA"}


def _key(make: str) -> str:
    return re.sub(r"[^a-z0-9]", "", make.lower())


@pytest.mark.parametrize("race", SEED_RACES)
def test_every_make_of_a_seed_race_has_its_own_colour_told_apart_from_the_others(race):
    makes = {e.make for e in load_race(race).entries if e.make}
    makes = sorted(makes | {SPELLINGS[m] for m in makes if m in SPELLINGS})
    missing = [m for m in makes if m not in MAKE_COLOURS]
    assert not missing, f"{race}: makes without a colour in sim/plots/makes.toml: {missing}"
    colours = make_colours(makes)
    assert colours == {m: make_colour(m) for m in makes}  # a chart and the page give each make the same colour
    for a, b in itertools.combinations(makes, 2):  # one make however spelt ("D.B-Panhard", "D.B.-Panhard"): one colour
        assert (colours[a] == colours[b]) == (_key(a) == _key(b)), (a, b)
    close = [(a, b, round(separation(colours[a], colours[b]), 1)) for a, b in itertools.combinations(makes, 2)
             if _key(a) != _key(b) and separation(colours[a], colours[b]) < MIN_SEPARATION]
    assert not close, close


def test_makes_that_have_no_colour_are_told_apart_too():
    makes = [f"Make {k}" for k in range(20)] + ["Jaguar", "Ferrari"]
    colours = make_colours(makes)
    assert colours["Jaguar"] == MAKE_COLOURS["Jaguar"]
    assert len(set(colours.values())) == len(makes)
    worst = min(separation(colours[a], colours[b]) for a, b in itertools.combinations(makes, 2))
    assert worst >= 5.0, worst
    assert make_colours(makes) == colours  # always the same


def test_the_palette_is_valid_and_has_no_near_twins():
    assert len(PALETTE) == len(set(PALETTE)) >= 40
    for a, b in itertools.combinations(PALETTE[:27], 2):  # the first colours are the most distinct
        assert separation(a, b) >= MIN_SEPARATION, (a, b)
