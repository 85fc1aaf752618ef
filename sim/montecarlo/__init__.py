"""Monte Carlo over what history leaves unknown (issue 12): every ranged assumption of a race is drawn, the race is
recalibrated so every known fact still holds, replayed and checked; the draws are summarised as shares and bands.

Draw i of seed S uses ``SeedSequence(S, spawn_key=(i,))`` alone, so a sweep gives the same result on one process,
a 2-worker ``dask.distributed`` cluster or any other.
"""

from sim.montecarlo.draws import draw_values, with_values
from sim.montecarlo.run import DrawResult, run_draw
from sim.montecarlo.summary import summarise
from sim.montecarlo.sweep import sweep

__all__ = ["DrawResult", "draw_values", "run_draw", "summarise", "sweep", "with_values"]
