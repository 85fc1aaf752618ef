"""The timesheet's entry in the registry (:mod:`sim.kinds`): a practice timesheet has no results, so it is
forecast, never replayed; everything a replay does is a refusal that says so."""

from __future__ import annotations

from sim.racekind import RaceKind, Refusal
from sim.sources import practice
from sim.timesheet.model import forecast, source

_NO_REPLAY = Refusal("timesheet", "be replayed", "a practice timesheet has no results to replay (it can only be "
                                                 "forecast)")

KIND = RaceKind(
    name="timesheet",
    what="a practice timesheet: entries and practice times, no results",
    parse=practice.parse,
    recognises=practice.recognises,
    replay=_NO_REPLAY,
    facts=_NO_REPLAY,
    prepare=_NO_REPLAY,
    regulations=_NO_REPLAY,
    report=_NO_REPLAY,
    files=_NO_REPLAY,
    plots=_NO_REPLAY,
    plot_kinds=(),
    draw=_NO_REPLAY,
    chart=_NO_REPLAY,
    band_kinds=(),
    page=_NO_REPLAY,
    standings_text=_NO_REPLAY,
    summary_lines=_NO_REPLAY,
    load_scenario=_NO_REPLAY,
    apply_scenario=_NO_REPLAY,
    draw_values=_NO_REPLAY,
    with_values=_NO_REPLAY,
    draw_record=_NO_REPLAY,
    anchor_dependence=_NO_REPLAY,
    forecast=forecast,
    forecast_source=source,
)
