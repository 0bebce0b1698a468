"""Tell people something: an in-app notification and a mail through the outbox.

Used when an idea someone follows changes status and when a critical fix is announced.
Each recipient gets their own mail (no addresses of others in To/Cc). The mails are written
to the intake outbox (``OutboundMail``, kind ``idea`` or ``release``) in the transaction
that caused them and sent by a task after the commit: a rolled-back change mails nobody,
and a failed send stays in the outbox for the scheduled retry. The title (an idea's title
is the customer's text) is made one safe header line there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from meldpunt.core.mailheaders import header_text
from meldpunt.intake import outbox
from meldpunt.knowledge.models import Notification
from meldpunt.links import absolute_url


@dataclass(frozen=True)
class Recipient:
    email: str
    user: object | None = None  # a User for the in-app notice, when they have an account
    language: str = "en"


def notify(recipients: Iterable[Recipient], *, title: str, body: str, url: str = "", kind: str = "idea",
           vendor: str = "") -> int:
    """Store an in-app notice per user and queue one mail per address; returns how many mails.

    ``kind`` names the mail in the outbox (``idea`` or ``release``); ``vendor`` picks the
    vendor's reply address as sender."""
    recipients = list(recipients)
    Notification.objects.bulk_create(
        [Notification(user=r.user, title=header_text(title, limit=300), body=body, url=url)
         for r in recipients if r.user is not None]
    )
    link = absolute_url(url) if url else ""  # on MELDPUNT_SITE_URL: a link that opens from a mail
    text = body + (f"\n\n{link}\n" if link else "\n")
    by_address = {r.email: r for r in recipients if r.email}
    mails = [
        outbox.queue_message(kind, to=address, subject=title, body=text, language=r.language, vendor=vendor)
        for address, r in sorted(by_address.items())
    ]
    outbox.send_after_commit(mails)
    return sum(mail is not None for mail in mails)


def unread(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
