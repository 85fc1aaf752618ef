"""The forecast's Markdown report: every input and its source, the reliability model learnt from the record (its
cross-validated choice, rates and terms), calibration in the large against the record, the classes and their
contenders, and the table of cars."""

from __future__ import annotations

import numpy as np

from sim.timesheet import hazard as hz

CONTENDERS = 3  # cars shown per class


def markdown_report(fc, images: list[str]) -> str:
    s = fc.summary
    f = s["field"]
    lines = [f"# Forecast: {fc.race.title}", "",
             f"{fc.runs} simulated races, seed {fc.seed}. A forecast made without the result: the timesheet, the entry "
             "list and the record of earlier years have none.", "",
             f"- Expected classified finishers: {f['expected_finishers']:.1f} (10-90%: {f['finishers_p10']}-"
             f"{f['finishers_p90']})", f"- Mean P(finish): {f['mean_p_finish']:.3f}",
             f"- Winner's laps: {f['winner_laps_expected']:.1f} (10-90%: {f['winner_laps_p10']}-"
             f"{f['winner_laps_p90']})", ""]
    lines += _calibration_section(fc) + _inputs_section(fc) + _hazard_section(fc) + _classes_section(fc)
    lines += ["## Cars", "", f"P(finish) is the chance to be {s['notes']['p_finish']}; P(class win) "
              f"{s['notes']['p_class_win']}.", "",
              "| car | class | make | chassis | practice | P(win) | P(class win) | P(podium) | P(finish) | E(position) "
              "| laps 10/50/90% |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    chassis = {c.number: c.chassis for c in fc.race.cars}
    for c in sorted(s["cars"], key=lambda c: (-c["p_win"], c["expected_position"])):
        lines.append(f"| {c['car']} | {c['class']} | {c['make']} | {chassis[c['car']]} | {c['practice_s']:.1f} s | "
                     f"{c['p_win']:.3f} | {c['p_class_win']:.3f} | {c['p_podium']:.3f} | {c['p_finish']:.3f} | "
                     f"{c['expected_position']:.1f} | {c['laps_p10']}/{c['laps_p50']}/{c['laps_p90']} |")
    lines += ["", "## Plots", ""] + [f"![{name}]({name})" for name in images if name.endswith(".png")] + [""]
    return "\n".join(lines)


def _calibration_section(fc) -> list[str]:
    f, r = fc.summary["field"], fc.summary["field"]["record"]
    inside = r["share_min"] <= f["mean_p_finish"] <= r["share_max"]
    return ["## Calibration in the large", "",
            f"Over {r['years']} the share of starters classified ran from {r['share_min']:.3f} to {r['share_max']:.3f} "
            f"(mean {r['share_mean']:.3f}), {r['finishers_min']} to {r['finishers_max']} finishers a year (mean "
            f"{r['finishers_mean']:.1f}). This forecast: mean P(finish) {f['mean_p_finish']:.3f} "
            f"({'inside' if inside else 'OUTSIDE'} that range), {f['expected_finishers']:.1f} expected finishers. "
            "How: the hazard's rates are fitted on every car-race of the record, so its level is the record's; the "
            "year trend (when cross-validation keeps it) carries it to this year; a car running at the end is then "
            "classified by the race's own rules in each simulated race (final lap in time, 70% of its class "
            "winner's distance). Nothing is rescaled to hit the range.", ""]


def _inputs_section(fc) -> list[str]:
    learnt, h, rec = fc.learnt, fc.race.hazard, fc.race.record
    lines = ["## Inputs and their sources", "", "| input | value | source or reason |", "| --- | --- | --- |"]
    lines += [f"| {name} | {value} | {why} |" for name, value, why in fc.race.sources]
    lines += [f"| the record | {len(rec.cars)} starters, {min(c.year for c in rec.cars)}-"
              f"{max(c.year for c in rec.cars)} | {rec.source} |",
              f"| record: retirement times | {sum(not c.end_known for c in rec.cars)} estimated | "
              f"{rec.notes['missing_retirement']} |", f"| record: classes | as written | {rec.notes['classes']} |",
              f"| pace in the record | none | {rec.notes['pace']} |",
              f"| Index of Performance targets | none | {fc.race.index_reason} |",
              f"| practice to race pace | {learnt.pace_ratio_text} | computed from the {learnt.race_id} replay |",
              f"| pace ratio and stints from | {learnt.race_id} | {h['reason_learn_from']} |",
              f"| hazard terms | {', '.join(learnt.fit.spec.names[:4])}, makes | {h['reason_terms']} |",
              f"| hazard bands (hours) | {h['band_edges_hours']} | {h['reason_bands']} |",
              f"| shrinkage grid | terms {h['grid']['terms']}, makes {h['grid']['makes']}, trend "
              f"{h['grid']['trend']} | {h['reason_shrink']} |",
              f"| bootstrap | {h['bootstrap']} refits | {h['reason_bootstrap']} |", ""]
    return lines


def _hazard_section(fc) -> list[str]:
    learnt = fc.learnt
    fit, choice = learnt.fit, learnt.choice
    entries = [c.entry for c in fc.race.cars]
    worst = min(learnt.tried, key=lambda r: r["cv_loglik"])
    lines = ["## The reliability model", "", hz.__doc__.split("\n\n", 1)[1].strip(), "",
             f"Chosen by leave-one-year-out cross-validation over {len(learnt.tried)} settings: penalty "
             f"{choice['terms']:g} on the bands and terms, {choice['makes']:g} on the makes, year trend "
             f"{'kept' if choice['trend'] else 'left out'} (held-out log-likelihood {choice['cv_loglik']:.4f} per "
             f"car-race; the worst setting tried: {worst['cv_loglik']:.4f}).", "",
             f"Rates of the average car of the {fc.race.title} field (its mean displacement, family mix"
             f"{' and year' if choice['trend'] else ''}; every make at 1), as in the hazard chart:", "",
             "| band (hours) | rate per car-hour (fit) | bootstrap 10-90% |", "| --- | --- | --- |"]
    rates = hz.field_rates(fit, entries)
    band = np.percentile([hz.field_rates(r, entries) for r in learnt.refits], [10, 90], axis=0)
    for b in range(len(rates)):
        lines.append(f"| {fit.edges_h[b]:g}-{fit.edges_h[b + 1]:g} | {rates[b]:.4f} | "
                     f"{band[0][b]:.4f}-{band[1][b]:.4f} |")
    named = [n for n in fit.beta if not n.startswith("make:")]
    makes = sorted({c.make for c in entries} & {n.split(":", 1)[1] for n in fit.beta if n.startswith("make:")})
    lines += ["", "Multipliers (the field's makes and every other term):", "",
              "| term | multiplier (fit) | bootstrap 10-90% |", "| --- | --- | --- |"]
    for name in named + [f"make:{m}" for m in makes]:
        q = np.exp(np.percentile([r.beta[name] for r in learnt.refits], [10, 90]))
        lines.append(f"| {name} | {np.exp(fit.beta[name]):.3f} | {q[0]:.3f}-{q[1]:.3f} |")
    lines += ["", "The backtest of this model on the record (`race-replay backtest`) scores it year by year against "
              "the baselines.", ""]
    return lines


def _classes_section(fc) -> list[str]:
    s = fc.summary
    lines = ["## Classes", "", f"Index of Performance: {fc.race.index_reason}", "",
             "| class | cars | Index target (km) | contenders: P(class win) | P(no classified car) |",
             "| --- | --- | --- | --- | --- |"]
    for k in s["classes"]:
        members = sorted((c for c in s["cars"] if c["class"] == k["class"]), key=lambda c: -c["p_class_win"])
        top = ", ".join(f"{c['car']} {c['make']} {c['p_class_win']:.3f}" for c in members[:CONTENDERS])
        target = "null" if k["index_target_km"] is None else f"{k['index_target_km']:g}"
        lines.append(f"| {k['class']} | {k['cars']} | {target} | {top} | {k['p_no_finisher']:.3f} |")
    return lines + [""]
