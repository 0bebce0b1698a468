"""Triage pages: the on-duty manager's queue and a request's triage page (console); the
proposal, category request, licence keys and special-event weekend pages (portal).
Thin: reads through ``selectors``, writes through the services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import contact_required, language, staff_required
from meldpunt.contracts.selectors import visible_agreements
from meldpunt.tickets.services import TicketError
from meldpunt.triage import requests as triage_requests
from meldpunt.triage import services, weekends
from meldpunt.triage.forms import (
    CategoryForm,
    ConsentForm,
    EngineerForm,
    LicenceKeyRequestForm,
    ProposalForm,
    WeekendForm,
)
from meldpunt.triage.models import CategoryRequest, Proposal, SpecialWeekend
from meldpunt.triage.selectors import (
    actions_for,
    assessment_of,
    customer_state,
    missing_words,
    recommended_action,
    ticket_for,
    triage_queue,
    visible_licence_keys,
    visible_proposals,
    visible_weekends,
)


def _ticket(request, pk: int):
    ticket = ticket_for(request.user, pk)
    if ticket is None:
        raise Http404("no such request")
    return ticket


# ------------------------------------------------------------------ console
@staff_required
def queue(request):
    return render(request, "triage/queue.html", {"rows": triage_queue(request.user, language=language()), "lang": language()})


@staff_required
def ticket(request, pk: int):
    found = _ticket(request, pk)
    assessment = assessment_of(found)
    scheme = found.agreement.catalog.parsed().priority if found.agreement_id else None
    return render(request, "triage/ticket.html", {
        "ticket": found, "a": assessment, "lang": language(), "actions": actions_for(found, assessment),
        "missing": missing_words(found, assessment, language()),
        "recommended": recommended_action(found, assessment),
        "state": customer_state(found), "proposals": visible_proposals(request.user, found),
        "proposal_form": ProposalForm(), "consent_form": ConsentForm(),
        "remote_rule": triage_requests.remote_rule(found, language()),
        "category_requests": found.category_requests.all(), "consents": found.remote_consents.all(),
        "priority_label": scheme.label(found.priority, language()) if scheme and found.priority else "",
    })


def _run(request, pk: int, action: str):
    found = _ticket(request, pk)
    post, user = request.POST, request.user
    if action == "assess":
        services.assess(found, area=post.get("area", ""), area_name=post.get("area_name", ""),
                        area_scope=post.get("area_scope", ""))
    elif action == "send_back":
        services.send_back(found, actor=user, note=post.get("reason", ""))
    elif action == "accept":
        services.accept(found, actor=user, reason=post.get("reason", ""))
    elif action == "convert":
        services.convert_to_advisory(found, actor=user, reason=post.get("reason", ""))
    elif action == "propose":
        form = ProposalForm(post)
        if not form.is_valid():
            raise TicketError(_("Please correct the proposal: %(errors)s") % {"errors": form.errors.as_text()})
        services.draft_proposal(found, actor=user, **form.cleaned_data)
    elif action == "send_proposal":
        proposal = Proposal.objects.filter(ticket=found, pk=post.get("proposal") or 0).first()
        if proposal is None:
            raise Http404("no such proposal")
        services.send_proposal(proposal, actor=user)
    elif action == "consent":
        form = ConsentForm(post)
        if not form.is_valid():
            raise TicketError(_("Please say who authorised the session."))
        triage_requests.record_remote_consent(found, actor=user, **form.cleaned_data)
    elif action == "issue_key":
        triage_requests.issue_licence_key(found, key=post.get("key", ""), actor=user)
    else:
        raise Http404("no such action")


@require_POST
@staff_required
def act(request, pk: int):
    try:
        _run(request, pk, request.POST.get("action", ""))
    except TicketError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    back = request.POST.get("next", "")
    return redirect(reverse("triage:queue") if back == "queue" else reverse("triage:ticket", args=[pk]))


@require_POST
@staff_required
def decide_category(request, pk: int):
    found = CategoryRequest.objects.filter(pk=pk).select_related("ticket").first()
    if found is None:
        raise Http404("no such category request")
    try:
        triage_requests.decide_category(found, accept=request.POST.get("accept") == "1", actor=request.user,
                                        reason=request.POST.get("reason", ""))
    except TicketError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("triage:ticket", args=[found.ticket_id]))


@staff_required
def console_weekends(request):
    return render(request, "triage/weekends_console.html", {
        "rows": weekends.weekend_rows(visible_weekends(request.user), language()), "form": EngineerForm()})


@require_POST
@staff_required
def decide_weekend(request, pk: int):
    found = SpecialWeekend.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("no such weekend")
    form = EngineerForm(request.POST)
    try:
        if not form.is_valid():
            raise TicketError(form.errors.as_text())
        if request.POST.get("decision") == "approve":
            weekends.approve_weekend(found, engineer=form.cleaned_data["engineer"], actor=request.user)
        else:
            weekends.refuse_weekend(found, reason=form.cleaned_data["reason"], actor=request.user)
    except TicketError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("triage:console_weekends"))


# ------------------------------------------------------------------ portal
def _own(request, pk: int):
    found = _ticket(request, pk)
    if found.organisation_id != request.contact.organisation_id:
        raise Http404("no such request")
    return found


@contact_required
def portal_proposal(request, pk: int):
    found = _own(request, pk)
    if request.method == "POST":
        proposal = visible_proposals(request.user, found).filter(pk=request.POST.get("proposal") or 0).first()
        if proposal is None:
            raise Http404("no such proposal")
        try:
            services.decide_proposal(proposal, approve=request.POST.get("decision") == "approve", by=request.user,
                                     note=request.POST.get("note", ""), contact=request.contact)
        except TicketError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you, your decision was recorded."))
        return redirect(reverse("triage:proposal", args=[pk]))
    return render(request, "triage/portal_proposal.html", {
        "ticket": found, "state": customer_state(found), "proposals": visible_proposals(request.user, found)})


@contact_required
def portal_category(request, pk: int):
    found = _own(request, pk)
    if found.agreement_id is None or found.agreement.catalog.parsed().priority.scheme != "categories":
        raise Http404("no categories")
    scheme = found.agreement.catalog.parsed().priority
    form = CategoryForm(request.POST or None, scheme=scheme, language=language())
    if request.method == "POST" and form.is_valid():
        try:
            triage_requests.request_category(found, by=request.user, **form.cleaned_data)
        except TicketError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your request for another category was sent; an agent decides."))
            return redirect(reverse("portal:request", args=[pk]))
    return render(request, "triage/portal_category.html", {
        "ticket": found, "form": form, "requests": found.category_requests.all(),
        "current": scheme.label(found.priority, language()) if found.priority else "–",
    }, status=400 if form.is_bound and form.errors else 200)


@contact_required
def portal_keys(request):
    form = LicenceKeyRequestForm(request.POST or None,
                                 by_company=bool(triage_requests.key_agreements_by_company(request.contact)))
    if request.method == "POST" and form.is_valid():
        try:
            created = triage_requests.request_licence_key(contact=request.contact, actor=request.user, **form.cleaned_data)
        except TicketError as exc:
            form.add_error("agreement_code", str(exc))
        else:
            return redirect(reverse("portal:confirmation", args=[created.pk]))
    return render(request, "triage/portal_keys.html", {
        "form": form, "keys": visible_licence_keys(request.user), "coordinator": request.contact.is_coordinator,
    }, status=400 if form.is_bound and form.errors else 200)


@contact_required
def portal_weekends(request):
    agreements = visible_agreements(request.user).filter(organisation_id=request.contact.organisation_id)
    form = WeekendForm(request.POST or None, agreements=agreements)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            weekends.request_weekend(data["agreement"], saturday=data["saturday"], by=request.user,
                                     purpose=data["purpose"], language=language())
        except TicketError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your special-event weekend was requested; we confirm it with the engineer. "
                                        "Covered: %(covers)s") % {"covers": weekends.covered_text(data["agreement"], language())})
            return redirect(reverse("triage:weekends"))
    offers = [(a, text) for a in agreements for text in [weekends.offer_text(a, language())] if text]
    return render(request, "triage/portal_weekends.html", {
        "form": form, "rows": weekends.weekend_rows(visible_weekends(request.user), language()), "offers": offers,
    }, status=400 if form.is_bound and form.errors else 200)
