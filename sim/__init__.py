"""race-replay: replays historical motor races from their source documents.

The public API is small; everything else lives in private modules.
"""

from sim.errors import CalibrationError, ParseError, RaceDataError, RaceReplayError, ScenarioError
from sim.model import Anomaly, Driver, Engine, Entry, Race

__all__ = [
    "Anomaly",
    "CalibrationError",
    "Driver",
    "Engine",
    "Entry",
    "ParseError",
    "Race",
    "RaceDataError",
    "RaceReplayError",
    "ScenarioError",
]
