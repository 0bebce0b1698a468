"""The rating links under the resolution mail: added to the one outbox's mail while it is
written (:data:`meldpunt.intake.outbox.composing`), in the mail's language."""

from __future__ import annotations

from django.dispatch import receiver
from django.template.loader import render_to_string

from meldpunt.intake import outbox
from meldpunt.satisfaction.links import rating_urls


@receiver(outbox.composing, dispatch_uid="meldpunt.satisfaction.rating_links")
def rating_links(sender, ticket, kind, status, recipient, language, **kwargs) -> str:
    if kind != "status" or status != "resolved":
        return ""
    urls = rating_urls(ticket.pk, recipient.pk if recipient is not None else None)
    if not urls:
        return ""
    return render_to_string(f"satisfaction/mail/rating_{language}.txt", urls)
