"""The timesheet race kind: a race known only from its practice timesheet, forecast rather than replayed.

Its whole story is in this folder: the race as data (:mod:`.race`), the public record of earlier years and the entry
list (:mod:`.record`), the reliability model learnt from the record (:mod:`.hazard`), the Monte Carlo runs
(:mod:`.montecarlo`), their summary, report and charts, the backtest of the model on the record (:mod:`.backtest`,
:mod:`.backtest_report`), the scoring of a forecast against a result (:mod:`.score`); :func:`.model.forecast` joins
them and :mod:`.kind` is its entry in the registry.
"""
