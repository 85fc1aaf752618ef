"""One draw: the facts with drawn values -> plan -> calibration -> replay -> checks, kept as a small result."""

from __future__ import annotations

import fnmatch
import re
import time
from dataclasses import dataclass

import numpy as np

from sim import kinds
from sim.checkpoints import evaluate
from sim.errors import CalibrationError
from sim.kinds import load_race
from sim.pipeline import replay_plan, seed_text

_BASE: dict[str, tuple] = {}  # race id -> (race, facts): read once per process


@dataclass(frozen=True)
class DrawResult:
    """What a summary needs of one draw (picklable, small). `failed` is the cause when it could not be calibrated."""

    index: int
    values: dict
    failed: str | None = None
    cars: tuple[str, ...] = ()
    positions: np.ndarray | None = None  # (cars, hours) overall position at the end of each hour
    laps: np.ndarray | None = None  # (cars, hours) laps completed
    statuses: tuple[str, ...] = ()  # each checkpoint's status, in the facts' order
    order: tuple[str, ...] = ()  # the final order
    winner: str | None = None
    margin_laps: int | None = None
    margin_s: float | None = None  # how long after the winner the second car crossed the line on its last lap
    whatif_winner: str | None = None  # with a scenario: the what-if replay's winner and margin on this calibration
    whatif_margin_laps: int | None = None
    calibration_s: float = 0.0
    controls: tuple = ()  # a time trial: ((control, ((car, elapsed s), ...) by elapsed), ...)


def base(race_id: str):
    if race_id not in _BASE:
        race = load_race(race_id)
        _BASE[race_id] = race, kinds.replay_kind(race).facts(race, seed_text(race))
    return _BASE[race_id]


def cause(exc: CalibrationError) -> str:
    """A failure's cause without its numbers, so draws that fail the same way are counted together."""
    what = re.sub(r"[0-9]+(\.[0-9]+)?", "N", exc.message.split(":")[0])
    where = ", ".join(p for p in (f"car {exc.car}" if exc.car else "", f"key {exc.key}" if exc.key else "") if p)
    return f"{what} ({where})" if where else what


def _winner(replay, order: str) -> tuple[list, int | None, float | None]:
    final = replay.table.order_at(replay.facts.duration_s, order)
    if len(final) < 2:
        return final, None, None
    return final, int(final[0][1] - final[1][1]), round(float(final[1][3] - final[0][3]), 3)


def run_draw(race_id: str, seed: int, index: int, only: tuple[str, ...] = (),
             scenario: str | None = None) -> DrawResult:
    """Draw `index` of the sweep of `seed`: a pure function of its arguments. `only` (glob patterns of range names)
    applies just those drawn values; every range is still drawn, so a value does not depend on what else is."""
    race, facts = base(race_id)
    kind = kinds.replay_kind(race)
    values, noise_seed = kind.draw_values(facts, seed, index)
    if only:
        values = {k: v for k, v in values.items() if any(fnmatch.fnmatchcase(k, pattern) for pattern in only)}
    drawn = kind.with_values(facts, values)
    started = time.perf_counter()
    try:
        plan, calibration = kind.prepare(race, drawn, noise_seed)
    except CalibrationError as exc:
        return DrawResult(index, values, failed=cause(exc), calibration_s=time.perf_counter() - started)
    calibration_s = time.perf_counter() - started
    replay = replay_plan(race, drawn, plan, calibration, label=f"draw {index}")
    record = kind.draw_record(replay)
    final, margin_laps, margin_s = _winner(replay, kind.order) if "winner" not in record else ((), None, None)
    whatif = (None, None)
    if scenario is not None:
        whatif_replay = kind.apply_scenario(kind.load_scenario(scenario), race, drawn, plan, calibration)
        wfinal, wmargin, _ = _winner(whatif_replay, kind.order)
        whatif = (wfinal[0][0] if wfinal else None, wmargin)
    fields = {"statuses": tuple(evaluate(replay, cp).status for cp in drawn.checkpoints),
              "order": tuple(row[0] for row in final), "winner": final[0][0] if final else None,
              "margin_laps": margin_laps, "margin_s": margin_s, "whatif_winner": whatif[0],
              "whatif_margin_laps": whatif[1], "calibration_s": calibration_s}
    return DrawResult(index, values, None, **(fields | record))
