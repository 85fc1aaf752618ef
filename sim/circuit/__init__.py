"""The circuit race kind: laps of a closed circuit from a common start, to a flag at a fixed time (Le Mans).

Its whole story is in this folder: the facts schema (:mod:`.facts`, :mod:`.defaults`), the plan, the calibration
(each car's pace, fitted so its laps and end are the sources'), the SimPy engine (one process per car), the claims
the checkpoints make (:mod:`.claims`), the regulations, the report, the charts, the standings text, the what-ifs
(:mod:`.scenario`, :mod:`.ablation`) and the Monte Carlo draws; :mod:`.kind` is its entry in the registry. A race
with a folder under ``sim/races/`` brings its narrative, checkpoints and assumptions; a document alone is replayed
with the defaults of ``defaults.toml``, each listed in the report.
"""
