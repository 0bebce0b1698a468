"""A rate limit for public forms that are no API: django-ninja's throttle, used on a plain view.

The public booking form sends mail and holds a consultant's time, so a script must not post
it in a loop. :func:`throttle_posts` counts POSTs per client address (the same
:func:`meldpunt.accounts.clientip.client_ip` as logins and the API) in one statement per post
(:mod:`meldpunt.accounts.ratewindow`);
over the rate the visitor gets a page that says so, with HTTP 429 and Retry-After.
"""

from __future__ import annotations

import math
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja.throttling import AnonRateThrottle

from meldpunt.accounts.clientip import client_ip
from meldpunt.accounts.ratewindow import WindowThrottle


class FormThrottle(WindowThrottle, AnonRateThrottle):
    def __init__(self, scope: str, rate: str):
        self.scope = scope
        super().__init__(rate)

    def get_ident(self, request):
        return client_ip(request)


def throttle_posts(scope: str, rate_setting: str):
    """Limit POSTs to the view to ``settings.<rate_setting>`` per address (GET stays free)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                throttle = FormThrottle(scope, getattr(settings, rate_setting))
                if not throttle.allow_request(request):
                    wait = math.ceil(throttle.wait() or throttle.duration)
                    response = render(request, "accounts/throttled.html", {"message": _(
                        "Too many requests from your address. Wait %(minutes)d minutes, then try again.")
                        % {"minutes": max(1, math.ceil(wait / 60))}}, status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
