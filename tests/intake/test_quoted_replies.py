"""Mail replies without their quoted history (issue 19 item 5): the thread shows what the
customer wrote now; the whole text is kept and one click away. Real shapes of replies from
Outlook (Dutch and English), Gmail (Dutch and English), Apple Mail and HTML-only mail, each
through the real ingest path."""

from __future__ import annotations

import pytest
from django.test import Client

from meldpunt.intake.models import FullMail
from meldpunt.intake.quotes import new_part, split
from meldpunt.intake.services import ingest
from meldpunt.tickets.models import Message, Ticket
from tests.support import factories as f
from tests.support.samples import mail

OUTLOOK_NL = """Hallo,

Het werkt nog steeds niet, zie de bijlage.

Met vriendelijke groet,
Jan de Vries

Van: Support <support@vendor.test>
Verzonden: maandag 7 december 2026 10:12
Aan: Jan de Vries <jan@devries.test>
Onderwerp: RE: [#12] Factuur export faalt

Beste Jan,

Kunt u de versie sturen?
"""

GMAIL_NL = """Ja, versie 24.1.

Op ma 7 dec 2026 om 10:12 schreef Support <support@vendor.test>:
> Beste Jan,
>
> Kunt u de versie sturen?
"""

GMAIL_EN = """Still broken after the update.

On Mon, Dec 7, 2026 at 10:12 AM Support <support@vendor.test> wrote:
> Dear Jan,
> Which version?
"""

OUTLOOK_EN = """Thanks, that fixed it.

________________________________
From: Support <support@vendor.test>
Sent: Monday, December 7, 2026 10:12
To: Jan
Subject: RE: [#12] Export

Which version?
"""

APPLE_NL = """Dank, we proberen het morgen.

Op 7 dec. 2026, om 10:12 heeft Support <support@vendor.test> het volgende geschreven:

> Probeer de nieuwe versie.
"""

HTML_ONLY = ("<html><body><div dir='ltr'>Het <b>werkt</b> weer, dank!</div><br>"
             "<div class='gmail_quote'><div dir='ltr'>Op ma 7 dec 2026 om 10:12 schreef Support "
             "&lt;support@vendor.test&gt;:<br></div><blockquote>Is het opgelost?</blockquote></div></body></html>")


@pytest.mark.parametrize(("text", "shown"), [
    (OUTLOOK_NL, "Hallo,\n\nHet werkt nog steeds niet, zie de bijlage.\n\nMet vriendelijke groet,\nJan de Vries"),
    (GMAIL_NL, "Ja, versie 24.1."),
    (GMAIL_EN, "Still broken after the update."),
    (OUTLOOK_EN, "Thanks, that fixed it."),
    (APPLE_NL, "Dank, we proberen het morgen."),
])
def test_the_new_part_of_real_replies_in_dutch_and_english(text, shown):
    assert split(text) == (shown, text)


def test_a_mail_without_quotes_or_with_nothing_new_is_shown_whole():
    plain = "Geen citaat hier.\nTweede regel."
    assert split(plain) == (plain, None)
    only_quotes = "> Beste Jan,\n> Kunt u de versie sturen?\n"
    assert new_part(only_quotes) == only_quotes  # never cut to nothing
    inline = "Antwoord:\n> vraag 1\nJa.\n> vraag 2\nNee."
    assert new_part(inline) == inline  # answers between quoted lines stay
    assert new_part("") == ""


@pytest.mark.django_db(transaction=True)
def test_replies_by_mail_keep_the_whole_text_and_the_pages_show_the_new_part():
    org = f.organisation("De Vries")
    jan = f.contact(org, username="jan")
    f.agreement(org, "erpm", "small", coordinator=jan)
    created = ingest(mail(sender=jan.email, subject="Factuur export faalt", message_id="<q0@devries.test>"))
    ticket = Ticket.objects.get(pk=created.ticket)
    for n, (body, content_type) in enumerate([(OUTLOOK_NL, "text/plain"), (GMAIL_EN, "text/plain"),
                                              (HTML_ONLY, "text/html")]):
        result = ingest(mail(sender=jan.email, subject=f"RE: [#{ticket.pk}] Factuur export faalt",
                             message_id=f"<q{n + 1}@devries.test>", body=body,
                             content_type=f"{content_type}; charset=utf-8"))
        assert result.outcome == "appended"
    outlook, gmail, html = Message.objects.filter(ticket=ticket).order_by("id")
    assert outlook.body.endswith("Jan de Vries") and "Verzonden:" in outlook.full_mail.text
    assert gmail.body == "Still broken after the update." and "wrote:" in gmail.full_mail.text
    assert "weer, dank!" in html.body and "schreef" not in html.body and "Is het opgelost?" in html.full_mail.text
    assert FullMail.objects.count() == 3

    for who, url in ((f.staff_user(), f"/console/tickets/{ticket.pk}/"), (jan.user, f"/portal/requests/{ticket.pk}/")):
        client = Client()
        client.force_login(who)
        page = client.get(url).content.decode()
        assert page.count('<details class="full-mail">') == 3
        shown = page.split('<details class="full-mail">')[1]
        assert "Kunt u de versie sturen?" in shown  # the quoted history: in the whole mail, one click away
