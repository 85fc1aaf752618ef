"""Hawthorn survives: what if Musso's Ferrari had not seized a piston in the fourth hour?

Car 7 (Hawthorn/Musso, Ferrari 335 S) led the opening hours, lost the lead with a long tyre stop and was back up
to second when its engine failed on the Mulsanne straight. The scenario removes that retirement (event
"musso-piston") and lets the car run on to the flag at its calibrated pace with its regular stops; every other
fact of the real race is kept.

It prints the final order (top 10, real vs what-if), the laps of the cars whose result changed, the winner and
the winner's margin, and writes the comparison plot. Then it runs a Monte Carlo over the race's ranged assumptions
(each draw recalibrated, the what-if replayed on its calibration) and prints P(car 7 wins | Hawthorn survives), the
winners' shares and the distribution of the winner's margin.

Run:  python scenarios/hawthorn_survives.py [--out DIR] [--runs N] [--workers K] [--only PATTERN]
"""

from pathlib import Path

import _common

import sim

SEED = 1957  # the calibration seed of the real race (lap-to-lap scatter)
SCENARIO_FILE = Path(__file__).parent / "hawthorn-survives.toml"
PLOT_NAME = "hawthorn-survives"  # -> <out>/hawthorn-survives.png and .svg
CAR = "7"  # the scenario's subject: Hawthorn/Musso's Ferrari


def main(argv=None):
    parser, args = _common.monte_carlo_args(__doc__, argv)
    scenario = sim.load_scenario(SCENARIO_FILE)
    try:  # the draws first: a pattern that matches no range is told before anything is printed
        mc = sim.monte_carlo(scenario.race, runs=args.runs, seed=SEED, workers=args.workers, only=tuple(args.only),
                             scenario=scenario)
    except sim.RaceReplayError as error:
        parser.error(str(error))
    _common.run_whatif(SCENARIO_FILE, SEED, args.out, PLOT_NAME)
    print()
    print("\n".join(_common.probability_lines(mc, CAR, "Hawthorn survives")))


if __name__ == "__main__":
    main()
