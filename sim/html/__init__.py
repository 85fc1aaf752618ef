"""The interactive replay: one self-contained HTML page (data, Plotly and the page's script inlined, no network).

:func:`page_data` turns a replay into compact per-car data (each car's mark passings, how its race ended, its pit
stops and delays, its events) plus the checkpoints; the page (``replay.js``) computes the standings at any moment
from it with the same ordering keys as :meth:`sim.standings.Progress.order_at`. :func:`render_page` inlines
everything into ``template.html``; Plotly's JavaScript is stored gzipped and base64-encoded and unpacked in the
browser (``DecompressionStream``), which keeps 1957 Le Mans under 2.5 MB.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import math
from html import escape
from pathlib import Path

from sim.log import OUT_KINDS, EventKind
from sim.plots.style import make_colour

HERE = Path(__file__).parent
STATUS_COLOURS = {"pass": "#2ca02c", "fitted": "#7f7f7f", "conflict": "#9467bd", "fail": "#d62728",
                  "not evaluated": "#bdbdbd"}


def _number(value):
    """JSON-safe: NaN and infinities become None; floats keep their full precision (the page orders by them)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _minutes(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def _event_text(e, replay) -> str | None:
    """The ticker's line for one event (None for the ones it does not show)."""
    unit = replay.kind.unit
    if e.kind == EventKind.PIT_IN:
        return f"into the pits after {e.mark} {unit}" + (f" ({e.cause.replace('-', ' ')})" if e.cause else "")
    if e.kind == EventKind.PIT_OUT:
        return f"leaves the pits after {_minutes(e.seconds)}" + (", refuelled" if e.refuel else "")
    if e.kind == EventKind.DRIVER_CHANGE:
        return f"{e.driver} takes over"
    if e.kind == EventKind.DELAY:
        return f"delayed {_minutes(e.seconds)}" + (f" ({e.cause.replace('-', ' ')})" if e.cause else "")
    if e.kind == EventKind.RETIRED:
        return f"retires after {e.mark} {unit}" + (f": {e.reason}" if e.reason else "")
    if e.kind == EventKind.DISQUALIFIED:
        return f"disqualified after {e.mark} {unit}" + (f": {e.reason}" if e.reason else "")
    if e.kind == EventKind.STOPPED:
        return f"stopped on the course after {e.mark} {unit}" + (f": {e.reason}" if e.reason else "")
    if e.kind == EventKind.FINISHED:
        return f"takes the flag: {e.mark} {unit}"
    if e.kind == EventKind.START and e.time > 0:
        return "starts"
    return None


def page_data(replay, report: dict, spans: tuple = (), extra: dict | None = None) -> dict:
    """Everything the page shows, as JSON-ready data: the replay, its kind's checkpoint `report` and the `spans`
    of time the page shades, ((name, from s, to s), ...) such as night and fog; `extra` is what the race's kind adds
    for its own part of the page (each key a top-level entry of the data)."""
    kind = replay.kind
    table, duration = replay.table, replay.facts.duration_s
    per_car = {car: {"pits": [], "delays": [], "events": []} for car in table.cars}
    ticker = []
    open_pit: dict[str, float] = {}
    reasons: dict[str, str] = {}
    for e in replay.log.others:
        car = per_car.get(e.car)
        if car is None:
            continue
        if e.kind == EventKind.PIT_IN:
            open_pit[e.car] = e.time
        elif e.kind == EventKind.PIT_OUT and e.car in open_pit:
            car["pits"].append([open_pit.pop(e.car), e.time])
        elif e.kind == EventKind.DELAY and e.seconds > 0:
            car["delays"].append([e.time, e.time + e.seconds])
        if e.kind in END_REASON and e.reason:
            reasons[e.car] = e.reason
        text = _event_text(e, replay)
        if text is not None:
            car["events"].append([e.time, text])
            ticker.append([e.time, e.car, str(e.kind), text])
    for car, t in open_pit.items():  # in the pits at its end
        per_car[car]["pits"].append([t, None])
    cars = []
    for rank, car in zip(table.start_rank.tolist(), table.cars):
        end_t, end_kind = table.end.get(car, (None, "finished"))
        entry_reason = getattr(replay.race.entry(car), "reason", "") or ""
        cars.append({
            "car": car, "start_rank": int(rank), "drivers": table.drivers[car], "team": table.teams[car],
            "make": table.makes[car],
            "class": table.classes[car], "colour": make_colour(table.makes[car]), "start": float(table.starts[car]),
            "crossings": [float(t) for t in table.crossings[car]],
            "end": None if end_t is None else float(end_t), "out": end_kind in OUT_KINDS, "end_kind": end_kind,
            "flag_status": table.status_at(car, duration), "reason": reasons.get(car) or entry_reason,
            **per_car[car],
        })
    checkpoints = [{
        "id": c["id"], "status": c["status"], "quote": c["quote"], "published": c["published"],
        "replay": c["replay"], "moment": c["moment"], "note": c.get("note", ""), "section": c.get("section", ""),
        "time_s": _number(None if c.get("time_s") is None else float(c["time_s"])),
        "marks": [list(m) for m in c.get("marks", ())], "colour": STATUS_COLOURS.get(c["status"], "#bdbdbd"),
    } for c in report["checkpoints"]]
    marks = list(kind.moment_names(replay))
    return {
        "race": replay.race.id, "title": replay.race.title, "label": replay.label, "seed": replay.calibration.seed,
        "kind": kind.name, "order": kind.order, "unit": kind.unit, "mark_names": marks,
        "start": replay.facts.start.strftime("%Y-%m-%dT%H:%M:%S"), "duration_s": float(duration),
        "bands": [{"name": name, "from": float(lo), "to": float(hi)} for name, lo, hi in spans if hi > lo],
        "cars": cars, "ticker": ticker, "checkpoints": checkpoints,
        "totals": report.get("totals", {}), **(extra or {}),
    }


END_REASON = {EventKind.RETIRED, EventKind.DISQUALIFIED, EventKind.STOPPED}


@functools.cache
def _plotly_packed() -> str:
    """Plotly's JavaScript, gzipped (mtime 0: the same bytes every time) and base64-encoded."""
    from plotly.offline import get_plotlyjs  # Plotly: only when a page is written

    return base64.b64encode(gzip.compress(get_plotlyjs().encode("utf-8"), compresslevel=9, mtime=0)).decode("ascii")


def _json_safe(payload: str) -> str:
    """JSON inside a <script> element: "<" (only ever inside strings) written as its escape, so no "</script>"."""
    return payload.replace("<", "\\u003c")


def _script_safe(text: str) -> str:
    if "</script" in text.lower() or "<!--" in text:
        raise ValueError("the page's script must not contain '</script' or '<!--'")
    return text


def render_page(replay, report: dict, spans: tuple = (), extra: dict | None = None, scripts: tuple = ()) -> str:
    """The whole page as one HTML text. `extra` (see :func:`page_data`) and `scripts` come from the race's kind:
    each script runs after the page's own, with the page's state as ``window.replayPage``."""
    data = page_data(replay, report, spans, extra)
    template = (HERE / "template.html").read_text(encoding="utf-8")
    script = (HERE / "replay.js").read_text(encoding="utf-8") + "".join("\n" + text for text in scripts)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    title = f"{data['title']}: interactive replay"
    return (template.replace("{{TITLE}}", escape(title))
            .replace("{{PLOTLY_GZ}}", _plotly_packed())
            .replace("{{DATA}}", _json_safe(payload))
            .replace("{{SCRIPT}}", _script_safe(script)))


def page_bytes(replay, report: dict, spans: tuple = (), extra: dict | None = None, scripts: tuple = ()) -> bytes:
    return render_page(replay, report, spans, extra, scripts).encode("utf-8")
