"""Thin pages: read through selectors, format for people. The console and portal proper
grow in their own issue; these pages show the catalogs, requests and deadline panels."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from meldpunt.contracts.catalogs import calendar_for
from meldpunt.contracts.models import CatalogVersion
from meldpunt.contracts.selectors import visible_agreements
from meldpunt.core.calendars import describe_hours
from meldpunt.core.sla import Pause, business_time_left, format_span
from meldpunt.core.vocabulary import ENTITLEMENTS, label
from meldpunt.tickets.clocks import explain, pauses_of
from meldpunt.tickets.models import OPEN_STATUSES
from meldpunt.tickets.selectors import visible_messages, visible_tickets


def _lang() -> str:
    return "nl" if (get_language() or "en").startswith("nl") else "en"


def catalogs(request):
    lang = _lang()
    latest: dict[str, CatalogVersion] = {}
    for version in CatalogVersion.objects.order_by("vendor", "-loaded_at", "-id"):
        latest.setdefault(version.vendor, version)
    shown = []
    for version in latest.values():
        cat = version.parsed()
        packages = []
        for p in cat.packages.values():
            cal = cat.calendars[p.calendar]
            rows = {}
            for rule in p.targets:
                rows.setdefault(rule.priority, [rule.priority, rule.response or "–", rule.resolution or "–"])
            packages.append({
                "name": p.name.get(lang, p.id),
                "price": p.monthly_price if p.monthly_price else None,
                "calendar": f"{cal.label(lang)} · {describe_hours(cal.weekly, cal.holiday_set, lang)}",
                "limits": sorted(p.limits.items()),
                "entitlements": sorted(label(ENTITLEMENTS, e, lang) for e in p.entitlements),
                "targets": [rows[level] for level in cat.priority.levels if level in rows],
            })
        addons = [{
            "name": a.name.get(lang, a.id), "price": a.monthly_price, "unit": a.unit,
            "entitlements": sorted(label(ENTITLEMENTS, e, lang) for e in a.entitlements),
            "excludes": a.excludes,
        } for a in cat.addons.values()]
        shown.append({"name": cat.name, "version": cat.version, "currency": cat.currency,
                      "packages": packages, "addons": addons})
    return render(request, "web/catalogs.html", {"catalogs": shown})


def home(request):
    if not request.user.is_authenticated:
        return render(request, "web/home.html")
    now = timezone.now()
    tickets = (
        visible_tickets(request.user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("organisation")
        .prefetch_related("clocks")
        .order_by("-id")[:100]
    )
    rows = []
    for ticket in tickets:
        running = sorted((c for c in ticket.clocks.all() if c.state == "running" and c.due_at), key=lambda c: c.due_at)
        nxt = running[0] if running else None
        rows.append({"ticket": ticket, "next": nxt, "breached": bool(nxt and nxt.due_at < now)})
    rows.sort(key=lambda r: (r["next"] is None, r["next"].due_at if r["next"] else now))
    lang = _lang()
    agreements = []
    if not request.user.is_staff:
        for agreement in visible_agreements(request.user).select_related("catalog").prefetch_related("addons"):
            cat = agreement.catalog.parsed()
            agreements.append({
                "code": agreement.code,
                "package_name": cat.package(agreement.package).name.get(lang, agreement.package),
                "addons": [
                    f"{cat.addons[a.addon].name.get(lang, a.addon)}{f' × {a.quantity}' if a.quantity > 1 else ''}"
                    for a in agreement.addons.all() if a.addon in cat.addons
                ],
            })
    return render(request, "web/home.html", {"rows": rows, "agreements": agreements})


@login_required
def ticket(request, pk: int):
    ticket = visible_tickets(request.user).select_related("organisation", "agreement").filter(pk=pk).first()
    if ticket is None:
        raise Http404("no such request")
    lang, now = _lang(), timezone.now()
    clocks = []
    for clock in ticket.clocks.all().order_by("metric"):
        left = None
        if clock.state == "running" and clock.due_at:
            calendar = calendar_for(ticket.agreement.catalog, clock.calendar, lang)
            pauses: list[Pause] = pauses_of(clock)
            seconds = business_time_left(calendar, now, clock.due_at, pauses)
            left = format_span(seconds, lang) if seconds >= 0 else "-" + format_span(-seconds, lang)
        clocks.append({
            "clock": clock,
            "lines": explain(clock, lang),
            "left": left,
            "breached": bool(clock.due_at and (clock.stopped_at or now) > clock.due_at),
        })
    messages_ = visible_messages(request.user, ticket)
    return render(request, "web/ticket.html", {"ticket": ticket, "clocks": clocks, "messages_": messages_})
