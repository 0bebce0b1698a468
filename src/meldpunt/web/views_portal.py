"""The customer portal: the organisation's requests, one request with its deadlines and
conversation, the new-request form, the agreement, and (coordinators) the contacts."""

from __future__ import annotations

import re

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import contact_required, language
from meldpunt.contracts.models import Contact
from meldpunt.contracts.selectors import visible_agreements
from meldpunt.contracts.services import ContactError, add_contact, invitation_path, set_contact_active
from meldpunt.intake import followers
from meldpunt.intake.contact_log import channel_sentences
from meldpunt.intake.contact_points import contact_lines
from meldpunt.intake.services import attach_uploads, keep_uploads
from meldpunt.links import absolute_url
from meldpunt.success.selectors import manager_of
from meldpunt.tickets.merged import survivor
from meldpunt.tickets.models import STATUS_CHOICES, Ticket
from meldpunt.tickets.registration import create_ticket
from meldpunt.tickets.replies import customer_reply
from meldpunt.tickets.requests import NewRequest
from meldpunt.tickets.search import highlight, parse, snippets
from meldpunt.tickets.selectors import MAX_SEARCH_OFFSET, search_page, ticket_page, visible_tickets
from meldpunt.tickets.services import TicketError
from meldpunt.tickets.wording import deadline_sentences, priority_line
from meldpunt.web.forms import ContactForm, FollowerForm, NewRequestForm, PortalReplyForm
from meldpunt.web.queries import (
    agreement_summary,
    deadline_panel,
    request_state,
    rows_for,
    thread,
)
from meldpunt.web.uploads import limit_attachments

MAX_ID = 2**63 - 1


def _agreements(request):
    return visible_agreements(request.user).filter(organisation_id=request.contact.organisation_id)


def _request(request, pk: int) -> Ticket:
    ticket = (visible_tickets(request.user).select_related("agreement__catalog")
              .filter(pk=pk, organisation_id=request.contact.organisation_id).first())
    if ticket is None:
        raise Http404("no such request")
    return ticket


@contact_required
def requests(request):
    status = request.GET.get("status", "")
    status = status if status in dict(STATUS_CHOICES) else None  # an unknown filter shows all
    q = request.GET.get("q", "").strip()[:200]
    before, error = _before(request.GET.get("before", "").strip())
    next_offset, found = None, {}
    if q:  # full-text search within what this customer may see (never internal notes)
        offset, error = _offset(request.GET.get("offset", "").strip())
        tickets, next_offset = search_page(request.user, q, offset=offset, status=status, limit=25)
        found = snippets([t.pk for t in tickets], q, internal=False)
        next_before = None
    else:
        tickets, next_before = ticket_page(request.user, before=before, status=status, limit=25)
    rows = [(row, request_state(row.ticket)) for row in rows_for([t.pk for t in tickets], timezone.now())]
    if q:
        query = parse(q)
        for row, _state in rows:
            row.subject_html, row.snippet = highlight(row.ticket.subject, query), found.get(row.ticket.pk, "")
    return render(request, "web/portal/requests.html", {
        "rows": rows, "next_before": next_before, "next_offset": next_offset, "q": q, "status": status or "",
        "statuses": STATUS_CHOICES, "agreements": _agreements(request), "error": error,
    }, status=400 if error else 200)


def _offset(text: str) -> tuple[int, str]:
    """Where a page of search results starts; one the portal did not make answers 400 with the first page."""
    if not text:
        return 0, ""
    if re.fullmatch(r"[0-9]{1,5}", text) and int(text) <= MAX_SEARCH_OFFSET:
        return int(text), ""
    return 0, _("This page link is not valid (any more); here is the first page.")


def _before(text: str) -> tuple[int | None, str]:
    """The page cursor (a request number); one the portal did not make answers 400 with the first page."""
    if not text:
        return None, ""
    if re.fullmatch(r"[0-9]{1,19}", text) and 0 < int(text) <= MAX_ID:
        return int(text), ""
    return None, _("This page link is not valid (any more); here is the first page.")


@csrf_exempt
def request_detail(request, pk: int):
    """The upload handler goes in before anything reads the body (as :func:`new_request`)."""
    limit_attachments(request)
    return _request_detail(request, pk)


@contact_required
@csrf_protect
def _request_detail(request, pk: int):
    ticket = _request(request, pk)
    form = PortalReplyForm(ticket=ticket)
    status = 200
    # A merged duplicate takes no answer (as Zendesk's help centre): its page sends the
    # customer to the request it went into; a page left open before the merge is refused.
    merged = survivor(ticket) if ticket.status == "closed" else None
    if request.method == "POST":
        form = PortalReplyForm(request.POST, request.FILES, ticket=ticket, refused_uploads=request.refused_uploads)
        if merged is not None:
            form.is_valid()
            form.add_error(None, _("This request was merged into request #%(number)s; add your answer there.")
                           % {"number": merged.pk})
            status = 409
        elif form.is_valid():
            try:
                # A customer's answer resumes a clock paused for information, reopens a resolved
                # request or, once closed, starts a new one that follows it up (tickets.replies).
                with transaction.atomic():
                    reply = customer_reply(ticket, form.cleaned_data["body"], author=request.user, channel="portal")
                    keep_uploads(reply.message, form.cleaned_data["attachments"])
            except TicketError as exc:
                form.add_error(None, str(exc))
            else:
                if reply.outcome == "follow_up":
                    messages.success(request, _("This request is no longer open, so your answer started request "
                                                "#%(number)s, which follows it up.") % {"number": reply.ticket.pk})
                elif reply.outcome == "reopened":
                    messages.success(request, _("Thank you, your answer was added and the request is open again."))
                else:
                    messages.success(request, _("Thank you, your answer was added."))
                return redirect(reverse("portal:request", args=[reply.ticket.pk]))
            status = 400
        else:
            status = 400
    return render(request, "web/portal/request.html", {
        "ticket": ticket, "merged_into": merged,
        "merged_visible": merged is not None and visible_tickets(request.user).filter(pk=merged.pk).exists(),
        "state": request_state(ticket), "clocks": deadline_panel(ticket, language()),
        "priority_caption": priority_line(ticket, language(), short=True),  # shown when it has a priority
        "messages_": thread(request.user, ticket), "form": form,
        "followers": followers.listed(ticket),
        "follower_form": FollowerForm(candidates=followers.candidates(ticket), agent=False, auto_id="follower_%s")
        if request.contact.is_coordinator else None,
        "categories": bool(ticket.agreement_id and ticket.kind not in ticket.agreement.catalog.parsed().priority.fixed
                           and ticket.agreement.catalog.parsed().priority.scheme == "categories"),
    }, status=status)


@csrf_exempt
def new_request(request):
    """The upload handler goes in before anything reads the body (Django's pattern for
    changing upload handlers: CSRF is checked by ``csrf_protect`` inside, afterwards)."""
    limit_attachments(request)
    return _new_request(request)


@contact_required
@csrf_protect
def _new_request(request):
    agreements = _agreements(request).select_related("catalog")
    if not agreements:
        return render(request, "web/portal/new.html", {"form": None})
    posted = request.method == "POST"
    form = NewRequestForm(request.POST if posted else None, request.FILES if posted else None, agreements=agreements,
                          organisation_id=request.contact.organisation_id, refused_uploads=request.refused_uploads)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket, _created = create_ticket(NewRequest(
                organisation=request.contact.organisation, agreement=data["agreement"], contact=request.contact,
                kind=data["kind"], subject=data["subject"], description=data["description"],
                product=data["product"], product_version=data["product_version"],
                error_code=data["error_code"], reproduction=data["reproduction"],
                impact=data.get("impact") or "", urgency=data.get("urgency") or "",
                channel="portal", language=language(), idempotency_key=f"portal:{request.contact.pk}:{data['idempotency_key']}",
            ), actor=request.user)
        except TicketError as exc:
            form.add_error(None, str(exc))
        else:
            if _created and data["attachments"]:
                attach_uploads(ticket, data["attachments"], author=request.user)
            return redirect(reverse("portal:confirmation", args=[ticket.pk]))
    return render(request, "web/portal/new.html", {"form": form, "contacts": _contacts(agreements)},
                  status=400 if form.is_bound else 200)


def _contacts(agreements) -> list[dict]:
    """The vendors' numbers and addresses of the organisation's agreements, each once."""
    seen, found = set(), []
    for agreement in agreements:
        for line in contact_lines(agreement, language()):
            if line["value"] not in seen:
                seen.add(line["value"])
                found.append(line)
    return found


@contact_required
def confirmation(request, pk: int):
    ticket = _request(request, pk)
    return render(request, "web/portal/confirmation.html", {
        "ticket": ticket, "state": request_state(ticket),
        "priority": priority_line(ticket, language()), "deadlines": deadline_sentences(ticket, language()),
    })


@contact_required
def agreements(request):
    found = list(_agreements(request))
    if len(found) == 1:
        return redirect(reverse("portal:agreement", args=[found[0].pk]))
    return render(request, "web/portal/agreements.html", {"agreements": found})


@contact_required
def agreement(request, pk: int):
    found = _agreements(request).filter(pk=pk).first()
    if found is None:
        raise Http404("no such agreement")
    return render(request, "web/portal/agreement.html", {
        "s": agreement_summary(found, language()), "live_lines": channel_sentences(found, language()),
        "contacts": contact_lines(found, language()), "manager": manager_of(found),
    })


def _coordinator(request) -> None:
    if not request.contact.is_coordinator:
        raise Http404("coordinators only")


@contact_required
def contacts(request):
    _coordinator(request)
    org = request.contact.organisation
    form = ContactForm(request.POST if request.method == "POST" else None, initial={"language": org.language})
    invitation = None
    if request.method == "POST" and form.is_valid():
        try:
            added = add_contact(organisation=org, **form.cleaned_data)
        except ContactError as exc:
            form.add_error("email", str(exc))
        else:
            invitation = absolute_url(invitation_path(added), default=request.build_absolute_uri("/"))  # to send on
            messages.success(request, _("%(name)s was added.") % {"name": added.name})
            form = ContactForm(initial={"language": org.language})
    people = Contact.objects.filter(organisation=org).select_related("user").order_by("name")
    return render(request, "web/portal/contacts.html", {
        "people": people, "form": form, "invitation": invitation,
    }, status=400 if form.is_bound and form.errors else 200)


@require_POST
@contact_required
def contact_active(request, pk: int):
    _coordinator(request)
    person = Contact.objects.filter(organisation_id=request.contact.organisation_id, pk=pk).select_related("user").first()
    if person is None:
        raise Http404("no such contact")
    active = request.POST.get("active") == "1"
    try:
        set_contact_active(person, active, by=request.contact)
    except ContactError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, (_("%(name)s can log in again.") if active else _("%(name)s can no longer log in."))
                         % {"name": person.name})
    return redirect(reverse("portal:contacts"))
