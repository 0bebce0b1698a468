"""What a locked-out client sees: the login page with why and for how long, as HTTP 429.

django-axes calls :func:`locked_out` (``AXES_LOCKOUT_CALLABLE``) for the login page and the
admin's login alike, so both say the same thing in the visitor's language.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_message() -> str:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return _("Too many failed logins from your address. Wait %(minutes)d minutes, then try again.") % {
        "minutes": minutes}


def locked_out(request, response=None, credentials=None, *args, **kwargs):
    return render(request, "registration/login.html", {
        "form": AuthenticationForm(request), "throttled": lockout_message(),
        "next": request.POST.get("next", request.GET.get("next", "")),
    }, status=settings.AXES_HTTP_RESPONSE_CODE)
