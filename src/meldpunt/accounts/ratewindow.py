"""Rate limits counted in one statement: a window per caller in the database.

django-ninja's throttles keep every call's time in a cache entry (a list read, rewritten and
written back: six statements per call on the database cache, growing with the rate). Here a
call is one ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` on
:class:`~meldpunt.accounts.models.RateWindow` (PostgreSQL and SQLite alike): a caller's
window starts with its first call, counts the calls in it, and starts again with the first
call after it ended. All web processes share the counts, and a request's own transaction is
not involved (the statement commits by itself outside one). :class:`WindowThrottle` puts it
under ninja's throttle classes (the API per user, the public booking form per address).
"""

from __future__ import annotations

import time

from django.db import connection

from meldpunt.accounts.models import RateWindow


def hit(ident: str, seconds: float, now: float | None = None) -> tuple[int, float]:
    """Count one call of ``ident`` in its window of ``seconds``: (calls in the window
    including this one, when the window started)."""
    now = time.time() if now is None else now
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    current = now - seconds  # a window that started after this is still open
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (ident, started, hits) VALUES (%s, %s, 1) "  # noqa: S608 - the table name is ours
            f"ON CONFLICT (ident) DO UPDATE SET "
            f"hits = CASE WHEN {table}.started > %s THEN {table}.hits + 1 ELSE 1 END, "
            f"started = CASE WHEN {table}.started > %s THEN {table}.started ELSE excluded.started END "
            f"RETURNING hits, started",
            [ident, now, current, current],
        )
        hits, started = cursor.fetchone()
    return int(hits), float(started)


class WindowThrottle:
    """Mixed in before a ninja throttle (``AuthRateThrottle``, ``AnonRateThrottle``): its key
    and rate, counted by :func:`hit` instead of the cache. Over the rate the call is refused
    and :meth:`wait` says how long until the window ends (``Retry-After``)."""

    num_requests: int | None
    duration: int | None

    def allow_request(self, request) -> bool:
        self.remaining = None
        key = self.get_cache_key(request)  # type: ignore[attr-defined]  # the ninja throttle's
        if key is None or self.num_requests is None or self.duration is None:
            return True
        now = time.time()
        hits, started = hit(key, self.duration, now)
        if hits <= self.num_requests:
            return True
        self.remaining = max(1.0, started + self.duration - now)
        return False

    def wait(self) -> float | None:
        return self.remaining
