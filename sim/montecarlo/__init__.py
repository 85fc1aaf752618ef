"""Monte Carlo over what history leaves unknown (issue 12): every ranged assumption of a race is drawn, the race is
recalibrated so every known fact still holds, replayed and checked; the draws are summarised as shares and bands.

Draw i of seed S uses ``SeedSequence(S, spawn_key=(i,))`` alone, so a sweep gives the same result on one process,
a 2-worker ``dask.distributed`` cluster or any other. :func:`monte_carlo` (``sim.monte_carlo``) runs a sweep and
returns a :class:`MonteCarlo`, which answers what the draws say (:mod:`sim.montecarlo.api`); the bands the charts
shade are read from the summary by :mod:`sim.bands`.
"""

from sim.montecarlo.api import MonteCarlo, monte_carlo
from sim.montecarlo.run import DrawResult, run_draw
from sim.montecarlo.summary import summarise
from sim.montecarlo.sweep import sweep

__all__ = ["DrawResult", "MonteCarlo", "monte_carlo", "run_draw", "summarise", "sweep"]
