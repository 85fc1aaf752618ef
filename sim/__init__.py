"""race-replay: replays historical motor races from their source documents.

>>> import sim
>>> r = sim.replay(sim.race_ids()[0])                  # doctest: +SKIP
>>> r.standings(at="21:00").head()                  # doctest: +SKIP
>>> r.laps(), r.events(), r.checkpoints()           # doctest: +SKIP
>>> sim.position_chart(r)                           # doctest: +SKIP

The public API is this module's ``__all__``: notebooks, scenario scripts and the README use only it.
"""

from __future__ import annotations

import importlib as _importlib
from pathlib import Path as _Path

_EXPORTS = {  # public name -> (module, name): imported on first use, so `import sim` and the CLI start fast
    "anchor_dependence": ("sim.pipeline", "anchor_dependence"),
    "anchor_ids": ("sim.pipeline", "anchor_ids"),
    "Anomaly": ("sim.records", "Anomaly"),
    "apply_scenario": ("sim.pipeline", "apply_scenario"),
    "CalibrationError": ("sim.errors", "CalibrationError"),
    "changed_cars": ("sim.circuit.chartdata", "changed_cars"),
    "check": ("sim.checkpoints", "check"),
    "check_regulations": ("sim.api", "check_regulations"),
    "class_chart": ("sim.charts", "class_chart"),
    "compare": ("sim.circuit.scenario", "compare"),
    "comparison_chart": ("sim.charts", "comparison_chart"),
    "Document": ("sim.document", "Document"),
    "Driver": ("sim.records", "Driver"),
    "Engine": ("sim.records", "Engine"),
    "entries_frame": ("sim.frames", "entries_frame"),
    "Entry": ("sim.records", "Entry"),
    "Event": ("sim.log", "Event"),
    "EventKind": ("sim.log", "EventKind"),
    "final_classification": ("sim.circuit.scenario", "final_classification"),
    "find_anomalies": ("sim.anomalies", "find_anomalies"),
    "index_chart": ("sim.charts", "index_chart"),
    "distance_time_chart": ("sim.charts", "distance_time_chart"),
    "control_chart": ("sim.charts", "control_chart"),
    "gap_chart": ("sim.charts", "gap_chart"),
    "road_vs_elapsed_chart": ("sim.charts", "road_vs_elapsed_chart"),
    "forecast": ("sim.pipeline", "forecast"),
    "Forecast": ("sim.timesheet.model", "Forecast"),
    "index_of_performance": ("sim.index", "index_of_performance"),
    "kind_of": ("sim.kinds", "kind_of"),
    "KINDS": ("sim.kinds", "KINDS"),
    "lap_length_km": ("sim.index", "lap_length_km"),
    "monte_carlo": ("sim.montecarlo.api", "monte_carlo"),
    "MonteCarlo": ("sim.montecarlo.api", "MonteCarlo"),
    "load_race": ("sim.kinds", "load_race"),
    "load_scenario": ("sim.pipeline", "load_scenario"),
    "parse_document": ("sim.document", "parse_document"),
    "ParseError": ("sim.errors", "ParseError"),
    "position_chart": ("sim.charts", "position_chart"),
    "positions_matrix": ("sim.standings", "positions_matrix"),
    "Race": ("sim.records", "Race"),
    "race_history_chart": ("sim.charts", "race_history_chart"),
    "race_ids": ("sim.sources", "race_ids"),
    "RaceDataError": ("sim.errors", "RaceDataError"),
    "RaceReplayError": ("sim.errors", "RaceReplayError"),
    "read_document": ("sim.document", "read_document"),
    "Replay": ("sim.replays", "Replay"),
    "Row": ("sim.document", "Row"),
    "run_replay": ("sim.pipeline", "run_replay"),
    "save_figure": ("sim.plots.render", "save_figure"),
    "Scenario": ("sim.circuit.scenario", "Scenario"),
    "ScenarioError": ("sim.errors", "ScenarioError"),
    "Section": ("sim.document", "Section"),
    "standings_at": ("sim.standings", "standings_at"),
    "Table": ("sim.document", "Table"),
    "target_km": ("sim.index", "target_km"),
}


def __getattr__(name: str):
    if name == "__version__":  # read from the installed metadata on first use
        from sim.version import version  # the installed metadata: read on first use

        return version()
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = getattr(_importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def replay(race: str | _Path, seed: int | None = None, scenario=None):
    """Replay a race (a race id or the path of a document), or a what-if `scenario` of it (a TOML file or a loaded
    :class:`Scenario`), with the lap-time scatter of `seed` (default 1957)."""
    from sim.pipeline import run_replay, what_if  # `import sim` stays light: the replay loads on first use

    if scenario is None:
        return run_replay(race, seed)
    return what_if(race, scenario, *(() if seed is None else (seed,)))


__all__ = [
    "anchor_dependence", "anchor_ids",
    "KINDS", "Anomaly", "CalibrationError", "MonteCarlo", "Document", "Driver", "Engine", "Entry", "Event", "EventKind",
    "ParseError", "Race", "RaceDataError", "RaceReplayError", "Replay", "Row", "Scenario", "ScenarioError", "Section",
    "Table", "__version__", "apply_scenario", "control_chart", "distance_time_chart", "forecast", "Forecast",
    "gap_chart", "road_vs_elapsed_chart", "changed_cars", "check", "check_regulations", "class_chart", "compare",
    "comparison_chart", "entries_frame", "final_classification", "find_anomalies", "index_chart",
    "index_of_performance", "kind_of", "lap_length_km", "load_race", "load_scenario", "monte_carlo", "parse_document",
    "position_chart", "positions_matrix", "race_history_chart", "race_ids", "read_document", "replay", "run_replay",
    "save_figure", "standings_at", "target_km",
]
