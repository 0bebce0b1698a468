"""Absolute links to the desk, for mail, PDFs and notifications (issue 17: one path per rule).

Pages link relatively; a mail program or a PDF reader has no page to be relative to, so
everything that sends a link away builds it here, on ``MELDPUNT_SITE_URL`` (the desk's
address as customers reach it, e.g. ``https://desk.example.com``). A trailing slash on the
setting, or its absence, gives the same link.
"""

from __future__ import annotations

from django.conf import settings


def site_url(default: str = "") -> str:
    """``MELDPUNT_SITE_URL`` without a trailing slash, else ``default`` (likewise); "" when
    neither is set: a caller that needs an absolute link then leaves the link out."""
    return (getattr(settings, "MELDPUNT_SITE_URL", "") or default).rstrip("/")


def absolute_url(path: str, *, default: str = "") -> str:
    """``path`` (an address on the desk, as ``reverse`` gives it) as a link on
    :func:`site_url`; ``path`` itself when no site address is known."""
    site = site_url(default)
    if not site:
        return path
    return f"{site}/{path.lstrip('/')}"
