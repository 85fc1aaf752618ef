"""The circuit's plots by name, for the registry and the charts alike (this module loads no matplotlib)."""

PLOT_KINDS = ("positions", "history", "class", "index")  # in the order `run` writes them; `plot` draws the first
BAND_PLOT_KINDS = ("positions", "history")  # those that can shade Monte Carlo bands
