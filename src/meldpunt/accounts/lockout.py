"""What a locked-out client sees: the login page with why and for how long, as HTTP 429.

django-axes calls :func:`locked_out` (``AXES_LOCKOUT_CALLABLE``) for the login page and the
admin's login alike, so both say the same thing in the visitor's language.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _

from meldpunt.accounts.clientip import client_ip


class AxesBackend(AxesStandaloneBackend):
    """axes' backend, for logins over HTTP only.

    Every login page and the admin pass the request to ``authenticate``; a call without one
    (a script, the test client's ``login()``) has no client address to count, where axes'
    own backend would raise. It is left to the next backend, as if axes were not there.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_logged_in)
def forgive_own_failures(sender, request, user, **kwargs):
    """A successful login clears that user name's failures from that address, and only those.

    (axes' AXES_RESET_ON_SUCCESS would clear every failure of the address, so someone with
    an account of their own could log in after every four guesses at another's password.)
    """
    if request is None:
        return
    AccessAttempt.objects.filter(username=user.get_username(), ip_address=client_ip(request)).delete()


def lockout_message() -> str:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return _("Too many failed logins from your address. Wait %(minutes)d minutes, then try again.") % {
        "minutes": minutes}


def locked_out(request, response=None, credentials=None, *args, **kwargs):
    return render(request, "registration/login.html", {
        "form": AuthenticationForm(request), "throttled": lockout_message(),
        "next": request.POST.get("next", request.GET.get("next", "")),
    }, status=settings.AXES_HTTP_RESPONSE_CODE)
