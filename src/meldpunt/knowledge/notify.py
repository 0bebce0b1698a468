"""Tell people something: an in-app notification and a mail, sent after the commit.

Used when an idea someone follows changes status and when a critical fix is announced.
Each recipient gets their own mail (no addresses of others in To/Cc). The mail goes out
through Django's default mailer once the transaction that caused it has committed, so a
rolled-back change never mails anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction

from meldpunt.knowledge.models import Notification


@dataclass(frozen=True)
class Recipient:
    email: str
    user: object | None = None  # a User for the in-app notice, when they have an account


def notify(recipients: Iterable[Recipient], *, title: str, body: str, url: str = "") -> int:
    """Store an in-app notice per user and queue one mail per address; returns how many mails."""
    recipients = list(recipients)
    Notification.objects.bulk_create(
        [Notification(user=r.user, title=title[:300], body=body, url=url) for r in recipients if r.user is not None]
    )
    addresses = sorted({r.email for r in recipients if r.email})
    if addresses:
        sender = getattr(settings, "MELDPUNT_MAIL_FROM", "support@meldpunt.test")
        # MELDPUNT_SITE_URL (e.g. https://desk.example.com) makes the link absolute in mail.
        link = getattr(settings, "MELDPUNT_SITE_URL", "").rstrip("/") + url if url else ""
        text = body + (f"\n\n{link}\n" if link else "\n")
        mails = [EmailMessage(title[:300], text, sender, [address]) for address in addresses]
        transaction.on_commit(lambda: mailers.default.send_messages(mails))
    return len(addresses)


def unread(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
