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
from importlib import metadata as _metadata
from pathlib import Path as _Path

try:  # first: modules that record the version (run.json, the cache) read it while the package loads
    __version__ = _metadata.version("race-replay")
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

_EXPORTS = {  # public name -> (module, name): imported on first use, so `import sim` and the CLI start fast
    "anchor_dependence": ("sim.ablation", "anchor_dependence"),
    "anchor_ids": ("sim.ablation", "anchor_ids"),
    "Anomaly": ("sim.records", "Anomaly"),
    "apply_scenario": ("sim.scenario", "apply"),
    "CalibrationError": ("sim.errors", "CalibrationError"),
    "changed_cars": ("sim.plots", "changed_cars"),
    "check": ("sim.checkpoints", "check"),
    "check_regulations": ("sim.circuit.regulations", "check_regulations"),
    "class_chart": ("sim.plots", "class_chart"),
    "compare": ("sim.scenario", "compare"),
    "comparison_chart": ("sim.plots", "comparison_chart"),
    "Document": ("sim.document", "Document"),
    "Driver": ("sim.records", "Driver"),
    "Engine": ("sim.records", "Engine"),
    "entries_frame": ("sim.frames", "entries_frame"),
    "Entry": ("sim.records", "Entry"),
    "Event": ("sim.log", "Event"),
    "EventKind": ("sim.log", "EventKind"),
    "final_classification": ("sim.scenario", "final_classification"),
    "find_anomalies": ("sim.anomalies", "find_anomalies"),
    "index_chart": ("sim.plots", "index_chart"),
    "index_of_performance": ("sim.index", "index_of_performance"),
    "kind_of": ("sim.kinds", "kind_of"),
    "KINDS": ("sim.kinds", "KINDS"),
    "lap_length_km": ("sim.index", "lap_length_km"),
    "monte_carlo": ("sim.montecarlo.api", "monte_carlo"),
    "MonteCarlo": ("sim.montecarlo.api", "MonteCarlo"),
    "load_race": ("sim.sources", "load_race"),
    "load_scenario": ("sim.scenario", "load_scenario"),
    "parse_document": ("sim.document", "parse_document"),
    "ParseError": ("sim.errors", "ParseError"),
    "position_chart": ("sim.plots", "position_chart"),
    "positions_matrix": ("sim.standings", "positions_matrix"),
    "Race": ("sim.records", "Race"),
    "race_history_chart": ("sim.plots", "race_history_chart"),
    "race_ids": ("sim.sources", "race_ids"),
    "RaceDataError": ("sim.errors", "RaceDataError"),
    "RaceReplayError": ("sim.errors", "RaceReplayError"),
    "read_document": ("sim.document", "read_document"),
    "Replay": ("sim.pipeline", "Replay"),
    "Row": ("sim.document", "Row"),
    "run_replay": ("sim.pipeline", "run_replay"),
    "save_figure": ("sim.plots", "save_figure"),
    "Scenario": ("sim.scenario", "Scenario"),
    "ScenarioError": ("sim.errors", "ScenarioError"),
    "Section": ("sim.document", "Section"),
    "standings_at": ("sim.standings", "standings_at"),
    "Table": ("sim.document", "Table"),
    "target_km": ("sim.index", "target_km"),
}


def __getattr__(name: str):
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
    from sim.errors import ScenarioError
    from sim.pipeline import run_replay
    from sim.scenario import Scenario, apply, load_scenario

    if scenario is None:
        return run_replay(race, seed)
    loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if loaded.race != str(race):
        raise ScenarioError(f"the scenario is for {loaded.race}, not {race}", file=loaded.file, key="scenario.race",
                            value=loaded.race)
    return apply(loaded, *(() if seed is None else (seed,)))


__all__ = [
    "anchor_dependence", "anchor_ids",
    "KINDS", "Anomaly", "CalibrationError", "MonteCarlo", "Document", "Driver", "Engine", "Entry", "Event", "EventKind",
    "ParseError", "Race", "RaceDataError", "RaceReplayError", "Replay", "Row", "Scenario", "ScenarioError", "Section",
    "Table", "__version__", "apply_scenario", "changed_cars", "check", "check_regulations", "class_chart", "compare",
    "comparison_chart", "entries_frame", "final_classification", "find_anomalies", "index_chart",
    "index_of_performance", "kind_of", "lap_length_km", "load_race", "load_scenario", "monte_carlo", "parse_document",
    "position_chart", "positions_matrix", "race_history_chart", "race_ids", "read_document", "replay", "run_replay",
    "save_figure", "standings_at", "target_km",
]
