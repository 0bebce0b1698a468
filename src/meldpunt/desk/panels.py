"""What the desk adds to the console pages, as template context.

The console's views call :func:`queue_context` and :func:`ticket_context` and include the
desk's partial templates; the desk's own htmx endpoints render the same partials from the
same functions, so a panel looks the same on first load and after an update.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from meldpunt.billing.selectors import ticket_time
from meldpunt.desk.forms import SavedViewForm, TimerBookForm
from meldpunt.desk.macros import fill_macro
from meldpunt.desk.selectors import find_macro, linked_articles, macros, visible_views
from meldpunt.desk.services import normalise_query
from meldpunt.intake.outbox import customer_language
from meldpunt.knowledge.forms import SearchForm
from meldpunt.links import absolute_url
from meldpunt.tickets.forms import ReplyForm
from meldpunt.tickets.models import Ticket


def queue_context(request) -> dict:
    """The saved views as links (the agent's own first), which one is showing, and the form
    that saves the current filter and sort."""
    current = normalise_query(request.GET.urlencode(), lenient=True)
    base = reverse("console:queue")
    views = sorted(visible_views(request.user), key=lambda v: (v.owner_id != request.user.pk, v.name.lower()))
    return {
        "saved_views": [{"view": v, "url": f"{base}?{v.query}", "active": v.query == current,
                         "mine": v.owner_id == request.user.pk} for v in views],
        "view_form": SavedViewForm(initial={"query": current}),
    }


def knowledge_context(request, ticket: Ticket) -> dict:
    """Linked articles (with the public address to send) and an empty search in the customer's language."""
    language = customer_language(ticket)
    links = linked_articles(ticket, language)
    for row in links:
        url = reverse("knowledge:article", args=[row["article"].slug])
        # goes into a reply to the customer: on MELDPUNT_SITE_URL, else on the address the agent uses
        row["public_url"] = absolute_url(f"{url}?{urlencode({'lang': row['language']})}",
                                         default=request.build_absolute_uri("/"))
    return {
        "ticket": ticket, "knowledge_links": links, "knowledge_hits": None,
        "knowledge_form": SearchForm(initial={"lang": language}, auto_id="kb_%s"),
    }


def time_context(ticket: Ticket, *, form=None, warnings=(), booked=None) -> dict:
    entries = list(ticket_time(ticket))
    return {
        "ticket": ticket, "time_entries": entries, "time_total": sum(e.minutes for e in entries),
        "time_form": form or TimerBookForm(), "time_warnings": list(warnings), "time_booked": booked,
    }


def ticket_context(request, ticket: Ticket) -> dict:
    """Everything the desk's panels on the console ticket page need."""
    return {
        "macros": list(macros()),
        "macro_language": customer_language(ticket),
        **knowledge_context(request, ticket),
        **time_context(ticket),
    }


def macro_reply_form(request, ticket: Ticket, macro_id: str, *, body: str = "", oob: bool = False) -> ReplyForm | None:
    """The console's reply form with template ``macro_id`` filled in after ``body``
    (None without a valid one): its text, reply or note, and the status it sets. Nothing is
    sent: the agent reads it and presses Send, which goes through the reply action."""
    found = find_macro(macro_id)
    if found is None:
        return None
    filled = fill_macro(found, ticket, request.user)
    text = f"{body.rstrip()}\n\n{filled.body}" if body.strip() else filled.body
    form = ReplyForm(initial={"version": ticket.version, "body": text, "visibility": filled.visibility,
                              "then_status": filled.status})
    if oob:  # htmx: the text replaces the message box; these replace their namesakes by id
        for name in ("visibility", "then_status"):
            form.fields[name].widget.attrs["hx-swap-oob"] = "true"
    form.filled = filled
    return form
