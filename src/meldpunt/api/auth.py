"""Who is calling the API: a per-user bearer token, or a logged-in Django session.

Tokens are looked up by their SHA-256 digest (the raw value is never stored). A token
that is unknown, revoked, expired or belongs to an inactive user is refused outright with 401,
without falling back to the session, so a client with a broken token learns it at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from meldpunt.api.models import ApiToken, hash_token
from meldpunt.prepared import PreparedQuery

#: ``last_used_at`` is written at most this often per token, so reads stay cheap.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


#: A live token with its user, and the caller's contact and organisation, which most routes
#: need. The digest is unique: a slice, not first(), which would add an ORDER BY. Compiled
#: once (every API call runs it).
TOKEN = PreparedQuery(
    lambda digest: ApiToken.objects.select_related("user__contact__organisation")
    .filter(digest=digest, revoked_at__isnull=True)[:1],
    digest=str,
)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token issued by :meth:`ApiToken.issue`."""

    def authenticate(self, request: HttpRequest, token: str):
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise AuthenticationError(401, "invalid API token")
        found = TOKEN.first(digest=hash_token(token))
        if found is None or not found.user.is_active:
            raise AuthenticationError(401, "invalid or revoked API token")
        if found.is_expired():
            raise AuthenticationError(401, "expired API token")
        _touch(found)
        request.api_token = found
        return found.user


def _touch(token: ApiToken) -> None:
    """Record use, at most once a minute (one conditional UPDATE, none in between)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)


class LoggedInSession(SessionAuth):
    """Django session auth (ninja's ``django_auth``) with its CSRF check for unsafe methods.

    The CSRF check only runs for a logged-in user: an anonymous call then ends in 401
    rather than a confusing 403 about CSRF.
    """

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


#: Tried in order: a bearer token, then the session.
API_AUTH = [TokenAuth(), LoggedInSession()]
