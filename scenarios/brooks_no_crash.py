"""Brooks does not crash: what if the second-placed Aston Martin had stayed on the road at Tertre Rouge?

Car 20 (Brooks/Cunningham-Reid, Aston Martin DBR1), slowed by a lost fourth gear, was second soon after 2 am when
Brooks went off at Tertre Rouge; Maglioli's Porsche (car 32) hit the wreck. The scenario removes the crash (event
"brooks-crash-tertre-rouge"), so both cars run on to the flag at their calibrated pace; every other fact of the
real race is kept.

It prints the final order (top 10, real vs what-if), the laps of the cars whose result changed, the winner and
the winner's margin, and writes the comparison plot.

Run:  python scenarios/brooks_no_crash.py [--out DIR]
"""

from pathlib import Path

import _common

SEED = 1957  # the calibration seed of the real race (lap-to-lap scatter)
SCENARIO_FILE = Path(__file__).parent / "brooks-no-crash.toml"
PLOT_NAME = "brooks-no-crash"  # -> <out>/brooks-no-crash.png and .svg


def main(argv=None):
    out = _common.out_dir(__doc__, argv)
    _common.run_whatif(SCENARIO_FILE, SEED, out, PLOT_NAME)


if __name__ == "__main__":
    main()
