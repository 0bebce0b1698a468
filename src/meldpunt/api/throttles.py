"""API throttle: django-ninja's own, counted per user (token or session).

Every API operation needs credentials and ninja checks them before any throttle, so a call
without valid credentials is answered 401 and never counted; what is counted is each user's
calls, in one statement per call on a window per user in the database
(:mod:`meldpunt.accounts.ratewindow`, so all web processes count together). Over the rate the answer is 429 ``{"detail": "Too many requests."}`` with
``Retry-After``. The rate is read from settings on each call (``MELDPUNT_API_RATE``,
"N/s|min|hour|day"). Anonymous forms outside the API are limited per address by
:mod:`meldpunt.accounts.throttle`.
"""

from __future__ import annotations

from django.conf import settings
from ninja.throttling import AuthRateThrottle

from meldpunt.accounts.clientip import client_ip
from meldpunt.accounts.ratewindow import WindowThrottle


class _FromSettings:
    setting = ""

    def __init__(self):
        super().__init__(getattr(settings, self.setting))

    def allow_request(self, request) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request):
        return client_ip(request)


class UserThrottle(_FromSettings, WindowThrottle, AuthRateThrottle):
    setting = "MELDPUNT_API_RATE"


def api_throttles() -> list:
    return [UserThrottle()]
