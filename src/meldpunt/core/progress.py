"""A progress line for long commands, at most one a second (plain Python; any command uses it).

``throttled(show, finished)`` wraps a function that prints one progress report: the wrapper
passes a report on to ``show`` when at least ``every`` seconds went by since the last one
shown, and always the report for which ``finished(report)`` is true, so the last line of a
run is never swallowed. The import command's row and history imports share it.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def throttled[T](show: Callable[[T], None], finished: Callable[[T], bool], *, every: float = 1.0,
              clock: Callable[[], float] = time.monotonic) -> Callable[[T], None]:
    """``show``, called at most once per ``every`` seconds, and always for a finished report."""
    last: list[float | None] = [None]

    def report(progress: T) -> None:
        now = clock()
        if not finished(progress) and last[0] is not None and now - last[0] < every:
            return
        last[0] = now
        show(progress)

    return report
