"""Reads of agent notifications: an agent's settings, unread count, list, and the sentence
that says what a notification is about (in the language active when it is called)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from meldpunt.core.mailheaders import header_text
from meldpunt.notifications.models import KINDS, Notification, NotificationSettings, Watch

#: Page size of the notifications list.
PAGE = 50


def site_language() -> str:
    return "nl" if settings.LANGUAGE_CODE.startswith("nl") else "en"


def settings_of(user) -> NotificationSettings:
    """The agent's settings, or the default (everything, both ways) unsaved."""
    return settings_for([user])[user.pk]


def settings_for(users) -> dict[int, NotificationSettings]:
    """:func:`settings_of` for many agents in one query (the alert scan tells many at once)."""
    users = list(users)
    found = {s.user_id: s for s in NotificationSettings.objects.filter(user__in=[u.pk for u in users])}
    return {u.pk: found.get(u.pk) or _default(u) for u in users}


def _default(user) -> NotificationSettings:
    return NotificationSettings(user=user, in_app=list(KINDS), by_mail=list(KINDS), language=site_language())


def watchers(ticket) -> list:
    """The agents watching ``ticket``."""
    return [w.user for w in Watch.objects.filter(ticket=ticket).select_related("user")]


def watches(user, ticket) -> bool:
    return Watch.objects.filter(user=user, ticket=ticket).exists()


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(user=user).select_related("ticket", "actor")
    return rows.filter(read_at__isnull=True) if unread_only else rows


def headline(notification: Notification) -> str:
    """One sentence saying what happened (also the mail's subject)."""
    n, ticket = notification, notification.ticket
    values = {"number": ticket.pk, "subject": header_text(ticket.subject, 120),
              "who": n.actor.get_username() if n.actor_id and n.actor else _("someone"),
              "previous": (n.data or {}).get("previous")}
    if n.kind == "assigned":
        return _("Request #%(number)s is assigned to you: %(subject)s") % values
    if n.kind == "customer_reply":
        if values["previous"]:
            return _("The customer's reply to request #%(previous)s started a new request #%(number)s: %(subject)s") % values
        if (n.data or {}).get("reopened"):
            return _("The customer's reply reopened request #%(number)s: %(subject)s") % values
        return _("The customer replied on request #%(number)s: %(subject)s") % values
    if n.kind == "mention":
        return _("%(who)s mentioned you on request #%(number)s: %(subject)s") % values
    return n.text
