"""Booking pages: public (prospects), portal (contacts), the signed manage link, and the console.

Views translate HTTP into service calls and back; the rules are in ``services`` and ``rules``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt import localformat
from meldpunt.accounts.access import contact_required, language, staff_required
from meldpunt.accounts.throttle import throttle_posts
from meldpunt.bookings import mail, selectors, services
from meldpunt.bookings.forms import (
    AvailabilityForm,
    BookingForm,
    RecordForm,
    RescheduleForm,
    length_choices,
    slot_choices,
)
from meldpunt.bookings.models import Availability, Booking
from meldpunt.bookings.rules import BookingSettingsError, cancel_is_free
from meldpunt.contracts.catalogs import newest_version
from meldpunt.contracts.models import CatalogVersion
from meldpunt.core.businesstime import epoch
from meldpunt.tickets.models import OPEN_STATUSES
from meldpunt.tickets.selectors import visible_tickets


def _names(ids) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=set(ids))
    return {u.pk: u.get_full_name() or u.get_username() for u in users}


def _slot_choices(version: CatalogVersion, rules, minutes: int) -> list:
    found = selectors.slots(version, rules, minutes)
    names = _names(s.agent for s in found)
    return slot_choices(found, names, show_agent=len(names) > 1)


def _length(request, rules) -> int:
    try:
        value = int(request.POST.get("length") or request.GET.get("length") or rules.session_lengths[0])
    except ValueError:
        value = rules.session_lengths[0]
    allowed = {n for n, _label in length_choices(rules, "en")}
    return value if value in allowed else rules.session_lengths[0]


def _book_page(request, *, version: CatalogVersion, rules, contact=None, agreement=None, agreements=()):
    """The booking form for a prospect (no contact) or a contact, GET and POST."""
    public = contact is None
    minutes = _length(request, rules)
    consultant = rules.needs_consultant(minutes)
    slots = None if consultant else _slot_choices(version, rules, minutes)
    tickets = None
    if not public:
        tickets = visible_tickets(request.user).filter(organisation_id=contact.organisation_id,
                                                       status__in=OPEN_STATUSES).order_by("-id")
    form = BookingForm(request.POST if request.method == "POST" else None, slots=slots, tickets=tickets,
                       public=public)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agent_id, starts_at = data.get("slot") or (None, None)
        try:
            outcome = services.book_session(
                vendor=version.vendor, agent_id=agent_id, starts_at=starts_at, minutes=minutes,
                topic=data["topic"], details=data.get("details", ""), name=data.get("name", ""),
                email=data.get("email", ""), language=contact.language if contact else language(),
                contact=contact, agreement=agreement, ticket=data.get("ticket"),
                site_url=request.build_absolute_uri("/"),
            )
        except services.BookingError as exc:
            form.add_error("slot" if isinstance(exc, services.SlotTaken) and "slot" in form.fields else None, str(exc))
            if isinstance(exc, services.SlotTaken):  # show the times that are still free
                fresh = _slot_choices(version, rules, minutes)
                form.fields["slot"].choices = [form.fields["slot"].choices[0], *fresh]
        else:
            if outcome.consultant_request is not None:
                return render(request, "bookings/consultant.html", {
                    "ticket": outcome.consultant_request, "rules": rules, "public": public})
            messages.success(request, _("Your session is booked. We sent the confirmation with a calendar "
                                        "invite to %(email)s.") % {"email": outcome.booking.email})
            return redirect(reverse("bookings:manage", args=[mail.manage_token(outcome.booking)]))
    return render(request, "bookings/book.html", {
        "form": form, "version": version, "rules": rules, "minutes": minutes, "consultant": consultant,
        "lengths": length_choices(rules, language()), "public": public, "agreement": agreement,
        "agreements": agreements, "rate": _rate_text(rules.hourly_rate, version, agreement),
    }, status=400 if form.is_bound and form.errors else 200)


def _rate_text(rate, version: CatalogVersion, agreement) -> str:
    if rate <= 0:
        return ""
    return localformat.money(rate, version.parsed().currency, language())


# ------------------------------------------------------------------ public
def index(request):
    """Vendors that offer bookable sessions; contacts go to their portal page."""
    offers = selectors.bookable_vendors()
    return render(request, "bookings/index.html", {"offers": offers})


@throttle_posts("booking", "MELDPUNT_BOOKING_RATE")
def public_book(request, vendor: str):
    """The prospects' form; POSTs are limited per address (it sends mail and holds a slot)."""
    version = newest_version(vendor)
    try:
        rules = selectors.settings_of(version) if version else None
    except BookingSettingsError:
        rules = None
    if rules is None:
        raise Http404("no bookable sessions")
    return _book_page(request, version=version, rules=rules)


def manage(request, token: str):
    """Reschedule or cancel through the signed link in the mail (no login needed)."""
    booking = mail.booking_from_token(token)
    if booking is None:
        raise Http404("no such booking")
    rules = selectors.settings_for(booking)
    version = selectors.version_for(booking)
    now = timezone.now()
    free = booking.status == "confirmed" and cancel_is_free(epoch(booking.starts_at), epoch(now), rules)
    form = None
    if booking.status == "confirmed" and free:
        slots = _slot_choices(version, rules, booking.minutes)
        form = RescheduleForm(request.POST if request.POST.get("action") == "reschedule" else None, slots=slots)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "reschedule" and form is not None and form.is_valid():
                agent_id, starts_at = form.cleaned_data["slot"]
                services.reschedule(booking=booking, starts_at=starts_at, agent_id=agent_id)
                messages.success(request, _("Your session was moved. We sent an updated invite."))
                return redirect(request.path)
            if action == "cancel":
                result = services.cancel(booking=booking)
                if result.late and result.fee is not None:
                    messages.warning(request, _("Your session was cancelled. Because it was less than %(hours)s "
                                                "hours before the start, a late-cancellation fee of %(fee)s is "
                                                "charged.") % {"hours": rules.cancel_free_hours, "fee": localformat.money(
                                                    result.fee, version.parsed().currency, language())})
                else:
                    messages.success(request, _("Your session was cancelled."))
                return redirect(request.path)
        except services.BookingError as exc:
            if form is not None and action == "reschedule":
                form.add_error("slot", str(exc))
            else:
                messages.error(request, str(exc))
    booking.refresh_from_db()
    return render(request, "bookings/manage.html", {
        "b": booking, "rules": rules, "free": free, "form": form, "token": token,
        "agent": mail.agent_name(booking), "fee_minutes": rules.late_fee_minutes,
    }, status=400 if form is not None and form.is_bound and form.errors else 200)


# ------------------------------------------------------------------ portal
@contact_required
def portal(request):
    """The contact's booking page: pick an agreement (when several), a length and a free time."""
    offers = selectors.bookable_agreements(request.contact)
    if not offers:
        return render(request, "bookings/book.html", {"form": None, "public": False})
    chosen = offers[0]
    wanted = request.POST.get("agreement") or request.GET.get("agreement")
    for agreement, rules in offers:
        if wanted and str(agreement.pk) == wanted:
            chosen = (agreement, rules)
    agreement, rules = chosen
    return _book_page(request, version=agreement.catalog, rules=rules, contact=request.contact,
                      agreement=agreement, agreements=[a for a, _r in offers])


@contact_required
def portal_list(request):
    """A contact's own bookings; a coordinator sees the organisation's and what they cost."""
    rows = list(selectors.customer_bookings(request.user).order_by("-starts_at")[:200])
    return render(request, "bookings/portal_list.html", {
        "rows": [(b, mail.manage_token(b), _money(b)) for b in rows],
        "coordinator": request.contact.is_coordinator,
        "total": _total(rows),
    })


def _console_booking(request, pk: int) -> Booking:
    """Any agent's booking, for the console's actions on it; 404 when there is none."""
    booking = selectors.agent_bookings(request.user, everyone=True).filter(pk=pk).first()
    if booking is None:
        raise Http404("no such booking")
    return booking


def _money(booking: Booking) -> str:
    currency = booking.agreement.catalog.parsed().currency if booking.agreement_id else "EUR"
    return localformat.money(booking.cost, currency, language())


def _total(rows: list[Booking]) -> str:
    billed = [b for b in rows if b.time_entry_id]
    if not billed:
        return localformat.money(0, "EUR", language())
    currency = billed[0].agreement.catalog.parsed().currency
    return localformat.money(sum(b.time_entry.amount for b in billed), currency, language())


# ------------------------------------------------------------------ console
@staff_required
def console(request):
    everyone = request.GET.get("all") == "1"
    rows = selectors.agent_bookings(request.user, everyone=everyone)
    now = timezone.now()
    upcoming = rows.filter(status="confirmed", ends_at__gte=now).order_by("starts_at")[:200]
    to_record = rows.filter(status="confirmed", starts_at__lte=now).order_by("starts_at")[:200]
    past = rows.exclude(status="confirmed").order_by("-starts_at")[:100]
    return render(request, "bookings/console.html", {
        "upcoming": upcoming, "to_record": to_record, "past": [(b, _money(b)) for b in past],
        "everyone": everyone, "record_form": RecordForm(),
    })


@staff_required
@require_POST
def record(request, pk: int):
    booking = _console_booking(request, pk)
    form = RecordForm(request.POST)
    if form.is_valid():
        try:
            done = services.record_session(booking=booking, agent=request.user, minutes=form.cleaned_data["minutes"],
                                           rate=form.cleaned_data.get("rate"))
        except services.BookingError as exc:
            messages.error(request, f"{booking.reference}: {exc}")
        else:
            if done.time_entry_id:
                messages.success(request, _("%(ref)s: %(worked)s min recorded, %(billed)s min billed (%(amount)s).")
                                 % {"ref": done.reference, "worked": done.actual_minutes,
                                    "billed": done.time_entry.billed_minutes, "amount": _money(done)})
            else:
                messages.success(request, _("%(ref)s: %(worked)s min recorded; not billed, the booking has no "
                                            "agreement.") % {"ref": done.reference, "worked": done.actual_minutes})
    else:
        messages.error(request, _("%(ref)s: give the actual duration in minutes.") % {"ref": booking.reference})
    return redirect("bookings:console")


@staff_required
@require_POST
def console_cancel(request, pk: int):
    booking = _console_booking(request, pk)
    try:
        services.cancel(booking=booking, by_vendor=True, actor=request.user)
    except services.BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(ref)s was cancelled; the customer was told by mail, without a fee.")
                         % {"ref": booking.reference})
    return redirect("bookings:console")


@staff_required
def availability(request):
    vendors = [(v.vendor, v.name) for v, _rules in selectors.bookable_vendors()]
    form = AvailabilityForm(request.POST if request.method == "POST" else None, vendors=vendors)
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_availability(agent=request.user, **form.cleaned_data)
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your hours were published."))
            return redirect("bookings:availability")
    rows = Availability.objects.filter(agent=request.user).order_by("vendor", "on_date", "weekday", "starts")
    return render(request, "bookings/availability.html", {"form": form, "rows": rows},
                  status=400 if form.is_bound and form.errors else 200)


@staff_required
@require_POST
def availability_delete(request, pk: int):
    deleted, _rows = Availability.objects.filter(agent=request.user, pk=pk).delete()
    if not deleted:
        raise Http404("no such availability")
    messages.success(request, _("The hours were removed; sessions already booked stay."))
    return redirect("bookings:availability")
