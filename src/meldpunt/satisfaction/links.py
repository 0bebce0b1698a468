"""The signed one-time links in the resolution mail (django.core.signing): the token names
the request and the person it was mailed to, so no login is needed and nobody can rate a
request whose mail they did not get. The score is part of the path (one link per answer);
the window for rating is kept by :mod:`meldpunt.satisfaction.services`, not by the token."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from meldpunt.links import absolute_url, site_url

SALT = "meldpunt.satisfaction.rating"


def make_token(ticket_id: int, contact_id: int | None) -> str:
    return signing.dumps({"t": ticket_id, "c": contact_id}, salt=SALT, compress=False)


def read_token(token: str) -> tuple[int, int | None]:
    """The request and contact of a token; :class:`signing.BadSignature` when forged or damaged."""
    data = signing.loads(token, salt=SALT)
    if not isinstance(data, dict) or not isinstance(data.get("t"), int):
        raise signing.BadSignature("not a rating token")
    contact = data.get("c")
    return data["t"], contact if isinstance(contact, int) else None


def rating_urls(ticket_id: int, contact_id: int | None) -> dict[str, str]:
    """The absolute links for good and bad; empty when ``MELDPUNT_SITE_URL`` is not set (a
    link without the site's address would not open from a mail program)."""
    if not site_url():
        return {}
    token = make_token(ticket_id, contact_id)
    return {score: absolute_url(reverse("satisfaction:rate", args=[token, score])) for score in ("good", "bad")}
