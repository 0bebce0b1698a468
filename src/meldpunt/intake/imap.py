"""Read IMAP mailboxes with imapclient: IDLE where the server has it, polling otherwise.

A message is fetched with BODY.PEEK[] (the server's \\Seen flag is left alone), registered
by :func:`meldpunt.intake.bulk.ingest_many` (a batch at a time; the same rules as
:func:`meldpunt.intake.services.ingest`) — which commits — and only then flagged with the
keyword ``$Meldpunt`` (and moved, when the mailbox names a done folder). A crash between
the commit and the flag makes the next run fetch the message again; ingest finds it already
registered and it is flagged then: nothing is lost or registered twice.

One bad message never stops a poll: a message that cannot be read or registered is kept in
quarantine and flagged like any other; one that cannot be kept at all (the database is down)
stays unflagged, so the next poll fetches it again. The mailbox keeps its last error and the
time of it (``last_error``, ``last_error_at``: connection errors, quarantined and unkept
messages), shown in the admin; every error is logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from meldpunt.intake import batch
from meldpunt.intake.bulk import ingest_many
from meldpunt.intake.models import Mailbox
from meldpunt.intake.services import IngestResult
from meldpunt.sealed import require

log = logging.getLogger(__name__)
DONE_FLAG = b"$Meldpunt"
BATCH = 100


@dataclass
class PollReport:
    mailbox: str
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    error: str = ""  # what stopped the poll (connection, login, fetch)
    problems: list[str] = field(default_factory=list)  # messages quarantined or not kept

    def count(self, result: IngestResult, source: str = "") -> None:
        self.fetched += 1
        key = "duplicate" if result.duplicate else result.outcome
        self.outcomes[key] = self.outcomes.get(key, 0) + 1
        if not result.duplicate and result.outcome in ("quarantined", "failed"):
            self.problems.append(f"{source}: {result.outcome}: {result.reason}")

    def summary(self) -> str:
        """The mailbox's last error after this poll ("" when there was none)."""
        parts = [self.error] if self.error else []
        if self.problems:
            parts.append(f"{len(self.problems)} message(s) quarantined or not kept; last: {self.problems[-1]}")
        return "; ".join(parts)


def connect(mailbox: Mailbox, timeout: float = 30) -> IMAPClient:
    password = require(mailbox.password)  # sealed at rest (meldpunt.sealed); a key that cannot open it: the error
    client = IMAPClient(mailbox.host, port=mailbox.port, ssl=mailbox.use_ssl, timeout=timeout)
    client.login(mailbox.username, password)
    client.select_folder(mailbox.folder)
    return client


def poll(
    mailbox: Mailbox,
    *,
    client: IMAPClient | None = None,
    after_commit: Callable[[int, IngestResult], None] | None = None,
    shard: tuple[int, int] = (0, 1),
) -> PollReport:
    """Register every message in the folder not yet flagged ``$Meldpunt``.

    ``shard=(k, n)`` takes only the messages whose UID modulo n is k, so n workers (on any
    hosts) share one mailbox without fetching each other's mail; a message taken twice
    anyway is still registered once.

    ``after_commit(uid, result)`` runs between the commit and the flag — the moment a crash
    would hurt most; tests use it to show that such a crash loses and doubles nothing.
    """
    report = PollReport(str(mailbox))
    own = client is None
    try:
        client = client or connect(mailbox)
        index, count = shard
        uids = [uid for uid in client.search(["NOT", "KEYWORD", DONE_FLAG.decode()]) if uid % count == index]
        can_move = b"MOVE" in client.capabilities()
        for start in range(0, len(uids), BATCH):
            chunk = uids[start : start + BATCH]
            done: list[int] = []
            try:
                with batch.scope():  # shared lookups; one send task for the batch's confirmations
                    _register(mailbox, client.fetch(chunk, ["BODY.PEEK[]", "INTERNALDATE"]), report, after_commit, done)
            finally:
                if done:
                    client.add_flags(done, [DONE_FLAG])
                    if mailbox.done_folder and can_move:
                        client.move(done, mailbox.done_folder)
    except (IMAPClientError, OSError) as exc:
        report.error = f"{type(exc).__name__}: {exc}"
        log.warning("mailbox %s: %s", mailbox, report.error)
    except Exception as exc:  # unexpected: the unflagged rest is fetched again next time
        report.error = f"{type(exc).__name__}: {exc}"
        log.exception("mailbox %s: poll stopped", mailbox)
    finally:
        if own and client is not None:
            try:
                client.logout()
            except Exception:
                pass
        _save_state(mailbox, report)
    return report


def _save_state(mailbox: Mailbox, report: PollReport) -> None:
    """Note the poll on the mailbox: its time, and the last error with its time (kept until
    the next one, so the admin sees it). A database that is down is only logged."""
    now = timezone.now()
    mailbox.last_polled_at = now
    fields = ["last_polled_at"]
    summary = report.summary()
    if summary:
        for problem in report.problems:
            log.warning("mailbox %s: %s", mailbox, problem)
        mailbox.last_error, mailbox.last_error_at = summary[:2000], now
        fields += ["last_error", "last_error_at"]
    try:
        mailbox.save(update_fields=fields)
    except Exception:
        log.exception("mailbox %s: cannot note the poll", mailbox)


def _register(mailbox: Mailbox, fetched: dict, report: PollReport, after_commit, done: list[int]) -> None:
    """Register one fetched batch (:func:`meldpunt.intake.bulk.ingest_many`: the plain new
    requests in one transaction, the rest one by one); every message is committed before
    its UID goes into ``done`` for the caller to flag."""
    uids, items = [], []
    for uid, data in fetched.items():
        arrived = data.get(b"INTERNALDATE")
        if arrived is not None and arrived.tzinfo is None:
            arrived = arrived.astimezone()  # imapclient gives local naive times by default
        uids.append(uid)
        items.append((data.get(b"BODY[]") or b"", f"imap:{mailbox.pk}:{uid}", arrived))
    for uid, (_raw, source, _at), result in zip(uids, items, ingest_many(items, mailbox=mailbox), strict=True):
        report.count(result, source)
        if not result.kept:
            continue  # not stored: left unflagged, fetched again by the next poll
        if after_commit is not None:
            after_commit(uid, result)
        done.append(uid)  # committed; flagged by the caller, one round trip per batch


def watch(mailbox: Mailbox, *, idle_seconds: int = 300, rounds: int | None = None) -> None:
    """Poll, then wait with IDLE for new mail (or ``idle_seconds`` without IDLE), forever."""
    done = 0
    while rounds is None or done < rounds:
        done += 1
        client = None
        try:
            client = connect(mailbox)
            poll(mailbox, client=client)
            if b"IDLE" in client.capabilities():
                client.idle()
                client.idle_check(timeout=idle_seconds)
                client.idle_done()
            else:
                client.logout()
                client = None
                time.sleep(min(idle_seconds, 60))
        except (IMAPClientError, OSError) as exc:
            log.warning("mailbox %s: %s", mailbox, exc)
        finally:
            if client is not None:
                try:
                    client.logout()
                except Exception:
                    pass
