"""The public functions that a race's kind answers, dispatched through the registry: each works for the kinds that
can and refuses the others in one line (the charts are in :mod:`sim.charts`)."""

from __future__ import annotations

from sim.kinds import kind_of


def check_regulations(replay) -> list:
    """The breaches of the race's regulations the replay shows (a circuit's stint, refuelling and driving rules)."""
    return kind_of(replay.race).regulations(replay)
