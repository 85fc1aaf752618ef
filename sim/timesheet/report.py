"""The forecast's Markdown report: every input and its source, the hazard model and its 1957 calibration check,
the field's figures and the table of cars."""

from __future__ import annotations

import numpy as np

from sim.timesheet import hazard as hz


def markdown_report(fc, images: list[str]) -> str:
    s, learnt = fc.summary, fc.learnt
    f = s["field"]
    lines = [f"# Forecast: {fc.race.title}", "",
             f"{fc.runs} simulated races, seed {fc.seed}. A forecast made without the result: the timesheet has none.",
             "", f"- Expected classified finishers: {f['expected_finishers']:.1f} (10-90%: {f['finishers_p10']}-"
             f"{f['finishers_p90']})", f"- Winner's laps: {f['winner_laps_expected']:.1f} (10-90%: "
             f"{f['winner_laps_p10']}-{f['winner_laps_p90']})", "", "## Inputs and their sources", "",
             "| input | value | source or reason |", "| --- | --- | --- |"]
    lines += [f"| {name} | {value} | {why} |" for name, value, why in fc.race.sources]
    h = fc.race.hazard
    lines += [f"| practice to race pace | {learnt.pace_ratio_text} | computed from the {learnt.race_id} replay |",
              f"| hazard learnt from | {learnt.race_id} | {h['reason_learn_from']} |",
              f"| hazard terms | {', '.join(learnt.sample.names)} | {h['reason_terms']} |",
              f"| hazard bands (hours) | {h['band_edges_hours']} | {h['reason_bands']} |",
              f"| shrinkage | bands {h['shrink_bands']}, terms {h['shrink_terms']}, makes {h['shrink_makes']} | "
              f"{h['reason_shrink']} |", f"| bootstrap | {h['bootstrap']} refits | {h['reason_bootstrap']} |", ""]
    lines += _hazard_section(learnt)
    lines += ["## Cars", "", f"No class and no P(class win) (null in the JSON): {s['notes']['p_class_win']} "
              f"P(finish) is the chance to be {s['notes']['p_finish']}.", "",
              "| car | make | chassis | practice | P(win) | P(podium) | P(finish) | E(position) | laps 10/50/90% |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    chassis = {c.number: c.chassis for c in fc.race.cars}
    for c in sorted(s["cars"], key=lambda c: (-c["p_win"], c["expected_position"])):
        lines.append(f"| {c['car']} | {c['make']} | {chassis[c['car']]} | {c['practice_s']:.1f} s | {c['p_win']:.3f} | "
                     f"{c['p_podium']:.3f} | {c['p_finish']:.3f} | "
                     f"{c['expected_position']:.1f} | {c['laps_p10']}/{c['laps_p50']}/{c['laps_p90']} |")
    lines += ["", "## Plots", ""] + [f"![{name}]({name})" for name in images] + [""]
    return "\n".join(lines)


def _hazard_section(learnt) -> list[str]:
    fit, cv = learnt.fit, learnt.cv
    lines = ["## The reliability model", "", hz.__doc__.split("\n\n", 1)[1].strip(), "",
             "| band (hours) | rate per car-hour (fit) | bootstrap 10-90% |", "| --- | --- | --- |"]
    band = np.percentile(np.exp([r.log_rates for r in learnt.refits]), [10, 90], axis=0)
    for b in range(len(fit.log_rates)):
        lines.append(f"| {fit.edges_h[b]:g}-{fit.edges_h[b + 1]:g} | {np.exp(fit.log_rates[b]):.4f} | "
                     f"{band[0][b]:.4f}-{band[1][b]:.4f} |")
    lines += ["", "| term | multiplier (fit) | bootstrap 10-90% |", "| --- | --- | --- |"]
    for name, value in fit.beta.items():
        q = np.exp(np.percentile([r.beta[name] for r in learnt.refits], [10, 90]))
        lines.append(f"| {name} | {np.exp(value):.3f} | {q[0]:.3f}-{q[1]:.3f} |")
    lines += ["", f"The field's constant rate: {fit.field_rate:.4f} failures per car-hour.", "",
              f"### Calibration check on {learnt.race_id} (leave one car out)", "",
              "Each car's chance of falling out, predicted by the model fitted on the other cars, against what "
              "happened:", "", "| predicted P(out) | cars | mean predicted | observed share out |",
              "| --- | --- | --- | --- |"]
    lines += [f"| {r['bin']} | {r['cars']} | {r['predicted']:.3f} | {r['observed']:.3f} |" for r in cv["table"]]
    lines += ["", f"Brier score {cv['brier_model']:.4f} (a constant rate: {cv['brier_constant']:.4f}); log-loss "
              f"{cv['logloss_model']:.4f} (constant: {cv['logloss_constant']:.4f}). With 54 cars the gain is small and "
              "the model is only a little better than one rate for all; the forecast's spread says so.", ""]
    return lines
