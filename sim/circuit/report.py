"""The checkpoint report in Markdown, and the files a replay run writes."""

from __future__ import annotations

import json
from pathlib import Path

from sim.bands import FITTED_SHARE_MEANS, draw_share_text
from sim.checkpoints import STATUS_ORDER, check
from sim.checkpoints import cell as _cell
from sim.circuit.regulations import check_regulations
from sim.clock import HOUR
from sim.output import write_file
from sim.replays import Replay


def report_data(replay: Replay) -> dict:
    """Checkpoints, conflicts, regulation breaches and what was fitted, as JSON-ready data."""
    data = check(replay)
    data["regulations"] = [
        {"car": b.car, "rule": b.rule, "clock": replay.clock(b.time_s), "lap": b.lap, "detail": b.detail,
         "recorded": b.recorded}
        for b in check_regulations(replay)
    ]
    data["assumptions"] = replay.facts.assumptions.reasons
    data["lap_length_km"] = None if replay.facts.lap_length_km is None else round(replay.facts.lap_length_km, 5)
    data["defaults"] = list(replay.facts.defaults) + list(replay.calibration.notes)
    data["retirements"] = [
        {"car": end.car, "clock": replay.clock(end.target), "time_s": round(end.target, 1), "rule": end.rule}
        for end in sorted(replay.calibration.ends.values(), key=lambda end: end.target) if end.rule != "finish"
    ]
    for item in data["checkpoints"]:
        item["time_s"] = None if item["time_s"] is None else round(float(item["time_s"]), 1)
        item["marks"] = [list(m) for m in item["marks"]]
    return data


def _fitted_ids(replay: Replay) -> set[str]:
    return {cp.id for cp in replay.facts.checkpoints if getattr(cp, "fitted", None)}


def _holds(montecarlo: dict | None, fitted: set[str]) -> dict[str, str]:
    """{checkpoint id: "holds 97%" or, for a fitted one, "refit 92%"}: each checkpoint's share of a Monte Carlo's
    draws ({} without one)."""
    if montecarlo is None:
        return {}
    return {cp["id"]: draw_share_text(cp["status_share"], cp["id"] in fitted) for cp in montecarlo["checkpoints"]}


def _holds_intro(montecarlo: dict | None) -> list[str]:
    if montecarlo is None:
        return []
    only = f", drawing only {', '.join(montecarlo['only'])}" if montecarlo.get("only") else ""
    return [f"**Holds in % of draws**: the share of {montecarlo['calibrated']} recalibrated Monte Carlo draws (of "
            f"{montecarlo['runs']}, seed {montecarlo['seed']}{only}; montecarlo.json) in which a statement the "
            "model was not fitted to passes: one that holds in 97% of draws is told apart from one that holds in "
            "40%.", "", FITTED_SHARE_MEANS, ""]


def markdown(data: dict, replay: Replay, montecarlo: dict | None = None) -> str:
    """The report a historian reads: totals, every checkpoint with its quote, the conflicts and the choices.

    With `montecarlo` (a Monte Carlo summary of the race), the evidence and the checkpoint table gain the share of
    draws in which each checkpoint holds."""
    totals = data["totals"]
    holds = _holds(montecarlo, _fitted_ids(replay))
    column = " holds in % of draws (refit, if fitted) |" if holds else ""
    lines = [
        f"# Checkpoint report: {replay.race.title} ({data['label']}, seed {data['seed']})",
        "",
        "Every published statement of an order, a lap count or a gap, checked against the replay. "
        "**pass**: the replay agrees within the tolerance; **fitted**: the model was fitted to this statement, so "
        "agreement is not evidence; **conflict**: the statement cannot hold together with a source the replay follows "
        "(see Source conflicts); **fail**: the replay disagrees; **not evaluated**: kept, with the reason.",
        "",
        "| status | count |", "| --- | --- |",
        *[f"| {s} | {totals.get(s, 0)} |" for s in STATUS_ORDER if totals.get(s)],
        f"| **total** | {sum(totals.values())} |",
        "",
        *_holds_intro(montecarlo),
        *_evidence(data["checkpoints"], holds),
        "## Checkpoints",
        "",
        "| status |" + column + " checkpoint | moment | published | replay | note | source |",
        "| --- |" + (" --- |" if holds else "") + " --- | --- | --- | --- | --- | --- |",
    ]
    for c in data["checkpoints"]:
        share = f" {holds.get(c['id'], '')} |" if holds else ""
        lines.append(f"| {c['status']} |{share} {c['id']} | {c['moment']} | {_cell(c['published'])} | "
                     f"{_cell(c['replay'])} | {_cell(c['note'])} | {c['section']}: \"{_cell(c['quote'])}\" |")
    lines += ["", "## Source conflicts", "",
              "Where the sources cannot all hold, the replay follows a written priority: (1) a statement tying a car "
              "to another car (laps behind it, the same accident); (2) a narrative clock time; (3) the results table's "
              "retirement hour; (4) a narrative race hour. The table's laps and classified order always hold.", ""]
    for c in data["conflicts"]:
        lines.append(f"- **{c['subject']}** (`{c['id']}`)")
        for s in c["sources"]:
            lines.append(f"  - {s}")
        lines.append(f"  - chosen: {c['chosen']}: {c['reason']}")
    lines += ["", "## Regulations", ""]
    if data["regulations"]:
        for b in data["regulations"]:
            tag = "recorded by the sources" if b["recorded"] else "NOT in the sources"
            lines.append(f"- car {b['car']}, {b['rule']} at {b['clock']} (lap {b['lap']}): {b['detail']} ({tag})")
    else:
        lines.append("No breach.")
    lines += ["", "## Retirements: when and by which rule", "", "| car | clock | rule |", "| --- | --- | --- |"]
    for r in data["retirements"]:
        lines.append(f"| {r['car']} | {r['clock']} | {r['rule']} |")
    if data["defaults"]:
        lines += ["", "## Defaults used", "",
                  "This race has no folder of facts: it was replayed from its document's tables with these defaults.",
                  ""] + [f"- {d}" for d in data["defaults"]]
    length = "unknown" if data["lap_length_km"] is None else f"{data['lap_length_km']} km"
    lines += ["", "## Assumptions", "", f"- lap length: {length} (published distance / winner's laps)"]
    lines += [f"- {k}: {v}" for k, v in data["assumptions"].items()]
    return "\n".join(lines) + "\n"


def _evidence(checkpoints: list[dict], holds: dict[str, str] | None = None) -> list[str]:
    """The passes, in a sentence each: the statements the replay meets without having been fitted to them (and,
    with `holds`, the share of Monte Carlo draws in which each holds)."""
    passes = [c for c in checkpoints if c["status"] == "pass"]
    if not passes:
        return []
    intro = (f"**The evidence**: {len(passes)} statements the replay meets without having been fitted to them "
             "(a pass can still rest on an anchor taken from another statement: "
             "`python scenarios/anchor_dependence.py` lists those).")
    lines = [intro, ""]
    for c in passes:
        published, got = c["published"], c["replay"]
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (published, got))
        off = f" (off by {abs(got - published):g}, within its tolerance)" if numbers and got != published else ""
        share = _holds_phrase(holds.get(c["id"])) if holds else ""
        lines.append(f"- {c['moment']} {c['id']}: published {_cell(published)}, replay {_cell(got)}{off}{share}")
    return lines + [""]


def _holds_phrase(text: str | None) -> str:
    if text is None:
        return ""
    return "; no Monte Carlo draw could tell" if text == "n/a" else f"; {text.replace(' ', ' in ', 1)} of draws"


def report_files(replay: Replay, data: dict | None = None, montecarlo: dict | None = None) -> dict[str, str]:
    """The text files of a run: hourly standings and event log (CSV), checkpoint report (Markdown, JSON).

    `data` is :func:`report_data`'s result when the caller has it already; `montecarlo` (a Monte Carlo summary)
    adds the Monte Carlo draws column to the Markdown report (see :func:`_holds`)."""
    data = report_data(replay) if data is None else data
    hourly = replay.hourly()
    hourly.insert(1, "clock", [replay.clock(h * HOUR) for h in hourly["hour"]])
    return {
        "standings.csv": hourly.to_csv(index=False, float_format="%.3f"),
        "events.csv": replay.events_frame().to_csv(index=False, float_format="%.3f"),
        "checkpoints.md": markdown(data, replay, montecarlo),
        "checkpoints.json": json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n",
    }


def write_outputs(replay: Replay, out: Path, data: dict | None = None) -> dict[str, Path]:
    """Write :func:`report_files` into folder `out` (created); returns {name: path}.

    Each file is written atomically (:func:`sim.output.write_file`), so a failed run never leaves half
    a file. ``race-replay run`` uses :func:`sim.output.output_folder` instead, which also locks the
    folder and writes its manifest. Raises OSError naming the file that cannot be written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return {name: write_file(out / name, text.encode("utf-8")) for name, text in report_files(replay, data).items()}
