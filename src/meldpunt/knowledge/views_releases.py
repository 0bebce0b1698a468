"""Releases with their state, critical-fix opt-in and announcements, and my notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import staff_required
from meldpunt.contracts.selectors import contact_of
from meldpunt.knowledge.forms import AnnounceForm
from meldpunt.knowledge.models import FixNotificationOptIn, Notification, Product, Release
from meldpunt.knowledge.releases import announce_critical_fix, may_opt_in, product_releases, set_opt_in
from meldpunt.knowledge.services import KnowledgeError


def releases(request):
    contact = contact_of(request.user)
    products = []
    grouped: dict[int, list[Release]] = {}
    for release in product_releases().prefetch_related("announcements"):
        if request.user.is_staff:  # one form per release, prefixed so ids stay unique on the page
            release.announce_form = AnnounceForm(prefix=f"r{release.pk}")
        grouped.setdefault(release.product_id, []).append(release)
    for product in Product.objects.filter(pk__in=grouped):
        products.append((product, grouped[product.pk]))
    return render(request, "knowledge/releases.html", {
        "products": products,
        "may_opt_in": contact is not None and may_opt_in(contact),
        "opted_in": contact is not None and FixNotificationOptIn.objects.filter(contact=contact).exists(),
    })


@login_required
@require_POST
def opt_in(request):
    contact = contact_of(request.user)
    if contact is None:
        messages.error(request, _("Only customer contacts can sign up for fix notifications."))
        return redirect("knowledge:releases")
    try:
        set_opt_in(contact=contact, on=request.POST.get("on") == "1")
    except KnowledgeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your choice is saved."))
    return redirect("knowledge:releases")


@staff_required
@require_POST
def announce(request, pk: int):
    release = get_object_or_404(Release.objects.select_related("product"), pk=pk)
    form = AnnounceForm(request.POST, prefix=f"r{pk}")
    if form.is_valid():
        try:
            done = announce_critical_fix(release=release, actor=request.user, **form.cleaned_data)
        except KnowledgeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Announced to %(count)s opted-in contacts.") % {"count": done.recipients.count()})
    else:
        messages.error(request, _("Give the announcement a title and a text."))
    return redirect("knowledge:releases")


@login_required
def notifications(request):
    items = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        items.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("knowledge:notifications")
    return render(request, "knowledge/notifications.html", {"items": items[:100]})
