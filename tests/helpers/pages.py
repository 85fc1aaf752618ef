"""The replay page of a replay, as `race-replay run` writes it: through the race's kind."""

from __future__ import annotations

from sim.kinds import kind_of


def page_of(replay) -> bytes:
    kind = kind_of(replay.race)
    return kind.page(replay, kind.report(replay))
