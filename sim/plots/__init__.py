"""Charts of a replay (matplotlib Figures), what they draw as data, and their style."""

from sim.plots.charts import (class_chart, comparison_chart, draw, index_chart, position_chart, race_history_chart,
                              save_figure, write_all_plots)
from sim.plots.data import changed_cars, checkpoint_marks, comparison_cars, long_stops, select_cars

__all__ = ["changed_cars", "checkpoint_marks", "class_chart", "comparison_cars", "comparison_chart", "draw",
           "index_chart", "long_stops", "position_chart", "race_history_chart", "save_figure", "select_cars",
           "write_all_plots"]
