"""Running the draws: in this process (workers=1), on a local dask.distributed cluster, or on a scheduler."""

from __future__ import annotations

import os

from sim.montecarlo.run import run_draw


def sweep(race_id: str, runs: int, seed: int, workers: int | None = None, scheduler: str | None = None,
          progress: bool = False, only: tuple[str, ...] = (),
          scenario: str | None = None) -> list:
    """Every draw's result, in draw order. The draws are the same whatever runs them."""
    workers = workers or os.cpu_count() or 1
    if scheduler is None and workers == 1:
        from tqdm import tqdm

        return [run_draw(race_id, seed, i, only, scenario) for i in tqdm(range(runs), disable=not progress, desc="draws")]
    import logging

    from dask.distributed import Client, LocalCluster, as_completed

    if not logging.getLogger().isEnabledFor(logging.INFO):  # Dask's start-up chatter only with --verbose
        logging.getLogger("distributed").setLevel(logging.ERROR)

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            futures = client.map(run_draw, [race_id] * runs, [seed] * runs, range(runs), [only] * runs,
                                  [scenario] * runs, pure=False)
            results = []
            from tqdm import tqdm

            for future in tqdm(as_completed(futures), total=runs, disable=not progress, desc="draws"):
                results.append(future.result())
    finally:
        if cluster is not None:
            cluster.close()
    return sorted(results, key=lambda r: r.index)
