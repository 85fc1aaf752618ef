"""The time-trial race kind: a point-to-point road race, each car timed from its own start (the Mille Miglia).

Its pieces: the route as data (:mod:`.course`), the facts (:mod:`.facts`: assumptions, the readings of the Time
column, narrative events, checkpoints), the plan, the calibration (each car's pace fitted so its elapsed time at the
finish is the table's), the SimPy engine (one process per car released at its start minute), the claims, the
control standings, the report and the plots; :mod:`.kind` is its entry in the registry.
"""
