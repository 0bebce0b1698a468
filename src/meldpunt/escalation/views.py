"""The staff member's notifications (warnings and escalations addressed to them)."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from meldpunt.accounts.access import staff_required
from meldpunt.escalation.services import mark_read, unread_notifications


@staff_required
def notifications(request):
    return render(request, "escalation/notifications.html", {"notifications": unread_notifications(request.user)})


@staff_required
@require_POST
def read_all(request):
    mark_read(request.user)
    return redirect("escalation:notifications")
