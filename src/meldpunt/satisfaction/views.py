"""Rating pages: the signed link from the resolution mail (no login) and the portal's form.

The link records its answer when opened (one click in the mail) and shows a page where the
customer can add a comment or switch to the other answer while the window is open. The
page is in the customer's language (the one their mail was written in)."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import contact_required
from meldpunt.contracts.models import Contact
from meldpunt.intake.outbox import customer_language
from meldpunt.satisfaction.forms import RatingForm
from meldpunt.satisfaction.links import read_token
from meldpunt.satisfaction.models import Rating
from meldpunt.satisfaction.services import SCORES, RatingError, can_rate, rate, window_end
from meldpunt.tickets.models import Ticket
from meldpunt.tickets.selectors import visible_tickets


def _invalid(request):
    return render(request, "satisfaction/invalid.html", status=404)


def rate_by_link(request, token: str, score: str):
    """GET records ``score`` (the same again changes nothing); POST adds the comment."""
    try:
        ticket_id, contact_id = read_token(token)
    except signing.BadSignature:
        return _invalid(request)
    ticket = Ticket.objects.filter(pk=ticket_id).select_related("contact").first()
    if ticket is None or score not in SCORES:
        return _invalid(request)
    contact = Contact.objects.filter(pk=contact_id).first() if contact_id else None
    with translation.override(customer_language(ticket, contact)):
        error, status = "", 200
        form = RatingForm(initial={"score": score})
        try:
            if request.method == "POST":
                form = RatingForm(request.POST)
                if form.is_valid():
                    rate(ticket, form.cleaned_data["score"], comment=form.cleaned_data["comment"], contact=contact,
                         channel="mail")
                    return redirect(reverse("satisfaction:rate", args=[token, form.cleaned_data["score"]]) + "?saved=1")
                status = 400
            else:
                rate(ticket, score, contact=contact, channel="mail")
        except RatingError as exc:
            error, status = str(exc), 409
        rating = Rating.objects.filter(ticket=ticket).first()
        if rating is not None and request.method != "POST":
            form = RatingForm(initial={"score": rating.score, "comment": rating.comment})
        response = render(request, "satisfaction/rate.html", {
            "ticket": ticket, "rating": rating, "form": form, "error": error, "open": can_rate(ticket),
            "until": window_end(ticket), "saved": request.GET.get("saved") == "1",
        }, status=status)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["Referrer-Policy"] = "same-origin"  # the token stays out of other sites' logs
        return response


@require_POST
@contact_required
def rate_in_portal(request, pk: int):
    ticket = visible_tickets(request.user).filter(pk=pk, organisation_id=request.contact.organisation_id).first()
    if ticket is None:
        return _invalid(request)
    form = RatingForm(request.POST)
    target = reverse("portal:request", args=[pk])
    if not form.is_valid():
        messages.error(request, _("Choose good or bad to rate this request."))
        return redirect(target)
    try:
        rate(ticket, form.cleaned_data["score"], comment=form.cleaned_data["comment"], contact=request.contact,
             channel="portal", actor=request.user)
    except RatingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect(target + "#rating")
