"""What every kind's charts share: the style (:mod:`.style`: colours, axes, labels) and turning a Figure into files
(:mod:`.render`). Each kind draws its own charts in its folder (``sim/circuit/charts.py``, ``sim/timetrial/plots.py``,
``sim/timesheet/plots.py``)."""
