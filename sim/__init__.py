"""race-replay: replays historical motor races from their source documents.

>>> import sim
>>> r = sim.replay("le-mans-1957")                  # doctest: +SKIP
>>> r.standings(at="21:00").head()                  # doctest: +SKIP
>>> r.laps(), r.events(), r.checkpoints()           # doctest: +SKIP
>>> sim.position_chart(r)                           # doctest: +SKIP

The public API is this module's ``__all__``: notebooks, scenario scripts and the README use only it.
"""

from __future__ import annotations

from importlib import metadata as _metadata
from pathlib import Path as _Path

try:  # first: modules that record the version (run.json, the cache) read it while the package loads
    __version__ = _metadata.version("race-replay")
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

from sim.anomalies import find_anomalies
from sim.checkpoints import check
from sim.circuit.regulations import check_regulations
from sim.document import Document, Row, Section, Table, parse_document, read_document
from sim.errors import CalibrationError, ParseError, RaceDataError, RaceReplayError, ScenarioError
from sim.frames import entries_frame
from sim.index import index_of_performance, lap_length_km, target_km
from sim.kinds import KINDS, kind_of
from sim.log import Event, EventKind
from sim.pipeline import Replay, run_replay
from sim.plots import (changed_cars, class_chart, comparison_chart, index_chart, position_chart, race_history_chart,
                       save_figure)
from sim.records import Anomaly, Driver, Engine, Entry, Race
from sim.scenario import Scenario, compare, final_classification, load_scenario
from sim.scenario import apply as apply_scenario
from sim.sources import load_race, race_ids
from sim.standings import positions_matrix, standings_at



def replay(race: str | _Path, seed: int | None = None, scenario: str | _Path | Scenario | None = None) -> Replay:
    """Replay a race (a race id or the path of a document), or a what-if `scenario` of it (a TOML file or a loaded
    :class:`Scenario`), with the lap-time scatter of `seed` (default 1957)."""
    if scenario is None:
        return run_replay(race, seed)
    loaded = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if loaded.race != str(race):
        raise ScenarioError(f"the scenario is for {loaded.race}, not {race}", file=loaded.file, key="scenario.race",
                            value=loaded.race)
    return apply_scenario(loaded, *(() if seed is None else (seed,)))


__all__ = [
    "KINDS", "Anomaly", "CalibrationError", "Document", "Driver", "Engine", "Entry", "Event", "EventKind",
    "ParseError", "Race", "RaceDataError", "RaceReplayError", "Replay", "Row", "Scenario", "ScenarioError", "Section",
    "Table", "__version__", "apply_scenario", "changed_cars", "check", "check_regulations", "class_chart", "compare",
    "comparison_chart", "entries_frame", "final_classification", "find_anomalies", "index_chart",
    "index_of_performance", "kind_of", "lap_length_km", "load_race", "load_scenario", "parse_document",
    "position_chart", "positions_matrix", "race_history_chart", "race_ids", "read_document", "replay", "run_replay",
    "save_figure", "standings_at", "target_km",
]
