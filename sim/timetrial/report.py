"""A time trial's report and outputs: the checkpoint report with the readings of the Time column, the control
standings (CSV and JSON) and the `race-replay standings` text for this kind."""

from __future__ import annotations

import json

from sim.checkpoints import STATUS_ORDER, check
from sim.checkpoints import cell as _cell
from sim.clock import clock_label, parse_clock
from sim.errors import RaceReplayError
from sim.frames import as_text
from sim.timetrial.readings import agrees
from sim.timetrial.standings import (
    _hms,
    _signed,
    control_named,
    control_standings,
    leaders_data,
    provisional,
    road_order,
    table_conflicts,
)


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
    data["profile"] = profile_data(replay)
    data["conflicts"] += _profile_conflicts(data["profile"]) + _reading_conflicts(data["readings"])
    data["leaders"] = leaders_data(replay)
    data["defaults"] = list(replay.calibration.notes)
    data["assumptions"] = dict(replay.facts.reasons)
    data["events"] = [{"id": e.id, "car": e.car, "driver": e.driver, "kind": e.kind, "quote": e.quote}
                      for e in replay.facts.events]
    return data


def profile_data(replay) -> dict:
    """The course profile: its factors and their uncertainty, and how well it gives back the record's shares."""
    profile, route = replay.facts.profile, replay.facts.route
    kind, of, ratio, span = profile.ratio
    observations = [{"id": o.id, "year": o.year, "what": o.what, "point": o.point, "km": o.km,
                     "record": round(o.share, 4), "profile": round(got, 4), "sigma": o.sigma,
                     "residual": round((got - o.share) / o.sigma, 2), "rows": list(o.rows), "reason": o.reason}
                    for o, got in zip(profile.observations, profile.shares(route))]
    return {"factors": profile.factors, "sd": {k: round(v, 3) for k, v in profile.sd.items()},
            "reference": profile.reference, "tied": {"kind": kind, "of": of, "ratio": ratio, "range": list(span)},
            "file": profile.file.rsplit("/", 1)[-1], "observations": observations,
            "rows": [{k: v for k, v in row.items() if k != "line"} for row in profile.rows.values()],
            "reason": profile.reason}


def _profile_conflicts(profile: dict) -> list[dict]:
    worst = max(profile["observations"], key=lambda o: abs(o["residual"]))
    shares = "; ".join(f"{o['id']}: record {o['record']:.1%}, profile {o['profile']:.1%}"
                       for o in profile["observations"])
    return [{"id": "course-profile", "subject": "the record's shares of 1954-1956 against one profile by kind of road",
             "sources": [shares], "chosen": "the weighted least-squares fit ("
             + ", ".join(f"{k} {v:.3f}" for k, v in profile["factors"].items()) + ")",
             "reason": f"no profile by kind of road gives back every row; the furthest is {worst['id']} "
             f"({worst['residual']:+.1f} sigma)"}]


def _reading_conflicts(readings: list[dict]) -> list[dict]:
    out = []
    for r in readings:
        if r.get("rule") is None:
            continue
        also = f"; also fits: {', '.join(r['also'])}" if r["also"] else ""
        out.append({"id": f"reading-{r['car']}", "subject": f"car {r['car']}'s time {r['time']} without a place",
                    "sources": [r["quote"] or "the table's Time column; the seed gives no place"],
                    "chosen": f"{r['means']}" + (f" ({r['control']})" if r["control"] else "") + also,
                    "reason": r["rule"]})
    return out


def _verdict(replay, car) -> dict:
    verdict = replay.calibration.verdicts.get(car.number)
    if verdict is None:
        return {"rule": None, "also": [], "agrees": None}
    chosen = verdict.chosen
    text = (f"the rule ({'the seed places it' if verdict.stated_km is not None else 'no place in the seed'}): "
            f"{chosen.label} implies {_hms(chosen.total_s)} at the finish, against its class's "
            f"{_hms(verdict.band[0])}-{_hms(verdict.band[1])} (median {_hms(verdict.median_s)})"
            + ("; no reading fits: the nearest is kept" if verdict.none_fits else ""))
    return {"rule": text, "agrees": agrees(verdict, car),
            "also": [f"{c.label} ({_hms(c.total_s)} at the finish)" for c in verdict.also]}


def _reading(replay, car) -> dict:
    reading, run = car.reading, replay.runs[car.number]
    stop = run.clock[-1]
    return {**_verdict(replay, car), "car": car.number,
            "time": None if reading.time_s is None else _hms(reading.time_s),
            "means": reading.means, "control": reading.control, "stop_km": round(float(run.km[-1]), 1),
            "stop_clock": replay.clock(stop), "stop_elapsed": _hms(stop - car.start_s),
            "kind": "default" if reading.default else "interpretation", "reason": reading.reason,
            "quote": reading.quote}


READING_RULE = ("One rule reads every DNF time (race.toml `assumptions.dnf_reading`, sim/timetrial/readings.py): "
                "the seed's stated place decides where it gives one; a reading fits when the pace it implies is "
                "one its class could run; of those that fit, the one nearest its class's median is kept, the others "
                "are listed as 'also fits'.")


def _leaders_lines(leaders: list[dict]) -> list[str]:
    lines = ["", "## Who led where", "", "Order by elapsed time at each control; the gap is to the eventual winner "
             "(negative: ahead of him there).", "",
             "| control | km | leader | elapsed | 2nd | 3rd | winner's place | gap of the leader to the winner |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for row in leaders:
        top = row["top"] + [{"car": "", "name": "", "gap_to_winner": ""}] * 3
        lines.append(f"| {row['control']} | {row['km']:g} | {top[0]['car']} {top[0]['name']} | {row['elapsed']} | "
                     f"{top[1]['car']} {top[1]['name']} | {top[2]['car']} {top[2]['name']} | "
                     f"{row['winner_position'] or ''} | {top[0]['gap_to_winner']} |")
    return lines


def _profile_lines(profile: dict) -> list[str]:
    tied = profile["tied"]
    lines = ["", "## Course profile", "", f"{profile['reason']}", "",
             "| road | factor on time per km | standard error |", "| --- | --- | --- |"]
    for kind, value in profile["factors"].items():
        sd = "reference" if kind == profile["reference"] else f"{profile['sd'].get(kind, 0):.3f}"
        lines.append(f"| {kind} | {value:.3f} | {sd} |")
    lines += ["", f"{tied['kind']} = {tied['ratio']:g} x {tied['of']} (an assumption; range "
              f"{tied['range'][0]:g}-{tied['range'][1]:g}).", "",
              f"How well it gives back the record ({profile['file']}):", "",
              "| observation | year | share of the finish time | record | profile | off by (sigma) | rows |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for o in profile["observations"]:
        what = f"to {o['point']}" if o["what"] == "to" else f"from {o['point']} to the finish"
        lines.append(f"| {o['id']} | {o['year']} | {what} | {o['record']:.1%} | {o['profile']:.1%} | "
                     f"{o['residual']:+.1f} | {', '.join(o['rows'])} |")
    lines += ["", "Rows used (with their sources):", "", "| id | year | driver | point | figure | kind | confidence "
              "| source |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {r['id']} | {r['year']} | {r['driver']} | {r['point']} | {r['figure']} | {_cell(r['kind'])} | "
              f"{_cell(r['confidence'])} | {_cell(r['source'])} |" for r in profile["rows"]]
    return lines


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
    lines += _leaders_lines(data["leaders"]) + _profile_lines(data["profile"])
    lines += ["", "## The Time column of the cars that did not finish", "", READING_RULE, "",
              "| car | time | read as | stops at | clock | kind | the rule | also fits | reason |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in data["readings"]:
        means = r["means"] + (f" ({r['control']})" if r["control"] else "")
        rule = "" if r["rule"] is None else ("agrees: " if r["agrees"] else "DISAGREES: ") + r["rule"]
        lines.append(f"| {r['car']} | {r['time'] or ''} | {means} | {r['stop_km']} km | {r['stop_clock']} | "
                     f"{r['kind']} | {_cell(rule)} | {_cell('; '.join(r['also']))} | {_cell(r['reason'])} |")
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
             "gap_s": round(float(r.gap_s), 1), "gap_to_winner_s": round(float(r.gap_to_winner_s), 1),
             "road_position": int(r.road_position), "status": r.status,
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
    parts = [] if values or car_class else ["\n".join(_leaders_lines(leaders_data(replay))[1:])]
    for name, group in frame.groupby("control", sort=False):
        shown = group.assign(elapsed=[_hms(s) for s in group.elapsed_s], gap=[_hms(s) for s in group.gap_s],
                             to_winner=[_signed(s) for s in group.gap_to_winner_s],
                             clock=[replay.clock(s) for s in group.clock_s])
        parts.append(f"\n{name} ({group.km.iloc[0]:g} km)\n" + as_text(shown[[
            "position", "car", "class", "make", "drivers", "elapsed", "gap", "to_winner", "clock",
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
