"""Escalation listens to the tickets app: clocks moved in bulk get their alerts swept."""

from __future__ import annotations

from django.db import transaction

from meldpunt.escalation.tasks import scan_alerts
from meldpunt.tickets import signals


def on_clocks_moved(sender, *, vendor: str, calendar: str, report, **kwargs) -> None:
    """A calendar change moved clocks, maybe into a range the minute scan already passed: a
    full sweep (``scan_alerts(full=True)``) right after, instead of waiting for the hourly one."""
    transaction.on_commit(lambda: scan_alerts.enqueue(full=True))


def connect() -> None:
    signals.clocks_moved.connect(on_clocks_moved, dispatch_uid="escalation-sweep-after-recompute")
