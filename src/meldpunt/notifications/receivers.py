"""The notifications app listens to the tickets app (its signals are sent inside the
transaction of the change, so a notification and its outbox mail commit with it)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from meldpunt.notifications.selectors import watchers
from meldpunt.notifications.services import mentioned_staff, notify
from meldpunt.tickets import signals


def on_assigned(sender, *, ticket, old, new, actor=None, **kwargs) -> None:
    """The new assignee hears of it, unless they took it themself (as in Zendesk)."""
    if new is None:
        return
    user = get_user_model().objects.filter(pk=new).first()
    notify([user], kind="assigned", ticket=ticket, actor=actor)


def on_customer_replied(sender, *, ticket, message, reopened: bool, previous=None, **kwargs) -> None:
    """The assignee and the watchers of the request hear of a customer's reply; of a
    follow-up, those of the old request (the new one has nobody yet)."""
    about = previous if previous is not None else ticket
    told = [about.assignee, *watchers(about)] if about.assignee_id else watchers(about)
    if not told:
        return
    data = {"reopened": True} if reopened else {"previous": previous.pk} if previous is not None else {}
    notify(told, kind="customer_reply", ticket=ticket, text=message.body if message else "", data=data)


def on_message_added(sender, *, ticket, message, **kwargs) -> None:
    """``@username`` in an internal note tells that member of staff."""
    if message.public or message.from_customer:
        return
    users = mentioned_staff(message.body)
    if users:
        notify(users, kind="mention", ticket=ticket, actor=message.author, text=message.body)


def connect() -> None:
    signals.ticket_assigned.connect(on_assigned, dispatch_uid="notifications-assigned")
    signals.customer_replied.connect(on_customer_replied, dispatch_uid="notifications-customer-replied")
    signals.message_added.connect(on_message_added, dispatch_uid="notifications-mention")
