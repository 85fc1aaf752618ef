"""Anchor dependence: which checkpoints of the 1957 replay rest on which anchors.

Every anchor in sim/races/le-mans-1957/events.toml places a car's lap where a published statement puts it; the
statement it was taken from is reported "fitted". This what-if takes each anchor out in turn, recalibrates the
race and checks it again. It prints, per anchor, the checkpoints whose status changes: the fitted statement it
was taken from (now "fail"), and any "pass" that was in fact a cross-check resting on it. An anchor that other
anchors need (they are placed against its car) cannot be taken out alone; that is printed too.

All anchors take about a minute; name some with --anchor to be quicker.

Run:  python scenarios/anchor_dependence.py [--anchor EVENT_ID ...] [--seed N] [--format text|json]
"""

import argparse
import json
import sys

from sim import RaceReplayError, anchor_dependence

RACE = "le-mans-1957"
SEED = 1957


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--anchor", action="append", metavar="EVENT_ID", help="an anchor's event id (repeatable)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"calibration seed (default: {SEED})")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    try:
        results = anchor_dependence(RACE, args.seed, args.anchor)
    except RaceReplayError as err:
        print(f"anchor_dependence: {err}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps([{"anchor": r.event_id, "car": r.car, "error": r.error, "passes_lost": list(r.passes_lost),
                           "changed": [{"checkpoint": c, "with": a, "without": b} for c, a, b in r.changed]}
                          for r in results], indent=2))
        return 0
    print(f"{RACE} (seed {args.seed}): each anchor taken out in turn")
    for r in results:
        if r.error:
            print(f"- {r.event_id} (car {r.car}): cannot be taken out alone: {r.error}")
            continue
        changes = ", ".join(f"{c} {a} -> {b}" for c, a, b in r.changed) or "no checkpoint changes"
        print(f"- {r.event_id} (car {r.car}): {changes}")
    lost = [(r.event_id, p) for r in results for p in r.passes_lost]
    print()
    print(f"Passes that rest on an anchor: {len(lost)}"
          + "".join(f"\n  {p} (on {a})" for a, p in lost))
    return 0


if __name__ == "__main__":
    sys.exit(main())
