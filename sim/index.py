"""The Index of Performance of a Le Mans race, from its published laps (see docs/index_of_performance.md).

lap length  L = published distance / winner's laps        (1957: 4397.11 km / 327)
distance    d = laps x L
target      t = the regulations' target distance at the car's exact displacement, linearly
                interpolated between the table's nominal sizes (extrapolated from the two smallest
                below 750 cc, from the two largest above 4000 cc)
index       d / t, for classified cars only
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.errors import RaceDataError
from sim.records import Anomaly, Race

TOLERANCE = 0.005  # the published scores have 3 decimals; ours agree within this


def target_km(targets: Mapping[int, float], cc: float) -> float:
    """Target distance for ``cc`` by linear interpolation of ``targets`` ({750: 2666.7, ...}).

    Outside the table the nearest two points are extended (744 cc -> just under 2666.7 km).
    Raises ValueError if ``targets`` has fewer than two points or ``cc`` is not positive.
    """
    if len(targets) < 2:
        raise ValueError(f"targets(={dict(targets)}) need at least two sizes")
    if cc <= 0:
        raise ValueError(f"cc(={cc}) must be > 0")
    sizes = sorted(targets)
    pairs = list(zip(sizes, sizes[1:]))
    low, high = next(((a, b) for a, b in pairs if cc <= b), pairs[-1]) if cc >= sizes[0] else pairs[0]
    return targets[low] + (cc - low) * (targets[high] - targets[low]) / (high - low)


def lap_length_km(race: Race) -> float:
    """Published distance / the winner's laps. Raises RaceDataError if either is missing."""
    distance = race.statistics.get("distance_km")
    if not isinstance(distance, float):
        raise RaceDataError("the race has no published distance", file=race.source_file, key="distance_km")
    winner = next((e for e in race.entries if e.position == 1 and e.status == "classified"), None)
    if winner is None or not winner.laps:
        raise RaceDataError("the race has no classified winner with laps", file=race.source_file, key="position 1")
    return distance / winner.laps


def index_of_performance(race: Race) -> dict[str, float]:
    """{car number: index} for every classified car with a displacement; {} without targets.

    Raises RaceDataError if the race has targets but no published distance or winner, fewer than
    two target sizes, or targets that give a car no positive target distance.
    """
    if not race.index_targets_km:
        return {}
    if len(race.index_targets_km) < 2:
        raise RaceDataError("the Index of Performance needs target distances for at least two engine sizes",
                            file=race.source_file, key="index_targets_km", value=dict(race.index_targets_km))
    lap = lap_length_km(race)
    found = {}
    for e in race.entries:
        if e.status == "classified" and e.laps is not None and e.engine and e.engine.displacement_cc:
            target = target_km(race.index_targets_km, e.engine.displacement_cc)
            if not target > 0:  # extrapolated below the smallest size from odd targets
                raise RaceDataError(f"the Index targets give {e.engine.displacement_cc} cc a target of {target:.1f} km",
                                    file=race.source_file, line=e.line, car=e.number, key="index_targets_km")
            found[e.number] = e.laps * lap / target
    return found


def skipped(race: Race) -> dict[str, str]:
    """{car number: why it has no index} for the classified cars the Index of Performance skips; {} without targets.

    A car is skipped when its engine cell gives no displacement (none written, or one that cannot be read, such
    as "Renault 747L S4": the parser keeps it as an anomaly on the car).
    """
    if not race.index_targets_km:
        return {}
    return {e.number: (f"engine {e.engine.text!r} gives no readable displacement" if e.engine and e.engine.text
                       else "no engine given")
            for e in race.entries
            if e.status == "classified" and e.laps is not None and not (e.engine and e.engine.displacement_cc)}


def ranking(race: Race) -> list[tuple[int, str, float]]:
    """[(rank, number, index)], best first."""
    scores = sorted(index_of_performance(race).items(), key=lambda item: -item[1])
    return [(rank, number, score) for rank, (number, score) in enumerate(scores, start=1)]


def compare_with_published(race: Race) -> list[Anomaly]:
    """Where the computed Index disagrees with the published table.

    One anomaly per car whose score is off by more than TOLERANCE or missing from our top N, and
    one "source-conflict" per pair the published table orders differently from the published laps.
    """
    table = race.published.get("index_of_performance") or []
    if not table:
        return []
    computed = index_of_performance(race)
    lines = race.published.get("source_lines", {}).get("index_of_performance", {})
    file = race.source_file
    found = []
    top = {number for _, number, _ in ranking(race)[: len(table)]}
    for position, number, score in table:
        mine = computed.get(number)
        if mine is None or abs(mine - score) > TOLERANCE or number not in top:
            why = skipped(race).get(number)
            shown = ("no index" + (f" ({why})" if why else "")) if mine is None else f"{mine:.4f}"
            found.append(Anomaly(file, lines.get(number, 0), "index-mismatch",
                                 f"Index {position}: car {number} published {score:.3f}, computed {shown}"))
    for i, (pos_a, a, score_a) in enumerate(table):
        for pos_b, b, score_b in table[i + 1 :]:
            if a in computed and b in computed and computed[b] > computed[a]:
                tie = "equal at the published precision" if score_a == score_b else f"{score_a:.3f} vs {score_b:.3f}"
                found.append(Anomaly(
                    file, lines.get(b, 0), "source-conflict",
                    f"Index of Performance: the published table puts car {a} (position {pos_a}, {score_a:.3f}) "
                    f"ahead of car {b} (position {pos_b}, {score_b:.3f}), scores {tie}, but their published laps "
                    f"give {b} {computed[b]:.4f} > {a} {computed[a]:.4f}; kept the computed order",
                ))
    return found
