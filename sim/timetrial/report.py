"""A time trial's report and outputs: the checkpoint report with the readings of the Time column, the control
standings (CSV and JSON) and the `race-replay standings` text for this kind."""

from __future__ import annotations

import json

from sim.checkpoints import STATUS_ORDER, check
from sim.checkpoints import cell as _cell
from sim.clock import clock_label, parse_clock
from sim.errors import RaceReplayError
from sim.frames import as_text
from sim.timetrial.standings import _hms, control_named, control_standings, provisional, road_order, table_conflicts


def report_data(replay) -> dict:
    """Checkpoints, source conflicts (with the table's own contradictions), the readings, defaults, assumptions."""
    data = check(replay)
    for item in data["checkpoints"]:
        item["time_s"] = None if item["time_s"] is None else round(float(item["time_s"]), 1)
        item["marks"] = [list(m) for m in item["marks"]]
    for car, above, text in table_conflicts(replay):
        data["conflicts"].append({"id": f"table-order-{car}", "subject": f"car {car}'s place against its time",
                                  "sources": [text], "chosen": f"car {car}'s time (the replay's elapsed order puts it "
                                  f"ahead of car(s) {above}); the published position is kept beside it",
                                  "reason": "the time is the measurement; the position may be a misprint or a penalty"})
    data["readings"] = [_reading(replay, car) for car in replay.plan.cars if car.reading is not None]
    data["defaults"] = list(replay.calibration.notes)
    data["assumptions"] = dict(replay.facts.reasons)
    data["events"] = [{"id": e.id, "car": e.car, "driver": e.driver, "kind": e.kind, "quote": e.quote}
                      for e in replay.facts.events]
    return data


def _reading(replay, car) -> dict:
    reading, run = car.reading, replay.runs[car.number]
    stop = run.clock[-1]
    return {"car": car.number, "time": None if reading.time_s is None else _hms(reading.time_s),
            "means": reading.means, "control": reading.control, "stop_km": round(float(run.km[-1]), 1),
            "stop_clock": replay.clock(stop), "stop_elapsed": _hms(stop - car.start_s),
            "kind": "default" if reading.default else "interpretation", "reason": reading.reason,
            "quote": reading.quote}


def _evidence(checkpoints: list[dict]) -> list[str]:
    passes = [c for c in checkpoints if c["status"] == "pass"]
    if not passes:
        return []
    return [f"**The evidence**: {len(passes)} statements the replay meets without having been fitted to them.", "",
            *[f"- {c['moment']} {c['id']}: published {_cell(c['published'])}, replay {_cell(c['replay'])}"
              for c in passes], ""]


def markdown(data: dict, replay) -> str:
    totals = data["totals"]
    lines = [f"# Checkpoint report: {replay.race.title} ({data['label']})", "",
             "Every published statement checked against the replay. **pass**: the replay agrees; **fitted**: the "
             "model was fitted to it (not evidence); **conflict**: it cannot hold with a source the replay follows "
             "(see Source conflicts); **fail**: the replay disagrees.", "",
             "| status | count |", "| --- | --- |",
             *[f"| {s} | {totals.get(s, 0)} |" for s in STATUS_ORDER if totals.get(s)],
             f"| **total** | {sum(totals.values())} |", "", *_evidence(data["checkpoints"]),
             "## Checkpoints", "", "| status | checkpoint | moment | published | replay | note | source |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for c in data["checkpoints"]:
        lines.append(f"| {c['status']} | {c['id']} | {c['moment']} | {_cell(c['published'])} | {_cell(c['replay'])} | "
                     f"{_cell(c['note'])} | {c['section']}: \"{_cell(c['quote'])}\" |")
    lines += ["", "## Narrative events", "", "| event | car | kind | source |", "| --- | --- | --- | --- |"]
    lines += [f"| {e['id']} | {e['car'] or e['driver'] + ' (not listed)'} | {e['kind']} | \"{_cell(e['quote'])}\" |"
              for e in data["events"]]
    lines += ["", "## The Time column of the cars that did not finish", "",
              "| car | time | read as | stops at | clock | kind | reason |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in data["readings"]:
        means = r["means"] + (f" ({r['control']})" if r["control"] else "")
        lines.append(f"| {r['car']} | {r['time'] or ''} | {means} | {r['stop_km']} km | {r['stop_clock']} | "
                     f"{r['kind']} | {_cell(r['reason'])} |")
    lines += ["", "## Source conflicts", ""]
    for c in data["conflicts"]:
        lines += [f"- **{c['subject']}** (`{c['id']}`)", *[f"  - {s}" for s in c["sources"]],
                  f"  - chosen: {c['chosen']}: {c['reason']}"]
    lines += ["", "## Defaults used", "", *[f"- {d}" for d in data["defaults"]], "", "## Assumptions", ""]
    lines += [f"- {k}: {v}" for k, v in data["assumptions"].items()]
    return "\n".join(lines) + "\n"


def report_files(replay, data: dict | None = None) -> dict[str, str]:
    """The text files of a run: control standings and the event log (CSV), the checkpoint report (Markdown, JSON)."""
    data = report_data(replay) if data is None else data
    return {
        "standings.csv": _with_clock(replay, control_standings(replay)).to_csv(index=False, float_format="%.1f"),
        "events.csv": replay.events_frame().to_csv(index=False, float_format="%.3f"),
        "checkpoints.md": markdown(data, replay),
        "checkpoints.json": json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n",
    }


def _with_clock(replay, frame):
    """The control standings with the clock time of each passage as text beside its seconds."""
    frame = frame.copy()
    frame.insert(frame.columns.get_loc("clock_s") + 1, "clock",
                 [clock_label(s, replay.facts.start, with_seconds=True) for s in frame.clock_s])
    return frame


def standings_json(replay, frame) -> dict:
    """{"race", "standings": [{"control", "km", "order": [...]}]}: one entry per control in route order."""
    out = []
    for name, group in frame.groupby("control", sort=False):
        out.append({"control": name, "km": float(group.km.iloc[0]), "order": [
            {"position": int(r.position), "car": r.car, "elapsed_s": round(float(r.elapsed_s), 1),
             "gap_s": round(float(r.gap_s), 1), "road_position": int(r.road_position), "status": r.status,
             "class": r["class"],
             **({"published_position": (None if r.published_position is None
                                        or r.published_position != r.published_position
                                        else int(r.published_position))} if r.status == "finished" else {})}
            for _, r in group.iterrows()]})
    return {"race": replay.race.id, "standings": out}


def standings_report(replay, args) -> str:
    """`race-replay standings` for a time trial: every control (or the --at controls), or the order at clock times."""
    frame = control_standings(replay)
    car_class = replay.car_class(args.car_class) if args.car_class else None
    if car_class:
        frame = frame[frame["class"] == car_class]
    values = args.at or []
    controls = [control_named(replay, v) for v in values]
    if values and all(c is not None for c in controls):
        frame = frame[frame.control.isin(controls)]
    elif values:
        return _clock_report(replay, values, args, car_class)
    if args.format == "json":
        return json.dumps(standings_json(replay, frame), indent=1, ensure_ascii=False)
    if args.format == "csv":
        return frame.to_csv(index=False, float_format="%.1f")
    parts = []
    for name, group in frame.groupby("control", sort=False):
        shown = group.assign(elapsed=[_hms(s) for s in group.elapsed_s], gap=[_hms(s) for s in group.gap_s],
                             clock=[replay.clock(s) for s in group.clock_s])
        parts.append(f"\n{name} ({group.km.iloc[0]:g} km)\n" + as_text(shown[[
            "position", "car", "class", "make", "drivers", "elapsed", "gap", "clock",
            "road_position"]]).to_string(index=False))
    return "\n".join(parts)


def _screen(frame):
    """The provisional order as a timing screen shows it: the last control, elapsed time and gap there, the km now."""
    frame = frame.assign(elapsed_s=frame.elapsed_s.round(1), gap_s=frame.gap_s.round(1))
    return frame[["position", "car", "class", "make", "drivers", "control", "elapsed_s", "gap_s", "km",
                  "road_position", "status"]]


def _clock_report(replay, values, args, car_class) -> str:
    frames = []
    for value in values:
        try:
            t = parse_clock(value, replay.facts.start)
        except ValueError:
            raise RaceReplayError(f"is not a control ({', '.join(replay.log.course.mark_names)}) or a clock time "
                                  "HH:MM", key="--at", value=value) from None
        frame = road_order(replay, t) if args.by == "road" else _screen(provisional(replay, t))
        frame = frame.round({"km": 1})
        if car_class:
            frame = frame[frame["class"] == car_class]
        frames.append((clock_label(t, replay.facts.start), frame))
    if args.format == "json":
        return json.dumps({"race": replay.race.id, "by": "road" if args.by == "road" else "elapsed", "standings": [
            {"clock": clock, "order": json.loads(f.drop(columns=["drivers", "make"]).to_json(orient="records"))}
            for clock, f in frames]}, indent=1, ensure_ascii=False)
    if args.format == "csv":
        return "".join(f.assign(clock=clock).to_csv(index=False, float_format="%.1f") for clock, f in frames)
    return "\n".join(f"\nAt {clock}\n" + as_text(f).to_string(index=False) for clock, f in frames)
