"""The race kinds, chosen in one place: what a race of each kind can do and which functions do it.

A race's kind comes from its source (the seeds manifest, or what its document's tables show); the command line
and the API dispatch through :func:`kind_of` and nowhere else. A kind that cannot do something (a replay of a
practice timesheet) says so in one clear error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim import circuit, timetrial
from sim.errors import RaceDataError
from sim.records import Race
from sim.sources import lemans, millemiglia, practice


@dataclass(frozen=True)
class RaceKind:
    name: str
    what: str
    parse: Callable  # (document, RaceInfo) -> Race: reads a source document of this kind
    facts: Callable | None = None  # (race, seed text) -> RaceFacts
    prepare: Callable | None = None  # (race, facts, seed, rules) -> (plan, calibration)
    simulate: Callable | None = None  # (plan, calibration, paces) -> (event log, runs)
    plots: Callable | None = None  # (replay, report data) -> {file name: PNG or SVG bytes}: the plots `run` writes
    plot_kinds: tuple[str, ...] = ()  # what `race-replay plot --kind` can draw for a race of this kind
    cannot_replay: str = ""  # why a race of this kind cannot be replayed (yet)
    forecast: Callable | None = None  # (race, runs, seed, ...) -> Forecast: a forward Monte Carlo of the race
    report: Callable | None = None  # (replay) -> report data, where the kind's report is not the circuit's
    files: Callable | None = None  # (replay, report data) -> {file name: text}: the text files `run` writes
    standings_report: Callable | None = None  # (replay, CLI args) -> text: `race-replay standings` for this kind
    draw: Callable | None = None  # (replay, plot kind, top, car_class) -> Figure, where not the circuit's plots.draw
    page: Callable | None = None  # (replay, report data) -> bytes: the interactive replay page (replay.html)
    band_kinds: tuple[str, ...] = ()  # the plots that shade Monte Carlo bands: a kind without any cannot draw
    order: str = "distance"  # the order that decides the race (sim.standings.ORDERS)
    unit: str = "laps"  # what a car's marks count

    @property
    def replays(self) -> bool:
        return self.prepare is not None


def _circuit_plots(replay, report: dict | None = None, bands: dict | None = None) -> dict[str, bytes]:
    from sim.plots.charts import render_all_plots

    return render_all_plots(replay, report=report, bands=bands)


def _page(replay, report: dict | None = None) -> bytes:
    from sim.html import page_bytes

    return page_bytes(replay, report)


def _forecast(race, *args, **kwargs):
    from sim.forecast import forecast

    return forecast(race, *args, **kwargs)


KINDS = {kind.name: kind for kind in (
    RaceKind("circuit", "laps of a closed circuit from a common start to a flag", lemans.parse,
             circuit.facts_for, circuit.prepare, circuit.simulate, _circuit_plots, circuit.PLOT_KINDS,
             page=_page, band_kinds=circuit.BAND_PLOT_KINDS),
    RaceKind("time-trial", "a point-to-point road race, each car timed from its own start", millemiglia.parse,
             timetrial.facts_for, timetrial.prepare, timetrial.simulate, timetrial.plots, timetrial.PLOT_KINDS,
             report=timetrial.report_data, files=timetrial.report_files,
             standings_report=timetrial.standings_report, draw=timetrial.draw, page=_page, order="elapsed", unit="controls"),
    RaceKind("timesheet", "a practice timesheet: entries and practice times, no results", practice.parse,
             cannot_replay="a practice timesheet has no results to replay (it can only be forecast)",
             forecast=_forecast),
)}


def kind_of(race: Race) -> RaceKind:
    """The kind of a parsed race."""
    if race.kind in KINDS:
        return KINDS[race.kind]
    raise RaceDataError(f"is not a known race kind ({', '.join(KINDS)})", file=race.source_file, key="kind",
                        value=race.kind)


def replay_kind(race: Race) -> RaceKind:
    """The kind of a race that is to be replayed; RaceDataError if its kind cannot be."""
    kind = kind_of(race)
    if not kind.replays:
        raise RaceDataError(f"cannot be replayed: it is a {kind.name} race, and {kind.cannot_replay}", key="race",
                            value=race.id)
    return kind


def forecast_kind(race: Race) -> RaceKind:
    """The kind of a race that is to be forecast; RaceDataError if its kind cannot be."""
    kind = kind_of(race)
    if kind.forecast is None:
        raise RaceDataError(f"cannot be forecast: it is a {kind.name} race, and only a practice timesheet (a race "
                            "with no results) is forecast", key="race", value=race.id)
    return kind
