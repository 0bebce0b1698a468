"""The client's address, as login lockouts and throttles see it.

Behind ``MELDPUNT_TRUSTED_PROXIES`` reverse proxies (each appends the address it got the
request from to ``X-Forwarded-For``) the client is that many entries from the right of the
header; anything further left was written by the client and is not believed. With no
trusted proxy (the default) the header is ignored and the peer address counts, so nobody
escapes a lockout by sending a made-up header.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.MELDPUNT_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop for hop in (part.strip() for part in forwarded.split(",")) if hop]
    if not hops:
        return remote
    return _valid(hops[-min(proxies, len(hops))]) or remote
