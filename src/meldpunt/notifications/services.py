"""Writes of agent notifications (issue 19 item 4): tell agents, mark read, save settings.

:func:`notify` is the one way an agent is told: per the agent's settings an in-app row
and/or a mail in the one outbox (:mod:`meldpunt.intake.outbox`), written in the agent's
language, in the transaction of what caused it, and sent after the commit. The receivers
(:mod:`meldpunt.notifications.receivers`) call it for assignments, customer replies and
mentions; the escalation app's alert scan calls :func:`tell_sla` for warnings and breaches
(and reads the agents' settings, ``selectors.settings_for``, to decide who gets its mail).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import override

from meldpunt.intake import outbox
from meldpunt.intake.models import OutboundMail
from meldpunt.links import absolute_url
from meldpunt.notifications.models import KINDS, Notification, NotificationSettings, Watch
from meldpunt.notifications.selectors import headline, settings_for
from meldpunt.tickets.models import Ticket

#: ``@username``: a name as Django's usernames are (letters, digits, @ . + - _), not inside
#: a mail address (``jan@example.com`` mentions nobody).
MENTION = re.compile(r"(?<![\w.@+-])@([\w.+-]*[\w+-])")
MAIL_KIND = "agent_notice"


class NotificationError(ValueError):
    """Settings that cannot be saved, with a message for the agent."""


def mentioned_names(body: str) -> list[str]:
    """The usernames ``@mentioned`` in ``body``, each once, in order."""
    return list(dict.fromkeys(MENTION.findall(body)))


def mentioned_staff(body: str):
    """The active staff users ``@mentioned`` in ``body`` (usernames are matched without case)."""
    names = mentioned_names(body)
    if not names:
        return []
    query = None
    for name in names:
        query = Q(username__iexact=name) if query is None else query | Q(username__iexact=name)
    return list(get_user_model().objects.filter(query, is_staff=True, is_active=True))


def notify(users: Iterable, *, kind: str, ticket: Ticket, actor=None, text: str = "", data: dict | None = None,
           dedupe: str | None = None) -> list[Notification]:
    """Tell each of ``users`` (active staff, never the ``actor`` themself) of ``kind`` about
    ``ticket``, in the app and/or by mail as each has chosen. ``dedupe``: a key that mails
    each user once for the same cause."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    users = {u.pk: u for u in users if u is not None and u.is_active and u.is_staff
             and (actor is None or u.pk != getattr(actor, "pk", None))}
    if not users:
        return []
    chosen = settings_for(users.values())
    made: list[Notification] = []
    mails: list[OutboundMail | None] = []
    for pk, user in users.items():
        own = chosen[pk]
        note = Notification(user=user, kind=kind, ticket=ticket, actor=actor, text=text[:400], data=data or {})
        if kind in own.in_app:
            note.save()
            made.append(note)
        if kind in own.by_mail and user.email:
            mails.append(_mail(note, own, dedupe=f"{dedupe}:{pk}" if dedupe else None))
    outbox.send_after_commit(mails)
    return made


def _mail(note: Notification, own: NotificationSettings, *, dedupe: str | None) -> OutboundMail | None:
    with override(own.language):
        subject = headline(note)
        lines = [subject, ""]
        if note.text and note.kind != "sla":
            lines += [Truncator(note.text).chars(400), ""]
        lines += [absolute_url(reverse("console:ticket", args=[note.ticket_id])), "",
                  _("Choose which notifications you receive: %(url)s") % {"url": absolute_url(reverse("notifications:settings"))}]
    return outbox.queue_message(MAIL_KIND, to=note.user.email, subject=subject, body="\n".join(lines),
                                language=own.language, user=note.user, about=note.ticket, dedupe_key=dedupe, tag="staff")


def tell_sla(told: Iterable[tuple], chosen: dict[int, NotificationSettings]) -> list[Notification]:
    """The in-app side of the SLA warnings and breach steps the escalation scan tells:
    ``told`` holds (user, ticket, sentence in the user's language); those whose settings
    (``chosen``, by user id) keep SLA alerts in the app get a row, in one insert. The mail
    stays the scan's own (kind ``staff_alert``), sent only to those who chose mail."""
    rows = [Notification(user=user, kind="sla", ticket=ticket, text=text[:400])
            for user, ticket, text in told if "sla" in chosen[user.pk].in_app]
    return Notification.objects.bulk_create(rows, batch_size=1000)


def watch(user, ticket: Ticket, *, on: bool) -> bool:
    """Start (``on``) or stop watching ``ticket``; whether ``user`` watches it now. Staff only."""
    if not (user.is_active and user.is_staff):
        raise NotificationError(_("Only vendor staff can watch a request."))
    if on:
        Watch.objects.get_or_create(user=user, ticket=ticket)
    else:
        Watch.objects.filter(user=user, ticket=ticket).delete()
    return on


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s unread notifications read (``ids``: only these); how many were."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


@transaction.atomic
def save_settings(user, *, in_app: Iterable[str], by_mail: Iterable[str], language: str) -> NotificationSettings:
    in_app, by_mail = list(dict.fromkeys(in_app)), list(dict.fromkeys(by_mail))
    unknown = sorted(set(in_app + by_mail) - set(KINDS))
    if unknown:
        raise NotificationError(_("Unknown kind of notification: %(names)s.") % {"names": ", ".join(unknown)})
    if language not in ("nl", "en"):
        raise NotificationError(_("Choose Dutch or English."))
    own, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={"in_app": in_app, "by_mail": by_mail, "language": language})
    return own
