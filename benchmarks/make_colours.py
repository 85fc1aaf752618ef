"""Writes the [colours] table of sim/plots/makes.toml: one colour per make of the seed races, told apart in each race.

The palette is :func:`sim.plots.palette.glasbey` (each colour the furthest, in CIEDE2000 with normal vision and with
simulated protanopia and deuteranopia, from those before it). Makes are given colours one at a time, the makes of
the race with most makes first: Ferrari, Jaguar and Maserati take the palette colour nearest their racing colour
(red, green, blue), every other make the palette colour furthest from the colours of the makes it shares a race
with (a greedy graph colouring: two makes that never meet in one race may share a colour).
`tests/shared/test_make_colours.py` checks the result. Run: `PYTHONPATH=. .venv/bin/python benchmarks/make_colours.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from sim.kinds import load_race
from sim.plots.palette import ciede2000, glasbey, lab, rgb, separation

ROOT = Path(__file__).resolve().parent.parent
MAKES_TOML = ROOT / "sim" / "plots" / "makes.toml"
RACES = ("mille-miglia-1957", "le-mans-1957", "le-mans-1961")
TRADITION = {"Ferrari": "#d62728", "Jaguar": "#0b5d1e", "Maserati": "#1f3fbf"}
PALETTE_SIZE = 48
CVD_WEIGHT = 1.5


SPELLINGS = {"Osca": ("OSCA",)}  # the spellings a chart may show for a make of the entries (the 1961 timesheet: OSCA)


def make_key(make: str) -> str:
    """A make however it is spelt ("OSCA", "Osca"; "D.B-Panhard", "D.B.-Panhard"): one make, one colour."""
    return re.sub(r"[^a-z0-9]", "", make.lower())


def race_makes() -> dict[str, set[str]]:
    """Each race's makes, every spelling of a make included."""
    races = {race: {e.make for e in load_race(race).entries if e.make} for race in RACES}
    return {race: makes | {s for m in makes for s in SPELLINGS.get(m, ())} for race, makes in races.items()}


def assign(races: dict[str, set[str]], palette: list[str]) -> dict[str, str]:
    def order(make: str) -> tuple:
        return make not in TRADITION, -sum(make in r for r in races.values()), make

    makes = sorted(set().union(*races.values()), key=order)
    colours: dict[str, str] = {}
    for make in makes:
        same = [m for m in colours if make_key(m) == make_key(make)]
        if same:  # another spelling of a make already coloured
            colours[make] = colours[same[0]]
            continue
        met = {other for r in races.values() if make in r for other in r if make_key(other) != make_key(make)}
        used = [colours[m] for m in met if m in colours]
        free = [c for c in palette if c not in used]
        if make in TRADITION:
            colours[make] = min(free, key=lambda c: float(ciede2000(lab(rgb(c)), lab(rgb(TRADITION[make])))))
        else:
            colours[make] = max(free, key=lambda c: min((separation(c, u) for u in used), default=np.inf))
    return colours


def main() -> None:
    races = race_makes()
    palette = glasbey(PALETTE_SIZE, levels=16, cvd_weight=CVD_WEIGHT)
    colours = assign(races, palette)
    table = "".join(f'"{make}" = "{colours[make]}"\n' for make in sorted(colours, key=str.lower))
    spares = "".join(f'  "{colour}",\n' for colour in palette)
    text = MAKES_TOML.read_text(encoding="utf-8")
    MAKES_TOML.write_text(re.sub(r"\[colours\]\n(?:.*\n)*", "[colours]\n" + table + "\n[palette]\n# the palette, most "
                                 "distinct first: a make not listed above takes one (sim/plots/style.py make_colours)\n"
                                 "colours = [\n" + spares + "]\n", text, count=1), encoding="utf-8")
    for race, makes in races.items():
        pairs = [(a, b) for a in makes for b in makes if a < b and make_key(a) != make_key(b)]
        worst = min(separation(colours[a], colours[b]) for a, b in pairs)
        normal = min(float(ciede2000(lab(rgb(colours[a])), lab(rgb(colours[b])))) for a, b in pairs)
        print(f"{race}: {len(makes)} makes, least difference {worst:.1f} (normal vision {normal:.1f})")


if __name__ == "__main__":
    main()
