"""race-replay: replays historical motor races from their source documents.

>>> from sim import load_race, run_replay, check
>>> race = load_race("le-mans-1957")            # typed entries, anomalies, published tables
>>> replay = run_replay("le-mans-1957")         # calibrated SimPy replay: event log, standings at any instant
>>> replay.standings(hour=5).head()             # doctest: +SKIP
>>> check(replay)["totals"]                     # doctest: +SKIP

The public API is this module's ``__all__``; everything else lives in private modules.
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("race-replay")
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

from sim.checkpoints import check
from sim.document import Document, Row, Section, Table, parse_document, read_document
from sim.circuit.engine import Event
from sim.errors import CalibrationError, ParseError, RaceDataError, RaceReplayError, ScenarioError
from sim.frames import entries_frame
from sim.index import index_of_performance, lap_length_km, target_km
from sim.anomalies import find_anomalies
from sim.records import Anomaly, Driver, Engine, Entry, Race
from sim.circuit.regulations import check_regulations
from sim.replay import Replay, run_replay
from sim.scenario import apply as apply_scenario
from sim.scenario import compare, load_scenario
from sim.sources import load_race, race_ids
from sim.standings import positions_matrix, standings_at

__all__ = [
    "Anomaly", "CalibrationError", "Document", "Driver", "Engine", "Entry", "Event", "ParseError", "Race",
    "RaceDataError", "RaceReplayError", "Replay", "Row", "ScenarioError", "Section", "Table",
    "apply_scenario", "check", "check_regulations", "compare", "entries_frame", "find_anomalies",
    "index_of_performance", "lap_length_km", "load_race", "load_scenario", "parse_document", "positions_matrix",
    "race_ids", "read_document", "run_replay", "standings_at", "target_km",
]
