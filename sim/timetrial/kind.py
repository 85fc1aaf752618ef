"""The time trial's entry in the registry (:mod:`sim.kinds`): what a time-trial race can do and which functions do it.

The charts (matplotlib) and the page (Plotly) are imported when first used, so a command that only prints
standings or checks does not pay for them.
"""

from __future__ import annotations

from sim.racekind import RaceKind, Refusal
from sim.sources import millemiglia
from sim.timetrial import draws
from sim.timetrial.page import page_extra, page_script
from sim.timetrial.replay import REPLAY, facts_for, prepare
from sim.timetrial.report import report_data, report_files, standings_report

PLOT_KINDS = ("distance-time", "controls", "gaps", "road-vs-elapsed")  # in the order `run` writes them


def _files(replay, data: dict, montecarlo: dict | None = None) -> dict[str, str]:
    return report_files(replay, data)  # the draws' leaders at each control are in the Monte Carlo's report.md


def _plots(replay, report: dict | None = None, bands: dict | None = None) -> dict[str, bytes]:
    from sim.timetrial.plots import render_all  # matplotlib: only for the commands that draw

    return render_all(replay, bands)


def _draw(replay, kind: str, top=None, car_class=None, bands=None):
    from sim.timetrial.plots import draw  # matplotlib: only for the commands that draw

    return draw(replay, kind, top=top, car_class=car_class, bands=bands)


_CHARTS = {"distance-time": "distance_time_chart", "controls": "control_chart", "gaps": "gap_chart",
           "road-vs-elapsed": "road_vs_elapsed_chart"}


def _chart(name: str):
    from sim.timetrial import plots  # matplotlib: only for the commands that draw

    return getattr(plots, _CHARTS[name])


def _page(replay, report: dict) -> bytes:
    from sim.html import page_bytes  # Plotly's script: only for the commands that write the page

    return page_bytes(replay, report, extra=page_extra(replay), scripts=(page_script(),))


def _refusal(action: str, reason: str) -> Refusal:
    return Refusal("time-trial", action, reason)


def _profile_lines(profile: dict) -> list[str]:
    """The course profile as `run` and `check` print it: each road's factor, its source and the record it gives back."""
    factors = ", ".join(f"{road} {factor:.3f}" + (f" ± {profile['sd'][road]:.3f}" if road in profile["sd"] else "")
                        for road, factor in profile["factors"].items())
    shares = "; ".join(f"{o['id']} record {o['record']:.1%}, profile {o['profile']:.1%}"
                       for o in profile["observations"])
    return [f"Course profile (time per km against the plain): {factors}; fitted to {len(profile['rows'])} figures of "
            f"the 1954-56 record ({profile['file']})",
            f"  the record's shares of the winner's time given back: {shares}"]


def _summary_lines(replay, data: dict) -> list[str]:
    lines = _profile_lines(data["profile"])
    if data["readings"]:
        lines.append(f"Time-column readings: {len(data['readings'])} (each with its reason in checkpoints.md)")
    if data["defaults"]:
        lines.append(f"Defaults used: {len(data['defaults'])} (listed in checkpoints.md)")
    return lines


_NO_WHAT_IF = _refusal("replay a what-if scenario", "what-ifs are modelled for circuit races only (yet)")
_NO_RULES = _refusal("be checked against stint and refuelling rules", "its race folder states none")
_NO_FORECAST = _refusal("be forecast", "only a practice timesheet (a race with no results) is forecast")

KIND = RaceKind(
    name="time-trial",
    what="a point-to-point road race, each car timed from its own start",
    parse=millemiglia.parse,
    recognises=millemiglia.recognises,
    replay=REPLAY,
    facts=facts_for,
    prepare=prepare,
    regulations=_NO_RULES,
    report=report_data,
    files=_files,
    plots=_plots,
    plot_kinds=PLOT_KINDS,
    draw=_draw,
    chart=_chart,
    band_kinds=("controls",),
    page=_page,
    standings_text=standings_report,
    summary_lines=_summary_lines,
    load_scenario=_NO_WHAT_IF,
    apply_scenario=_NO_WHAT_IF,
    draw_values=draws.draw_values,
    with_values=draws.with_values,
    draw_record=draws.draw_record,
    anchor_dependence=_refusal("take its anchors out one by one", "a time trial's replay has no anchors"),
    forecast=_NO_FORECAST,
    forecast_source=_NO_FORECAST,
)
