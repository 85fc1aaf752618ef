"""Hawthorn survives: what if Musso's Ferrari had not seized a piston in the fourth hour?

Car 7 (Hawthorn/Musso, Ferrari 335 S) led the opening hours, lost the lead with a long tyre stop and was back up
to second when its engine failed on the Mulsanne straight. The scenario removes that retirement (event
"musso-piston") and lets the car run on to the flag at its calibrated pace with its regular stops; every other
fact of the real race is kept.

It prints the final order (top 10, real vs what-if), the laps of the cars whose result changed, the winner and
the winner's margin, and writes the comparison plot.

Run:  python scenarios/hawthorn_survives.py [--out DIR]
"""

from pathlib import Path

import _common

SEED = 1957  # the calibration seed of the real race (lap-to-lap scatter)
SCENARIO_FILE = Path(__file__).parent / "hawthorn-survives.toml"
PLOT_NAME = "hawthorn-survives"  # -> <out>/hawthorn-survives.png and .svg


def main(argv=None):
    out = _common.out_dir(__doc__, argv)
    _common.run_whatif(SCENARIO_FILE, SEED, out, PLOT_NAME)


if __name__ == "__main__":
    main()
