"""The public charts: one function per chart, drawing any replay whose kind has that chart and refusing the others
in one line that names the kinds it serves. Each returns a matplotlib Figure (built without pyplot);
:func:`sim.save_figure` writes it as PNG and SVG.

>>> sim.position_chart(sim.replay(circuit_race_id))             # doctest: +SKIP
>>> sim.distance_time_chart(sim.replay(time_trial_race_id))      # doctest: +SKIP
"""

from __future__ import annotations

from sim.errors import RaceReplayError
from sim.kinds import KINDS, kind_of
from sim.racekind import refuses


def _serving(plot: str) -> list[str]:
    return [k.name for k in KINDS.values() if plot in k.plot_kinds]


def _chart(plot: str, name: str, what: str):
    def chart(replay, *args, **kwargs):
        kind = kind_of(replay.race)
        if plot not in kind.plot_kinds:
            raise RaceReplayError(f"{name} draws {' and '.join(_serving(plot))} races, not a {kind.name} race "
                                  f"(its charts: {', '.join(kind.plot_kinds) or 'none'})", key="replay",
                                  value=replay.race.id)
        return kind.chart(plot)(replay, *args, **kwargs)

    chart.__name__ = chart.__qualname__ = name
    chart.__doc__ = f"{what} (`race-replay plot --kind {plot}`); see the kind's chart for its options."
    return chart


position_chart = _chart("positions", "position_chart", "Each car's overall position over the race")
race_history_chart = _chart("history", "race_history_chart", "Laps behind the leader over the race")
class_chart = _chart("class", "class_chart", "Positions within each class")
index_chart = _chart("index", "index_chart", "The Index of Performance over the race")
distance_time_chart = _chart("distance-time", "distance_time_chart", "Each car's km along the route against the clock")
control_chart = _chart("controls", "control_chart", "Each car's place at each control")
gap_chart = _chart("gaps", "gap_chart", "Each car's elapsed-time gap at each control")
road_vs_elapsed_chart = _chart("road-vs-elapsed", "road_vs_elapsed_chart", "Road order against elapsed order")


def comparison_chart(real, whatif, cars=None):
    """The real race against a what-if of it, car by car: a race of a kind that has what-ifs."""
    kind = kind_of(real.race)
    if refuses(kind.apply_scenario):  # its refusal says why
        kind.apply_scenario(real)
    return kind.chart("comparison")(real, whatif, cars=cars)
