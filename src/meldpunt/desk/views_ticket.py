"""The desk's parts of the console ticket page, answered to htmx: a macro into the reply box,
knowledge search and linking, and time booked from the running timer. Without htmx each
falls back to a full page. The work is done by the knowledge and billing services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meldpunt.accounts.access import staff_required
from meldpunt.billing.forms import book_from
from meldpunt.desk.forms import TimerBookForm
from meldpunt.desk.panels import knowledge_context, macro_reply_form, time_context
from meldpunt.desk.selectors import staff_ticket
from meldpunt.intake.outbox import customer_language
from meldpunt.knowledge.forms import SearchForm, posted_id
from meldpunt.knowledge.search import search, visible_articles
from meldpunt.knowledge.services import link_article

MAX_BODY = 20000


def _back(pk: int, anchor: str) -> str:
    return f"{reverse('console:ticket', args=[pk])}#{anchor}"


@require_http_methods(["GET", "POST"])
@staff_required
def macro_insert(request, pk: int):
    """htmx: the reply box with the macro added after what the agent typed (``body``).
    Posted, so a long typed text never makes the address too long; nothing is saved."""
    ticket = staff_ticket(request.user, pk)
    data = request.POST if request.method == "POST" else request.GET
    if not request.htmx:
        query = urlencode({"macro": data.get("macro", "")})
        return redirect(f"{reverse('console:ticket', args=[pk])}?{query}#reply")
    form = macro_reply_form(request, ticket, data.get("macro", ""), body=data.get("body", "")[:MAX_BODY], oob=True)
    if form is None:
        raise Http404("no such template")
    return render(request, "desk/_macro_insert.html", {"reply_form": form, "filled": form.filled})


@require_GET
@staff_required
def knowledge(request, pk: int):
    """htmx: articles matching ``q`` in the chosen language, each with a one-click link."""
    ticket = staff_ticket(request.user, pk)
    form = SearchForm(request.GET, auto_id="kb_%s")
    if not request.htmx:  # the knowledge app's own page does the same without JavaScript
        return redirect(f"{reverse('knowledge:ticket', args=[pk])}?{urlencode({'q': request.GET.get('q', '')})}")
    hits = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        language = form.cleaned_data["lang"] or customer_language(ticket)
        hits = search(form.cleaned_data["q"], language, request.user, limit=10)
    return render(request, "desk/_knowledge_hits.html", {"ticket": ticket, "knowledge_hits": hits,
                                                          "knowledge_form": form},
                  status=200 if form.is_valid() else 400)


@require_POST
@staff_required
def knowledge_link(request, pk: int):
    ticket = staff_ticket(request.user, pk)
    article = visible_articles(request.user).filter(pk=posted_id(request.POST.get("article"))).first()
    if article is None:
        raise Http404("no such article")
    _link, created = link_article(ticket=ticket, article=article, actor=request.user)
    if not request.htmx:
        if created:
            messages.success(request, _("Article linked to the ticket."))
        return redirect(_back(pk, "knowledge-panel"))
    return render(request, "desk/_knowledge.html", knowledge_context(request, ticket))


@require_POST
@staff_required
def book(request, pk: int):
    """Book the timer's minutes (or typed ones) through ``billing.services.book_time``."""
    ticket = staff_ticket(request.user, pk)
    form = TimerBookForm(request.POST)
    booking = book_from(form, ticket=ticket, agent=request.user) if form.is_valid() else None
    if booking is not None:
        minutes = form.cleaned_data["minutes"]
        if not request.htmx:
            messages.success(request, ngettext("%(n)s minute booked.", "%(n)s minutes booked.", minutes) % {"n": minutes})
            for warning in booking.warnings:
                messages.warning(request, warning)
            return redirect(_back(pk, "time-panel"))
        return render(request, "desk/_time.html", time_context(ticket, warnings=booking.warnings, booked=minutes))
    template = "desk/_time.html" if request.htmx else "desk/time_page.html"
    return render(request, template, time_context(ticket, form=form), status=400)
