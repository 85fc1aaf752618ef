"""The 1956 refuel window: what if cars could still refuel only every 34 laps, as in 1956?

For 1957 "the interval between refuelling was reduced for the first time, down to 30 laps from 34 laps". The
scenario sets the rule back to 34 laps (rules.min_laps_between_refuels = 34): every car then runs 34-lap stints
(the 36-lap stint limit stays) and makes fewer stops; every event of the real race is kept.

It prints the final order (top 10, real vs what-if), the laps of the cars whose result changed, the winner, the
winner's margin and its pit stops, and writes the comparison plot.

Run:  python scenarios/refuel_window_1956.py [--out DIR]
"""

from pathlib import Path

import _common

SEED = 1957  # the calibration seed of the real race (lap-to-lap scatter)
SCENARIO_FILE = Path(__file__).parent / "refuel-window-1956.toml"
PLOT_NAME = "refuel-window-1956"  # -> <out>/refuel-window-1956.png and .svg


def main(argv=None):
    out = _common.out_dir(__doc__, argv)
    _common.run_whatif(SCENARIO_FILE, SEED, out, PLOT_NAME)


if __name__ == "__main__":
    main()
