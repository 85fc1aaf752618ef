"""The circuit's entry in the registry (:mod:`sim.kinds`): what a circuit race can do and which functions do it.

The charts (matplotlib) and the page (Plotly) are imported when first used, so a command that only prints
standings or checks does not pay for them.
"""

from __future__ import annotations

from sim.circuit import ablation, draws, scenario
from sim.circuit.plotkinds import BAND_PLOT_KINDS, PLOT_KINDS
from sim.circuit.regulations import check_regulations
from sim.circuit.replay import REPLAY, facts_for, prepare
from sim.circuit.report import report_data, report_files
from sim.circuit.standings_text import standings_text
from sim.racekind import RaceKind, Refusal
from sim.sources import lemans


def _plots(replay, report: dict | None = None, bands: dict | None = None) -> dict[str, bytes]:
    from sim.circuit.charts import render_all_plots  # matplotlib: only for the commands that draw

    return render_all_plots(replay, report=report, bands=bands)


def _draw(replay, kind: str, top=None, car_class=None, bands=None):
    from sim.circuit.charts import draw  # matplotlib: only for the commands that draw

    return draw(replay, kind, top=top, car_class=car_class, bands=bands)


_CHARTS = {"positions": "position_chart", "history": "race_history_chart", "class": "class_chart",
           "index": "index_chart", "comparison": "comparison_chart"}


def _chart(name: str):
    from sim.circuit import charts  # matplotlib: only for the commands that draw

    return getattr(charts, _CHARTS[name])


def page_spans(replay) -> tuple:
    """The night and the fog, the spans of time the page shades."""
    a = replay.facts.assumptions
    return tuple((name, span[0], span[1]) for name, span in (("night", a.night), ("fog", a.fog)) if span)


def _page(replay, report: dict) -> bytes:
    from sim.html import page_bytes  # Plotly's script: only for the commands that write the page

    return page_bytes(replay, report, page_spans(replay))


def _summary_lines(replay, data: dict) -> list[str]:
    lines = []
    if data["defaults"]:  # a race folder gives every value: defaults are used only for a document alone
        lines.append(f"Defaults used: {len(data['defaults'])} (no race folder; listed in checkpoints.md)")
    breaches = [f"car {b['car']}: {b['detail']}" + (" (recorded)" if b["recorded"] else "")
                for b in data["regulations"]]
    return [*lines, "Regulations: " + ("; ".join(breaches) or "no breach")]


_NO_FORECAST = Refusal("circuit", "be forecast", "only a practice timesheet (a race with no results) is forecast")

KIND = RaceKind(
    name="circuit",
    what="laps of a closed circuit from a common start to a flag",
    parse=lemans.parse,
    recognises=lemans.recognises,
    replay=REPLAY,
    facts=facts_for,
    prepare=prepare,
    regulations=check_regulations,
    report=report_data,
    files=report_files,
    plots=_plots,
    plot_kinds=PLOT_KINDS,
    draw=_draw,
    chart=_chart,
    band_kinds=BAND_PLOT_KINDS,
    page=_page,
    standings_text=standings_text,
    summary_lines=_summary_lines,
    load_scenario=scenario.load_scenario,
    apply_scenario=scenario.apply_to,
    draw_values=draws.draw_values,
    with_values=draws.with_values,
    draw_record=draws.draw_record,
    anchor_dependence=ablation.anchor_dependence,
    forecast=_NO_FORECAST,
    forecast_source=_NO_FORECAST,
)
