"""API throttles: django-ninja's own, counted per client address (anonymous) or per user.

The counters live in Django's cache, the database cache in settings, so all web processes
count together; the address is :func:`meldpunt.clientip.client_ip`, which believes
X-Forwarded-For only behind ``MELDPUNT_TRUSTED_PROXIES``. An answer over the rate is 429
``{"detail": "Too many requests."}`` with ``Retry-After``. Rates come from settings when the
API is built (``MELDPUNT_API_RATE_ANON``, ``MELDPUNT_API_RATE_AUTH``).
"""

from __future__ import annotations

from django.conf import settings
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from meldpunt.clientip import client_ip


class AnonThrottle(AnonRateThrottle):
    def get_ident(self, request):
        return client_ip(request)


class UserThrottle(AuthRateThrottle):
    def get_ident(self, request):
        return client_ip(request)


def api_throttles() -> list:
    return [AnonThrottle(settings.MELDPUNT_API_RATE_ANON), UserThrottle(settings.MELDPUNT_API_RATE_AUTH)]
