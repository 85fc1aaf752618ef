"""Shared by the scenario scripts: the command line, the what-if run and the printed comparison, in one place.

The scripts print for people; the library (``sim``) never prints.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import sim
from sim import Replay, changed_cars, compare, comparison_chart, final_classification, load_scenario, save_figure

DEFAULT_OUT = Path("out") / "scenarios"  # relative to the directory the script is run from
TOP = 10  # places of the final order shown side by side
DEFAULT_RUNS = 100  # Monte Carlo draws of a what-if script


def _parser(doc: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder for the plots (default: {DEFAULT_OUT})")
    return parser


def out_dir(doc: str, argv=None) -> Path:
    """Parse ``[--out DIR]`` (the script's docstring is the help text) and return the output folder."""
    return _parser(doc).parse_args(argv).out


def _positive(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more (value {text!r})")
    return int(text)


def monte_carlo_args(doc: str, argv=None) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    """Parse ``[--out DIR] [--runs N] [--workers K] [--only PATTERN]...`` of a script that also runs a Monte Carlo:
    (the parser, to report a value the library refuses, and the arguments)."""
    parser = _parser(doc)
    parser.add_argument("--runs", type=_positive, default=DEFAULT_RUNS,
                        help=f"Monte Carlo draws over the race's ranged assumptions (default {DEFAULT_RUNS})")
    parser.add_argument("--workers", type=_positive, default=None,
                        help="Dask worker processes (default: one per core; 1: in this process, no Dask)")
    parser.add_argument("--only", action="append", default=[], metavar="PATTERN",
                        help="draw only the ranges whose name matches (glob, e.g. 'event.hawthorn-*'; repeatable)")
    return parser, parser.parse_args(argv)


def margin_lines(margin: dict | None) -> list[str]:
    """The winner's margin in laps: its 10/50/90% and the share of the draws per margin."""
    if margin is None:
        return ["  winner's margin: none (fewer than two cars classified)"]
    per = ", ".join(f"{laps} lap{'s' if laps != 1 else ''} {100 * share:.0f}%"
                    for laps, share in margin["share"].items())
    return [f"  winner's margin (laps): p10 {margin['p10']}, p50 {margin['p50']}, p90 {margin['p90']}",
            f"  share of draws per margin: {per}"]


def probability_lines(mc, car: str, condition: str) -> list[str]:
    """What a Monte Carlo of a what-if says: P(`car` wins | `condition`), the winners' shares and the margin."""
    lines = [f"Monte Carlo: {mc.runs} draws (seed {mc.seed}), {mc.calibrated} calibrated"
             + (f", {mc.runs - mc.calibrated} could not be:" if mc.failed else "")]
    lines += [f"  {n} x {cause}" for cause, n in mc.failed.items()]
    if not mc.calibrated:
        return lines + ["No draw could be calibrated: no probability to give."]
    lines.append(f"P(car {car} wins | {condition}) = {mc.p_win(car, scenario=True):.2f} "
                 f"(over {mc.calibrated} calibrated draws; in the real race {mc.p_win(car):.2f})")
    lines.append("Winners under the what-if: "
                 + ", ".join(f"car {c} {100 * s:.0f}%" for c, s in mc.scenario_winners.items()))
    return lines + margin_lines(mc.scenario_margin)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s"


def pit_stops(replay: Replay, car: str) -> tuple[int, float]:
    """(number of pit stops, seconds in the pits) of a car."""
    stops = sum(1 for e in replay.log if e.car == car and e.kind == "pit_in")
    return stops, replay.runs[car].pit_seconds


def classification_lines(replay: Replay) -> list[str]:
    """The classification at the flag: every car still in the race, then a count of the others."""
    frame = final_classification(replay)
    running = frame[frame.status.isin(["finished", "NC"])]
    lines = [f"{'pos':>4}  {'car':>3}  {'class':<5}  {'make':<13} {'laps':>4}  status"]
    for row in running.to_dict(orient="records"):
        lines.append(f"{row['position']:>4}  {row['car']:>3}  {row['class']:<5}  {row['make']:<13} "
                     f"{row['laps']:>4}  {row['status']}")
    out = frame[~frame.status.isin(["finished", "NC"])].status.value_counts()
    lines.append(f"out of the race: {len(frame) - len(running)} cars ("
                 + ", ".join(f"{n} {status}" for status, n in out.items()) + ")")
    return lines


def comparison_lines(real: Replay, whatif: Replay) -> list[str]:
    """How the what-if's result differs from the real race, as lines of plain text."""
    result = compare(real, whatif)
    a, b = final_classification(real).set_index("car"), final_classification(whatif).set_index("car")

    def cell(frame, car):
        return f"{car:>3}  {frame.make[car]:<13} {frame.laps[car]:>3} laps"

    lines = [f"Final order, top {TOP}:", f"{'pos':>4}  {'real race':<27}  what-if"]
    for k, (r, w) in enumerate(zip(result["top10_real"][:TOP], result["top10_whatif"][:TOP]), start=1):
        lines.append(f"{k:>4}  {cell(a, r):<27}  {cell(b, w)}" + ("" if r == w else "   <- changed"))
    changed = changed_cars(real, whatif)
    lines.append("")
    lines.append("Cars whose laps or status changed:" if changed else
                 "Cars whose laps or status changed: none (every car covers the same laps and keeps its status)")
    for car in changed:
        lines.append(f"  car {car:>3} {b.make[car]} ({b['class'][car]}): real {a.laps[car]} laps, {a.status[car]}, "
                     f"{ordinal(a.position[car])} -> what-if {b.laps[car]} laps, {b.status[car]}, "
                     f"{ordinal(b.position[car])}")
    lines.append("")
    for label, frame, key in (("real race", a, "real"), ("what-if  ", b, "whatif")):
        winner, second = result[f"winner_{key}"], result[f"top10_{key}"][1]
        lines.append(f"Winner, {label}: car {winner} ({frame.make[winner]}), {result[f'winner_laps_{key}']} laps, "
                     f"by {result[f'margin_{key}_laps']} laps over car {second} ({frame.make[second]})")
    winner = result["winner_whatif"]
    (n_real, s_real), (n_what, s_what) = pit_stops(real, winner), pit_stops(whatif, winner)
    lines.append(f"Pit stops of car {winner}: real {n_real} stops, {duration(s_real)} in the pits; "
                 f"what-if {n_what} stops, {duration(s_what)}")
    return lines


def run_whatif(scenario_file: Path, seed: int, out: Path, plot_name: str) -> list[Path]:
    """Replay the real race and the scenario with `seed`, print the comparison, write the comparison plot."""
    scenario = load_scenario(scenario_file)
    real = sim.replay(scenario.race, seed=seed)
    whatif = sim.replay(scenario.race, seed=seed, scenario=scenario)
    print(f"What if: {scenario.name}")
    print(f"  {scenario.description}")
    print(f"  scenario file {Path(scenario_file).name}, seed {seed}")
    print()
    print("\n".join(comparison_lines(real, whatif)))
    paths = save_figure(comparison_chart(real, whatif), out / plot_name)
    print()
    print(f"Comparison plot: {paths[0]} (and {paths[1].name})")
    return paths
