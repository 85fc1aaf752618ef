"""The forecast of a race known only from its practice timesheet (a race of kind "timesheet").

:func:`forecast` joins the pieces: the race as data (:mod:`.race`), the reliability model learnt from a replayed
race (:mod:`.hazard`), the Monte Carlo runs (:mod:`.montecarlo`) and their summary (:mod:`.summary`).
"""

from __future__ import annotations

from sim.forecast.model import Forecast, build_setup, forecast

__all__ = ["Forecast", "build_setup", "forecast"]
