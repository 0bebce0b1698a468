"""A batch scope for intake: what one IMAP fetch batch (or one ``ingest-mail`` run) shares.

Writing many mails looks up the same vendor settings (mail templates, the reply address)
again and again. Inside :func:`scope` the lookups are made once per batch, and outbox mail
queued for sending after the commit goes to the worker as one task when the scope ends.
Nothing outlives the scope (the process keeps no state between batches), and a mail whose
task is never enqueued (a crash before the end) stays in the outbox, which the scheduled
retry sends: nothing is lost. The scope is intake's own: no other app reads it, and
registration does not depend on it (the follow-up of every registration is one task,
:mod:`meldpunt.tickets.registration`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from meldpunt.intake.sending import send_later

_current: ContextVar[_Batch | None] = ContextVar("meldpunt_intake_batch", default=None)


@dataclass
class _Batch:
    memo: dict[tuple, Any] = field(default_factory=dict)
    mail_ids: list[int] = field(default_factory=list)


@contextmanager
def scope() -> Iterator[None]:
    """Share lookups and send the confirmations in one task at the end of the block.

    A scope inside a scope is the outer one (its batch shares and sends)."""
    if _current.get() is not None:
        yield
        return
    batch = _Batch()
    token = _current.set(batch)
    try:
        yield
    finally:
        _current.reset(token)
        if batch.mail_ids:
            send_later(batch.mail_ids)


def memo(key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per batch for ``key``; every call outside a batch."""
    batch = _current.get()
    if batch is None:
        return compute()
    if key not in batch.memo:
        batch.memo[key] = compute()
    return batch.memo[key]


def defer_send(mail_id: int) -> bool:
    """Within a batch, note a committed outbox mail for the batch's send task (True)."""
    batch = _current.get()
    if batch is None:
        return False
    batch.mail_ids.append(mail_id)
    return True
