"""The agent's notifications: the list (mark one or all read) and the settings page."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import staff_required
from meldpunt.notifications.forms import SettingsForm
from meldpunt.notifications.models import Notification
from meldpunt.notifications.selectors import PAGE, headline, notifications_of, settings_of
from meldpunt.notifications.services import NotificationError, mark_read, save_settings, watch
from meldpunt.tickets.selectors import visible_tickets


@staff_required
def index(request):
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(notifications_of(request.user, unread_only=unread_only), PAGE).get_page(request.GET.get("page"))
    items = [{"n": n, "headline": headline(n)} for n in page]
    return render(request, "notifications/list.html", {"page": page, "items": items, "unread_only": unread_only})


@staff_required
@require_POST
def open_one(request, pk: int):
    """Mark one notification read and go to its request."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    mark_read(request.user, [note.pk])
    return redirect("console:ticket", note.ticket_id)


@staff_required
@require_POST
def read_one(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    mark_read(request.user, [note.pk])
    return redirect("notifications:index")


@staff_required
@require_POST
def read_all(request):
    count = mark_read(request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:index")


@staff_required
@require_POST
def watch_ticket(request, pk: int):
    """Start or stop watching a request (``on`` = 1 or 0), then back to it."""
    ticket = get_object_or_404(visible_tickets(request.user), pk=pk)
    on = request.POST.get("on") == "1"
    watch(request.user, ticket, on=on)
    messages.success(request, _("You watch this request: a customer's reply tells you.") if on
                     else _("You no longer watch this request."))
    return redirect("console:ticket", ticket.pk)


@staff_required
def settings_page(request):
    own = settings_of(request.user)
    form = SettingsForm(initial={"in_app": own.in_app, "by_mail": own.by_mail, "language": own.language})
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                save_settings(request.user, **form.cleaned_data)
            except NotificationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("notifications:settings")
        status = 400
    return render(request, "notifications/settings.html", {"form": form}, status=status)
