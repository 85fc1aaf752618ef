"""Running the draws: in this process (workers=1), on a local dask.distributed cluster, or on a scheduler.

The draws go out in batches; each task returns its batch's :class:`~sim.montecarlo.tally.Tally` (counts, not the
draws), and the tallies are merged as they arrive: the client holds a few kilobytes however many draws run, and
the summary is the same whatever the batches, the workers or the order they finish in.
"""

from __future__ import annotations

import logging
import os

from sim.montecarlo.run import run_draw
from sim.montecarlo.tally import Tally

MAX_BATCH = 50  # draws per task: few enough that the progress bar moves and the workers share the end evenly


def run_batch(race_id: str, seed: int, indices: range, only: tuple[str, ...] = (),
              scenario: str | None = None) -> Tally:
    """The tally of draws `indices` of the sweep of `seed` (one task on a worker)."""
    return Tally.of(run_draw(race_id, seed, i, only, scenario) for i in indices)


def batches(runs: int, workers: int) -> list[range]:
    """The draws 0..runs-1 cut into consecutive batches, about four per worker at least, at most MAX_BATCH long."""
    size = max(1, min(MAX_BATCH, runs // (4 * max(workers, 1))))
    return [range(start, min(start + size, runs)) for start in range(0, runs, size)]


def sweep(race_id: str, runs: int, seed: int, workers: int | None = None, scheduler: str | None = None,
          progress: bool = False, only: tuple[str, ...] = (), scenario: str | None = None) -> Tally:
    """The tally of every draw. The draws are the same whatever runs them."""
    from tqdm import tqdm  # only when draws are run

    workers = workers or os.cpu_count() or 1
    bar = tqdm(total=runs, disable=not progress, desc="draws")
    try:
        if scheduler is None and workers == 1:
            tally = Tally()
            for i in range(runs):
                tally.add(run_draw(race_id, seed, i, only, scenario))
                bar.update(1)
            return tally
        return _on_dask(race_id, runs, seed, workers, scheduler, only, scenario, bar)
    finally:
        bar.close()


def _on_dask(race_id, runs, seed, workers, scheduler, only, scenario, bar) -> Tally:
    from dask.distributed import Client, LocalCluster, as_completed  # Dask: only for a sweep on workers

    if not logging.getLogger().isEnabledFor(logging.INFO):  # Dask's start-up chatter only with --verbose
        logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            slots = sum(client.nthreads().values()) or workers
            futures = [client.submit(run_batch, race_id, seed, batch, only, scenario, pure=False)
                       for batch in batches(runs, slots)]
            tally = Tally()
            for future in as_completed(futures):
                part = future.result()
                tally = tally.merge(part)
                bar.update(part.runs)
                future.release()
            return tally
    finally:
        if cluster is not None:
            cluster.close()
