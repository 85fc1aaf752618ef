"""The time trial's order at any moment (``by="elapsed"``, the order that decides it): by elapsed time at the last
control each car passed, against the eventual winner's time at that same control. Regression (issue 20): ranked by
controls passed first, a GT1.3 car that started five hours before the leaders led the race all morning."""

import numpy as np
import pytest

from sim.clock import HOUR


@pytest.fixture(scope="module")
def mm():
    from sim.pipeline import run_replay

    return run_replay("mille-miglia-1957")


def test_an_early_starter_does_not_lead_by_passing_more_controls(mm):
    at_eleven = mm.standings(at="11:00")
    assert list(at_eleven.car[:3]) == ["531", "535", "532"]  # de Portago, Taruffi, von Trips, all at Roma
    assert at_eleven.set_index("car").loc["105", "laps"] == 5  # the GT1.3 car through Firenze is far behind them
    assert at_eleven.set_index("car").loc["105", "position"] > 10


def test_the_winner_is_the_reference_and_the_flag_order_is_the_elapsed_order_at_brescia(mm):
    from sim.timetrial.standings import eventual_winner

    table = mm.table
    assert table.reference == eventual_winner(mm) == "535"
    final = mm.standings(seconds=mm.facts.duration_s)
    finishers = final[final.status == "finished"]
    elapsed = [table.crossings[c][-1] - table.starts[c] for c in finishers.car]
    assert elapsed == sorted(elapsed) and len(finishers) > 30


@pytest.mark.parametrize("hour", range(1, 21))
def test_every_hour_the_running_cars_are_in_order_of_their_gap_to_the_winner_at_their_last_control(mm, hour):
    table, t = mm.table, min(hour * HOUR, mm.facts.duration_s - 1)
    frame = mm.standings(seconds=t)
    running = frame[frame.status == "running"]
    passed = running[running.laps > 0]
    gaps = [table.to_reference(car, laps) for car, laps in zip(passed.car, passed.laps)]
    assert gaps == sorted(gaps)  # every car measured at its own last control
    assert list(running.laps > 0) == sorted(running.laps > 0, reverse=True)  # the cars with no control yet after
    assert np.allclose(passed.gap_s, np.array(gaps) - gaps[0]) if gaps else True
