"""Baseline: the 1957 24 Hours of Le Mans replayed as the sources tell it.

The real race every scenario is compared with. It prints the classification at the flag and the totals of the
checkpoint report (how many published statements the replay passes, fails, was fitted to or cannot evaluate, and
how many places the sources disagree), and writes the position chart with the checkpoints overlaid.

Run:  python scenarios/baseline.py [--out DIR]
"""

import _common

import sim

SEED = 1957  # the calibration seed (lap-to-lap scatter)
RACE = "le-mans-1957"
PLOT_NAME = "baseline-positions"  # -> <out>/baseline-positions.png and .svg


def main(argv=None):
    out = _common.out_dir(__doc__, argv)
    replay = sim.replay(RACE, seed=SEED)
    print(f"{replay.race.title}, {replay.label} (seed {SEED})")
    print()
    print("Classification at the flag:")
    print("\n".join(_common.classification_lines(replay)))
    report = sim.check(replay)
    totals = report["totals"]
    print()
    print(f"Checkpoints: {sum(totals.values())} published statements: "
          + ", ".join(f"{totals[status]} {status}" for status in sorted(totals, key=lambda s: -totals[s])))
    print(f"Source conflicts: {len(report['conflicts'])}")
    paths = sim.save_figure(sim.position_chart(replay, report=report), out / PLOT_NAME)
    print()
    print(f"Position chart: {paths[0]} (and {paths[1].name})")


if __name__ == "__main__":
    main()
