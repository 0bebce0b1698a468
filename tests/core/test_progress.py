"""The shared progress printer: at most one line per interval, never the last one swallowed."""

from meldpunt.core.progress import throttled


def test_one_report_a_second_and_always_the_last():
    now, shown = [0.0], []
    report = throttled(shown.append, lambda n: n == 10, every=1.0, clock=lambda: now[0])
    for n in range(1, 11):  # ten reports 0.3 s apart, the tenth finishes the run
        report(n)
        now[0] += 0.3
    # the first, then the first at least a second after each shown one, and the finished one
    assert shown == [1, 5, 9, 10]


def test_a_finished_report_is_shown_even_at_once():
    shown = []
    report = throttled(shown.append, lambda n: n >= 2, clock=lambda: 5.0)
    report(1), report(1), report(2)
    assert shown == [1, 2]
